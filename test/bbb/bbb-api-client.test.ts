import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { apiChecksum, getMeetings } from '../../src/bbb/bbb-api-client.js';
import { BbbApiError } from '../../src/bbb/bbb-api-error.js';
import { startBbbApiEmulator, type BbbApiEmulator, type BbbEmulatorBehaviour } from '../emulators/bbb-api-emulator.js';
import { closedPort } from '../emulators/esl-emulator.js';

const SECRET = '8cd8ef52e8e101574e400365b55e11a6';
const emulators: BbbApiEmulator[] = [];
after(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});
async function emulator(opts: { algorithms?: string[]; behaviour?: BbbEmulatorBehaviour; delayMs?: number } = {}): Promise<BbbApiEmulator> {
  const e = await startBbbApiEmulator({ secret: SECRET, ...opts });
  emulators.push(e);
  return e;
}

async function failure(promise: Promise<unknown>): Promise<BbbApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof BbbApiError, String(err));
    assert.ok(!`${err.message} ${err.hint ?? ''}`.includes(SECRET), 'the secret is never in a message');
    assert.ok(!/checksum=/.test(err.message), 'nor a checksum made from it');
    return err;
  }
  assert.fail('expected a BbbApiError');
}

test('the checksum is hash(call name + query + secret), as BBB\'s API documentation shows', () => {
  // The example from docs.bigbluebutton.org (api): create with this query and secret.
  const query = 'name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444';
  const secret = '639259d4-9dd8-4b25-bf01-95f9567eaf4b';
  assert.equal(apiChecksum('create', query, secret), '1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17');
  assert.equal(apiChecksum('getMeetings', '', secret, 'sha256'), createHash('sha256').update(`getMeetings${secret}`).digest('hex'));
});

test('getMeetings: no meeting, then meetings with their voice bridge kept as text', async () => {
  const e = await emulator();
  assert.deepEqual(await getMeetings({ serverUrl: e.url, secret: SECRET }), []);
  e.meetings.push({ meetingId: 'm1', meetingName: 'Algebra & co', voiceBridge: '01234', dialNumber: '+1 613 555 0142', participantCount: 7 });
  assert.deepEqual(await getMeetings({ serverUrl: `${e.url}/`, secret: SECRET, algorithm: 'sha512' }), [
    { meetingId: 'm1', meetingName: 'Algebra & co', voiceBridge: '01234', dialNumber: '+1 613 555 0142', participantCount: 7, hasUserJoined: true, running: true, isBreakout: false },
  ]);
  assert.deepEqual(e.requests.map((r) => [r.algorithm, r.checksumOk]), [['sha1', true], ['sha512', true]]);
});

test('each failure has its own kind: checksum, http, protocol, timeout, unreachable', async () => {
  const e = await emulator({ algorithms: ['sha256'] });
  assert.equal((await failure(getMeetings({ serverUrl: e.url, secret: SECRET }))).failure, 'checksum', 'sha1 not accepted');
  assert.equal((await failure(getMeetings({ serverUrl: e.url, secret: 'wrong' }))).failure, 'checksum');
  e.behaviour = 'bad-gateway';
  const http = await failure(getMeetings({ serverUrl: e.url, secret: SECRET, algorithm: 'sha256' }));
  assert.deepEqual([http.failure, http.message], ['http', `${e.url}/bigbluebutton/api/getMeetings answered HTTP 502`]);
  e.behaviour = 'html';
  assert.equal((await failure(getMeetings({ serverUrl: e.url, secret: SECRET, algorithm: 'sha256' }))).failure, 'protocol');
  e.behaviour = 'hang';
  const slow = await failure(getMeetings({ serverUrl: e.url, secret: SECRET, algorithm: 'sha256', timeoutMs: 200 }));
  assert.deepEqual([slow.failure, slow.message], ['timeout', `${e.url}/bigbluebutton/api/getMeetings did not answer within 0.2s`]);
  const port = await closedPort();
  const refused = await failure(getMeetings({ serverUrl: `http://127.0.0.1:${port}`, secret: SECRET }));
  assert.deepEqual([refused.failure, refused.message], ['unreachable', `cannot reach http://127.0.0.1:${port}/bigbluebutton/api/getMeetings: connection refused`]);
});

test('getMeetings reads hasUserJoined, running and isBreakout from BBB 3.0\'s XML, as the meetings change', async () => {
  const e = await emulator();
  e.meetings.push(
    { meetingId: 'parent', meetingName: 'Lecture', voiceBridge: '71234', dialNumber: '', participantCount: 0, hasUserJoined: false },
    { meetingId: 'room-1', meetingName: 'Lecture (Room 1)', voiceBridge: '712341', dialNumber: '', participantCount: 2, parentMeetingId: 'parent' },
  );
  const flags = async (): Promise<[string, boolean, boolean, boolean][]> =>
    (await getMeetings({ serverUrl: e.url, secret: SECRET })).map((m) => [m.voiceBridge, m.hasUserJoined, m.running, m.isBreakout]);
  assert.deepEqual(await flags(), [['71234', false, true, false], ['712341', true, true, true]]);
  const parent = e.meetings[0];
  assert.ok(parent);
  parent.hasUserJoined = true;
  parent.running = false;
  assert.deepEqual(await flags(), [['71234', true, false, false], ['712341', true, true, true]]);
});

test('the fake bbb-web: HTTP 500, invalid XML, a refused checksum, FAILED, each a failure of its own kind', async () => {
  const e = await emulator();
  const kinds: Partial<Record<BbbEmulatorBehaviour, string>> = { 'server-error': 'http', 'invalid-xml': 'protocol', 'checksum-error': 'checksum', failed: 'failed' };
  for (const [behaviour, kind] of Object.entries(kinds)) {
    e.behaviour = behaviour as BbbEmulatorBehaviour;
    assert.equal((await failure(getMeetings({ serverUrl: e.url, secret: SECRET }))).failure, kind, behaviour);
  }
  const failed = await failure(getMeetings({ serverUrl: e.url, secret: SECRET }));
  assert.equal(failed.message, `${e.url}/bigbluebutton/api/getMeetings answered FAILED (internalError): An internal error occurred`);
});

test('the fake bbb-web delays its answers and counts the requests it holds at once', async () => {
  const e = await emulator({ delayMs: 150 });
  const started = Date.now();
  await Promise.all([1, 2, 3].map(() => getMeetings({ serverUrl: e.url, secret: SECRET })));
  assert.ok(Date.now() - started >= 140, 'answered after the delay');
  assert.deepEqual([e.requests.length, e.maxInFlight, e.inFlight], [3, 3, 0]);
});
