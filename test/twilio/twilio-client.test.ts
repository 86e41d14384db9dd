import assert from 'node:assert/strict';
import { closedPort } from '../support/ports.js';
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTwilioClient, rewriteTwilioUrl } from '../../src/twilio/twilio-client.js';
import { TwilioError, toTwilioError } from '../../src/twilio/twilio-error.js';
import { type TwilioEmulator, startTwilioEmulator } from '../emulators/twilio-emulator.js';

const accountSid = `AC${'abcdef0123456789'.repeat(2)}`;
const authToken = 'c0ffee-auth-token-never-shown';
const SECRETS = [authToken, Buffer.from(`${accountSid}:${authToken}`).toString('base64'), Buffer.from(authToken).toString('base64')];
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const emulators: TwilioEmulator[] = [];
async function emulator(): Promise<TwilioEmulator> {
  const e = await startTwilioEmulator({ accountSid, authToken });
  emulators.push(e);
  return e;
}
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function failure(promise: Promise<unknown>, doing: string): Promise<TwilioError> {
  try {
    await promise;
  } catch (err) {
    return toTwilioError(err, doing);
  }
  assert.fail('expected the call to fail');
}

/** A port on 127.0.0.1 where nothing listens. */

function assertNoSecret(err: TwilioError): void {
  const everything = [err.message, err.hint ?? '', String(err), JSON.stringify(err), err.stack ?? ''].join('\n');
  for (const secret of SECRETS) assert.ok(!everything.includes(secret), `secret leaked into: ${everything}`);
}

describe('rewriteTwilioUrl', () => {
  test('replaces scheme and host of any Twilio URL and keeps path and query', () => {
    const base = 'http://127.0.0.1:8099';
    assert.equal(rewriteTwilioUrl('https://trunking.twilio.com/v1/Trunks', base), `${base}/v1/Trunks`);
    const numbers = `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json?PhoneNumber=%2B16135550142&PageSize=50`;
    assert.equal(rewriteTwilioUrl(`https://api.twilio.com${numbers}`, base), `${base}${numbers}`);
  });

  test('puts the path under a base URL that has a path of its own, with or without a trailing slash', () => {
    for (const base of ['https://proxy.example/twilio', 'https://proxy.example/twilio/']) {
      assert.equal(
        rewriteTwilioUrl('https://trunking.twilio.com/v1/Trunks/TK1?Page=2', base),
        'https://proxy.example/twilio/v1/Trunks/TK1?Page=2',
      );
    }
  });
});

