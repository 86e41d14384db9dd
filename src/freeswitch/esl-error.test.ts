import assert from 'node:assert/strict';
import test from 'node:test';
import { BbbTwilioError } from '../errors.js';
import {
  EslError,
  describeEslTarget,
  eslAuthRejected,
  eslClosed,
  eslConnectTimeout,
  eslGarbage,
  eslRefused,
  eslRejectedByAcl,
  eslTimeout,
  eslUnexpected,
  eslUnsendablePassword,
} from './esl-error.js';

test('an EslError is a BbbTwilioError of kind esl that carries its reason', () => {
  const err = new EslError('timeout', 'slow', 'wait');
  assert.ok(err instanceof BbbTwilioError);
  assert.equal(err.kind, 'esl');
  assert.equal(err.reason, 'timeout');
  assert.equal(err.name, 'EslError');
  assert.equal(err.hint, 'wait');
});

test('targets print IPv6 hosts in brackets', () => {
  assert.equal(describeEslTarget('127.0.0.1', 8021), '127.0.0.1:8021');
  assert.equal(describeEslTarget('::1', 8021), '[::1]:8021');
});

test('each builder gives its reason, a distinct message and a hint', () => {
  const t = '127.0.0.1:8021';
  const errors = [
    eslRefused(t, 'connection refused'),
    eslRejectedByAcl(t),
    eslAuthRejected(t, '/opt/freeswitch/etc/freeswitch/autoload_configs/event_socket.conf.xml'),
    eslUnsendablePassword(undefined),
    eslTimeout(t, 'its greeting (auth/request)', 5000),
    eslConnectTimeout(t, 5000),
    eslGarbage(t, 'got "HTTP/1.1 400 Bad Request"'),
    eslClosed(t, 'in the middle of a reply'),
    eslUnexpected(t, 'an api/response nobody asked for'),
  ];
  assert.deepEqual(
    errors.map((e) => e.reason),
    ['refused', 'refused', 'auth', 'auth', 'timeout', 'timeout', 'protocol', 'protocol', 'protocol'],
  );
  assert.equal(new Set(errors.map((e) => e.message)).size, errors.length);
  for (const e of errors) assert.ok(e.hint && e.hint.length > 10, e.message);
  assert.equal(errors[0]?.message, "cannot reach FreeSWITCH's event socket at 127.0.0.1:8021: connection refused");
  assert.match(errors[4]?.message ?? '', /within 5s$/);
});
