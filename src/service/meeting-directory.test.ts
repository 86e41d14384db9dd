import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBbbApiEmulator } from '../bbb/sandbox-bbb-api.js';
import { getMeetings } from '../bbb/bbb-api-client.js';
import { BbbApiError } from '../bbb/bbb-api-error.js';
import { MeetingDirectory, type DirectoryMeeting, type DirectoryTimers } from './meeting-directory.js';

/** A clock whose timers run only when a test advances it. */
class FakeClock implements DirectoryTimers {
  time = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now = (): number => this.time;
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.time + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get timers(): number {
    return this.pending.size;
  }
  /** Move time on, running each timer due (in order), and let the promises it started settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

function meeting(voiceBridge: string, hasUserJoined = true): DirectoryMeeting {
  return { meetingId: `m-${voiceBridge}`, voiceBridge, hasUserJoined, running: hasUserJoined, isBreakout: false };
}

/** A fake getMeetings: answers from `meetings`, or fails with `failure`; each answer can be held until released. */
function fakeApi() {
  const api = {
    meetings: [] as DirectoryMeeting[],
    failure: undefined as Error | undefined,
    requests: 0,
    hold: false,
    held: [] as (() => void)[],
    fetch: async (): Promise<DirectoryMeeting[]> => {
      api.requests++;
      if (api.hold) await new Promise<void>((r) => api.held.push(r));
      if (api.failure) throw api.failure;
      return api.meetings.map((m) => ({ ...m }));
    },
    release(): void {
      for (const r of api.held.splice(0)) r();
    },
  };
  return api;
}

function directory(api: ReturnType<typeof fakeApi>, clock: FakeClock, extra: { onFetch?: (r: { seconds: number; ok: boolean; error?: string }) => void } = {}): MeetingDirectory {
  return new MeetingDirectory({ fetchMeetings: api.fetch, now: clock.now, timers: clock, ...extra });
}

test('1,000 concurrent lookups of unknown PINs share one getMeetings', async () => {
  const clock = new FakeClock();
  const api = fakeApi();
  api.meetings = [meeting('12345')];
  api.hold = true;
  const dir = directory(api, clock);
  const answers = Promise.all(Array.from({ length: 1000 }, (_, i) => dir.lookup(i === 0 ? '12345' : String(20000 + i))));
  const refreshes = Promise.all([dir.refresh(), dir.refresh(), dir.refresh()]);
  await settle();
  api.release();
  const results = await answers;
  await refreshes;
  assert.equal(api.requests, 1);
  assert.deepEqual(results[0], { kind: 'found', meeting: meeting('12345') });
  assert.ok(results.slice(1).every((r) => r.kind === 'not-found'));
  dir.stop();
});

test('lookups refresh at most once a second; a PIN asked sooner waits for the next allowed refresh', async () => {
  const clock = new FakeClock();
  const api = fakeApi();
  const dir = directory(api, clock);
  assert.deepEqual(await dir.lookup('11111'), { kind: 'not-found' });
  clock.time = 300;
  api.meetings = [meeting('11111')];
  let answered: unknown;
  void dir.lookup('11111').then((r) => (answered = r));
  void dir.lookup('22222');
  await settle();
  assert.deepEqual([api.requests, answered], [1, undefined], 'no second request within the second');
  await clock.advance(700);
  assert.equal(api.requests, 2);
  assert.deepEqual(answered, { kind: 'found', meeting: meeting('11111') });
  assert.deepEqual(await dir.lookup('11111'), { kind: 'found', meeting: meeting('11111') });
  assert.equal(api.requests, 2, 'a known PIN is answered from the map');
  dir.stop();
  assert.equal(clock.timers, 0);
});

test('every API failure is `unavailable` with its reason; the last good map stays for peek', async () => {
  const clock = new FakeClock();
  const api = fakeApi();
  api.meetings = [meeting('12345'), meeting('123456')];
  const reasons: string[] = [];
  const dir = directory(api, clock, { onFetch: (r) => reasons.push(r.ok ? 'ok' : (r.error ?? '')) });
  await dir.refresh();
  assert.equal(dir.health.ok, true);
  api.failure = new BbbApiError('http', 'http://bbb/bigbluebutton/api/getMeetings answered HTTP 502', 'hint');
  clock.time = 5000;
  assert.deepEqual(await dir.lookup('99999'), { kind: 'unavailable', reason: 'http://bbb/bigbluebutton/api/getMeetings answered HTTP 502' });
  assert.deepEqual(dir.health, { ok: false, at: 5000, error: 'http://bbb/bigbluebutton/api/getMeetings answered HTTP 502' });
  assert.deepEqual(dir.peek('12345'), meeting('12345'));
  assert.equal(dir.extendsAnother('12345'), true, 'a breakout room extends it');
  assert.equal(dir.extendsAnother('123456'), false);
  assert.equal(dir.extendsAnother('1234'), true);
  api.failure = new TypeError('not an Error of ours');
  clock.time = 7000;
  assert.deepEqual(await dir.lookup('99999'), { kind: 'unavailable', reason: 'not an Error of ours' });
  assert.deepEqual(reasons, ['ok', 'http://bbb/bigbluebutton/api/getMeetings answered HTTP 502', 'not an Error of ours']);
  dir.stop();
});

test('the background refresh runs every 30 s only while calls are up', async () => {
  const clock = new FakeClock();
  const api = fakeApi();
  const dir = directory(api, clock);
  await clock.advance(120_000);
  assert.equal(api.requests, 0, 'no calls, no requests');
  dir.callStarted();
  dir.callStarted();
  await clock.advance(30_000);
  assert.equal(api.requests, 1);
  dir.callEnded();
  await clock.advance(60_000);
  assert.equal(api.requests, 3, 'one call is still up');
  dir.callEnded();
  await clock.advance(120_000);
  assert.equal(api.requests, 3);
  assert.equal(clock.timers, 0);
  dir.callStarted();
  dir.stop();
  assert.equal(clock.timers, 0, 'stop clears the timers');
});

test('watch: a waiting caller hears of the first web user, then of the meeting ending; one shared refresh every 2 s', async () => {
  const clock = new FakeClock();
  const api = fakeApi();
  api.meetings = [meeting('55555', false), meeting('66666', false)];
  const dir = directory(api, clock);
  await dir.refresh();
  const seen: { a: (DirectoryMeeting | undefined)[]; b: (DirectoryMeeting | undefined)[] } = { a: [], b: [] };
  const stopB = new AbortController();
  const a = (async () => {
    for await (const m of dir.watch('55555', new AbortController().signal)) seen.a.push(m);
  })();
  const b = (async () => {
    for await (const m of dir.watch('66666', stopB.signal)) seen.b.push(m);
  })();
  await clock.advance(4000);
  assert.deepEqual([api.requests, seen.a, seen.b], [3, [], []], 'two waiters, one request every 2 s, nothing changed');
  const joined = api.meetings[0];
  assert.ok(joined);
  joined.hasUserJoined = true;
  await clock.advance(2000);
  assert.deepEqual(seen.a, [{ ...meeting('55555', false), hasUserJoined: true }]);
  api.meetings = api.meetings.slice(1);
  await clock.advance(2000);
  assert.deepEqual(seen.a.at(-1), undefined);
  await a;
  assert.equal(seen.a.length, 2, 'undefined ends the watch');
  stopB.abort();
  await b;
  const before = api.requests;
  await clock.advance(10_000);
  assert.deepEqual([api.requests, clock.timers, seen.b], [before, 0, []], 'nobody waits: no more refreshes');
  dir.stop();
});

test('stop ends every watch and leaves no timer', async () => {
  const clock = new FakeClock();
  const api = fakeApi();
  api.meetings = [meeting('55555', false)];
  const dir = directory(api, clock);
  await dir.refresh();
  const done = (async () => {
    for await (const m of dir.watch('55555', new AbortController().signal)) assert.fail(`nothing changed, yet ${String(m)}`);
  })();
  dir.callStarted();
  void dir.lookup('00000');
  await settle();
  dir.stop();
  await done;
  assert.equal(clock.timers, 0);
});

test('against the fake bbb-web: a slow API sees one request for a burst of lookups, and a checksumError is `unavailable`', async () => {
  const bbb = await startBbbApiEmulator({ secret: 'salt', delayMs: 300 });
  try {
    bbb.meetings.push({ meetingId: 'lecture', meetingName: 'Lecture', voiceBridge: '70001', dialNumber: '', participantCount: 0, hasUserJoined: false });
    let secret = 'salt';
    const dir = new MeetingDirectory({ fetchMeetings: () => getMeetings({ serverUrl: bbb.url, secret, algorithm: 'sha512', timeoutMs: 2000 }) });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => dir.lookup(String(70001 + i))));
    assert.deepEqual([bbb.requests.length, bbb.maxInFlight], [1, 1]);
    assert.deepEqual(results[0], { kind: 'found', meeting: { meetingId: 'lecture', meetingName: 'Lecture', voiceBridge: '70001', dialNumber: '', participantCount: 0, hasUserJoined: false, running: true, isBreakout: false } });
    assert.equal(results.filter((r) => r.kind === 'not-found').length, 199);
    secret = 'changed';
    await new Promise((r) => setTimeout(r, 1000));
    const refused = await dir.lookup('79999');
    assert.equal(refused.kind, 'unavailable');
    assert.match(refused.kind === 'unavailable' ? refused.reason : '', /rejected the checksum/);
    dir.stop();
  } finally {
    await bbb.close();
  }
});