describe('createTwilioClient', () => {
  test('sends SDK requests to apiUrl with the path and query kept', async () => {
    const e = await emulator();
    e.state.addIncomingNumber({ phoneNumber: '+16135550142' });
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: e.url });
    const numbers = await client.incomingPhoneNumbers.list({ phoneNumber: '+16135550142', pageSize: 20 });
    assert.deepEqual(
      numbers.map((n) => n.phoneNumber),
      ['+16135550142'],
    );
    assert.deepEqual(e.requests.at(-1), {
      method: 'GET',
      path: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json`,
      query: { PhoneNumber: '+16135550142', PageSize: '20' },
      body: {},
      status: 200,
    });
  });

  test('follows absolute next-page URLs to apiUrl, query included', async () => {
    const e = await emulator();
    for (let i = 0; i < 3; i += 1) e.state.addTrunk({ friendlyName: `t${i}` });
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: e.url });
    const trunks = await client.trunking.v1.trunks.list({ pageSize: 2 });
    assert.equal(trunks.length, 3);
    const second = e.requests.at(-1);
    assert.equal(second?.path, '/v1/Trunks');
    assert.deepEqual(Object.keys(second?.query ?? {}), ['PageSize', 'Page', 'PageToken']);
  });

  test('authenticates with HTTP Basic auth: the emulator accepts the right token and refuses another', async () => {
    const e = await emulator();
    const good = await createTwilioClient({ accountSid, authToken, apiUrl: e.url });
    assert.deepEqual(await good.trunking.v1.trunks.list(), []);
    assert.equal(e.requests.at(-1)?.status, 200);
    const bad = await createTwilioClient({ accountSid, authToken: 'another-token', apiUrl: e.url });
    await assert.rejects(bad.trunking.v1.trunks.list());
    assert.equal(e.requests.at(-1)?.status, 401);
  });

  test('wrong credentials become TwilioError 20003 with a hint about the token and account SID', async () => {
    const e = await emulator();
    const client = await createTwilioClient({ accountSid, authToken: 'wrong-token', apiUrl: e.url });
    const err = await failure(client.trunking.v1.trunks.list(), 'list trunks');
    assert.deepEqual([err.code, err.status, err.failure, err.kind], [20003, 401, 'auth', 'twilio']);
    assert.match(err.hint ?? '', /TWILIO_AUTH_TOKEN.*twilio\.accountSid/);
  });

  test('retries a request answered with 20429 and succeeds once Twilio lets it through', async () => {
    const e = await emulator();
    e.failNext(/^\/v1\/Trunks$/, { status: 429, code: 20429, message: 'Too Many Requests' }, 2);
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: e.url, maxRetryDelayMs: 20 });
    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'bbb-twilio' });
    assert.equal(trunk.friendlyName, 'bbb-twilio');
    assert.deepEqual(
      e.requests.map((r) => r.status),
      [429, 429, 201],
    );
    assert.equal(e.state.trunks.size, 1);
  });

  test('gives up after maxRetries and reports rate limiting with code 20429', async () => {
    const e = await emulator();
    e.failNext(/^\/v1\/Trunks$/, { status: 429, code: 20429, message: 'Too Many Requests' }, 10);
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: e.url, maxRetries: 2, maxRetryDelayMs: 20 });
    const err = await failure(client.trunking.v1.trunks.list(), 'list trunks');
    assert.deepEqual([err.code, err.status, err.failure], [20429, 429, 'rate-limited']);
    assert.equal(e.requests.length, 3, 'one request and two retries');
  });

  test('does not retry when maxRetries is 0', async () => {
    const e = await emulator();
    e.failNext(/^\/v1\/Trunks$/, { status: 429, code: 20429, message: 'Too Many Requests' });
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: e.url, maxRetries: 0 });
    assert.equal((await failure(client.trunking.v1.trunks.list(), 'list trunks')).code, 20429);
    assert.equal(e.requests.length, 1);
  });

  test('does not retry a 500', async () => {
    const e = await emulator();
    e.failNext(/^\/v1\/Trunks$/, { status: 500, code: 20500, message: 'Internal Server Error' });
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: e.url, maxRetryDelayMs: 20 });
    assert.equal((await failure(client.trunking.v1.trunks.list(), 'list trunks')).failure, 'server');
    assert.equal(e.requests.length, 1);
  });

  test('a refused port becomes a network TwilioError that points at BBB_TWILIO_API_URL', async () => {
    const port = await closedPort();
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: `http://127.0.0.1:${port}` });
    const err = await failure(client.trunking.v1.trunks.list(), 'list trunks');
    assert.equal(err.failure, 'network');
    assert.equal(err.message, `Could not list trunks: connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
    assert.match(err.hint ?? '', /BBB_TWILIO_API_URL/);
    assert.equal(err.code, undefined);
  });

  test('a slow answer past timeoutMs becomes a timeout TwilioError', async () => {
    const e = await emulator();
    e.delayNext(/^\/v1\/Trunks$/, 1000);
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: e.url, timeoutMs: 100 });
    const err = await failure(client.trunking.v1.trunks.list(), 'list trunks');
    assert.equal(err.failure, 'timeout');
    assert.match(err.message, /did not answer in time/);
  });

  test('the auth token appears in no error message, hint or serialised error', async () => {
    const e = await emulator();
    const client = await createTwilioClient({ accountSid, authToken, apiUrl: e.url, maxRetries: 1, maxRetryDelayMs: 20 });
    const wrong = await createTwilioClient({ accountSid, authToken: `${authToken}-old`, apiUrl: e.url });
    const refused = await createTwilioClient({ accountSid, authToken, apiUrl: `http://127.0.0.1:${await closedPort()}` });
    e.failNext(/CredentialLists/, { status: 429, code: 20429, message: 'Too Many Requests' }, 5);
    e.failNext(/IpAccessControlLists/, { status: 500, code: 20500, message: 'Internal Server Error' });
    e.delayNext(/IncomingPhoneNumbers/, 1000);
    const slow = await createTwilioClient({ accountSid, authToken, apiUrl: e.url, timeoutMs: 50 });
    const errors = [
      await failure(wrong.trunking.v1.trunks.list(), 'list trunks'),
      await failure(client.trunking.v1.trunks('TKmissing').fetch(), 'fetch trunk'),
      await failure(client.sip.credentialLists.list(), 'list credential lists'),
      await failure(client.sip.ipAccessControlLists.list(), 'list IP access control lists'),
      await failure(slow.incomingPhoneNumbers.list(), 'list numbers'),
      await failure(refused.trunking.v1.trunks.list(), 'list trunks'),
      await failure(createTwilioClient({ accountSid, authToken, apiUrl: 'ftp://nowhere' }), 'connect'),
    ];
    assert.deepEqual(
      errors.map((err) => err.failure),
      ['auth', 'not-found', 'rate-limited', 'server', 'timeout', 'network', 'invalid-request'],
    );
    for (const err of errors) assertNoSecret(err);
  });

  test('refuses a malformed account SID, an empty token and an apiUrl that is not http(s) before any request', async () => {
    await assert.rejects(createTwilioClient({ accountSid: 'SK123', authToken }), (err: unknown) => {
      assert.ok(err instanceof TwilioError);
      assert.match(err.hint ?? '', /twilio\.accountSid/);
      return true;
    });
    await assert.rejects(createTwilioClient({ accountSid, authToken: '' }), /No Twilio auth token/);
    await assert.rejects(createTwilioClient({ accountSid, authToken, apiUrl: 'not a url' }), /BBB_TWILIO_API_URL is not a URL/);
    await assert.rejects(
      createTwilioClient({ accountSid, authToken, apiUrl: `http://user:${authToken}@127.0.0.1:1` }),
      (err: unknown) => err instanceof TwilioError && !err.message.includes(authToken),
    );
  });

  test('loads the Twilio SDK only when a client is created', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(process.cwd() + '/').cache).some((k) => k.includes('/node_modules/twilio/'));
      const { createTwilioClient } = await import('./src/twilio/twilio-client.ts');
      const before = loaded();
      await createTwilioClient({ accountSid: '${accountSid}', authToken: 'x' });
      console.log(JSON.stringify({ before, after: loaded() }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: projectRoot,
    });
    assert.deepEqual(JSON.parse(stdout), { before: false, after: true });
  });
});
