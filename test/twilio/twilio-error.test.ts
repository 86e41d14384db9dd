import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import { TwilioError, toTwilioError } from '../../src/twilio/twilio-error.js';

const restException = (statusCode: number, body: Record<string, unknown> | null) =>
  new twilio.RestException({ statusCode, body: body === null ? '' : JSON.stringify(body) });

const networkError = (code: string, message: string) =>
  Object.assign(new Error(message), {
    code,
    isAxiosError: true,
    config: {
      url: 'https://trunking.twilio.com/v1/Trunks',
      headers: { Authorization: 'Basic QUNzZWNyZXQ6dG9rZW4=' },
      auth: { username: 'AC', password: 'super-secret-token' },
    },
  });

describe('toTwilioError', () => {
  test('maps 20003 to an auth failure whose hint names TWILIO_AUTH_TOKEN and twilio.accountSid', () => {
    const err = toTwilioError(
      restException(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }),
      'list trunks',
    );
    assert.ok(err instanceof TwilioError);
    assert.equal(err.kind, 'twilio');
    assert.deepEqual([err.code, err.status, err.failure], [20003, 401, 'auth']);
    assert.equal(err.message, 'Could not list trunks: Twilio rejected the Account SID or auth token [Twilio error 20003, HTTP 401]');
    assert.match(err.hint ?? '', /TWILIO_AUTH_TOKEN/);
    assert.match(err.hint ?? '', /twilio\.accountSid/);
    assert.match(err.hint ?? '', /docs\/errors\/20003/);
  });

  test('maps 20404 to not-found and keeps what Twilio said', () => {
    const err = toTwilioError(
      restException(404, { code: 20404, message: 'The requested resource /v1/Trunks/TK1 was not found', status: 404 }),
      'fetch trunk TK1',
    );
    assert.equal(err.failure, 'not-found');
    assert.equal(err.code, 20404);
    assert.match(err.message, /Twilio has no such resource: The requested resource \/v1\/Trunks\/TK1 was not found/);
    assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/20404');
  });

  test('maps 20429 and a bare HTTP 429 to rate-limited with a retry-later hint', () => {
    const coded = toTwilioError(restException(429, { code: 20429, message: 'Too Many Requests', status: 429 }), 'list trunks');
    const bare = toTwilioError(restException(429, null), 'list trunks');
    for (const err of [coded, bare]) {
      assert.equal(err.failure, 'rate-limited');
      assert.equal(err.status, 429);
      assert.match(err.hint ?? '', /run the command again/);
    }
    assert.equal(coded.code, 20429);
    assert.equal(bare.code, undefined);
    assert.match(bare.message, /\[HTTP 429\]$/);
  });

  test('maps phone-number errors (21452, 21421) to a hint about E.164 and numbers bought in the account', () => {
    for (const code of [21452, 21421, 21211]) {
      const err = toTwilioError(restException(400, { code, message: `number problem ${code}`, status: 400 }), 'attach +16135550142');
      assert.equal(err.failure, 'number', String(code));
      assert.equal(err.code, code);
      assert.match(err.message, new RegExp(`number problem ${code}`));
      assert.match(err.hint ?? '', /E\.164/);
    }
  });

  test('maps 403, 5xx and other 4xx to forbidden, server and invalid-request', () => {
    assert.equal(toTwilioError(restException(403, { code: 20403, message: 'Forbidden', status: 403 }), 'x').failure, 'forbidden');
    const server = toTwilioError(restException(503, null), 'create trunk');
    assert.equal(server.failure, 'server');
    assert.match(server.hint ?? '', /status\.twilio\.com/);
    const invalid = toTwilioError(restException(400, { code: 20001, message: 'Missing required parameter SipUrl', status: 400 }), 'x');
    assert.equal(invalid.failure, 'invalid-request');
    assert.match(invalid.message, /Missing required parameter SipUrl/);
  });

  test('reads RFC 9457 answers (TwilioServiceException): code, status and detail', () => {
    const problem = Object.assign(new Error('[HTTP 400] Bad Request'), {
      type: 'https://www.twilio.com/docs/errors/21452',
      title: 'Bad Request',
      status: 400,
      code: 21452,
      detail: 'Phone number is already in use',
    });
    const err = toTwilioError(problem, 'attach +16135550142');
    assert.deepEqual([err.code, err.status, err.failure], [21452, 400, 'number']);
    assert.match(err.message, /Phone number is already in use/);
    assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/21452');
  });

  test('keeps a multi-line Twilio message on one line', () => {
    const err = toTwilioError(restException(400, { code: 20001, message: 'first line\nsecond line', status: 400 }), 'x');
    assert.doesNotMatch(err.message, /\n/);
    assert.match(err.message, /first line second line/);
  });

  test('maps refused, unresolvable, reset and timed-out connections to network and timeout failures', () => {
    const refused = toTwilioError(networkError('ECONNREFUSED', 'connect ECONNREFUSED 1.2.3.4:443'), 'list trunks');
    assert.equal(refused.failure, 'network');
    assert.equal(refused.message, 'Could not list trunks: connection refused by trunking.twilio.com (ECONNREFUSED)');
    assert.match(refused.hint ?? '', /api\.twilio\.com/);

    assert.equal(toTwilioError(networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND'), 'x').failure, 'network');
    assert.match(toTwilioError(networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND'), 'x').message, /cannot resolve/);
    assert.equal(toTwilioError(networkError('ECONNRESET', 'socket hang up'), 'x').failure, 'network');
    for (const [code, message] of [
      ['ECONNABORTED', 'timeout of 100ms exceeded'],
      ['ETIMEDOUT', 'connect ETIMEDOUT'],
    ] as const) {
      const err = toTwilioError(networkError(code, message), 'list trunks');
      assert.equal(err.failure, 'timeout', code);
      assert.match(err.message, /did not answer in time/);
    }
  });

  test('never copies the request credentials of a network error into the message or hint', () => {
    const err = toTwilioError(networkError('ECONNREFUSED', 'connect ECONNREFUSED'), 'list trunks');
    const everything = `${err.message} ${err.hint ?? ''} ${JSON.stringify(err)} ${err.stack ?? ''}`;
    assert.doesNotMatch(everything, /super-secret-token|QUNzZWNyZXQ6dG9rZW4=/);
  });

  test('returns a TwilioError unchanged and wraps anything else as unknown', () => {
    const original = new TwilioError('already mapped', { code: 20003 });
    assert.equal(toTwilioError(original, 'x'), original);
    const unknown = toTwilioError(new TypeError('boom'), 'read numbers');
    assert.equal(unknown.failure, 'unknown');
    assert.equal(unknown.message, 'Could not read numbers: boom');
    assert.equal(toTwilioError('plain string', 'x').message, 'Could not x: plain string');
  });
});
