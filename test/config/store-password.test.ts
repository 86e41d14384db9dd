import assert from 'node:assert/strict';
import test from 'node:test';
import { parse } from 'yaml';
import { withTerminationPassword } from '../../src/config/store-password.js';

const FILE = '/etc/bbb-twilio/config.yml';

test('the password line goes right after the last termination key, and every other byte is kept (comments, spacing, sequence style)', () => {
  const text = [
    '# bbb-twilio',
    'server:',
    '  publicIp: 203.0.113.10   # moved in 2026',
    'numbers:',
    '- "+1 613-555-0142"',
    'twilio:',
    '    accountSid: AC0123456789abcdef0123456789abcdef',
    '    termination:',
    '        domain: x.pstn.twilio.com',
    "        username: 'bbb'    # the gateway user",
    '    edge: ashburn',
    'sip: {profile: dedicated}',
    '',
  ].join('\n');
  const out = withTerminationPassword(text, 'Abcdef123456XYZ', FILE);
  assert.equal(out, text.replace("# the gateway user\n", '# the gateway user\n        password: "Abcdef123456XYZ"\n'));
  assert.equal(parse(out).twilio.termination.password, 'Abcdef123456XYZ');
});

test('a termination map at the end of a file without a final newline gets the password on a line of its own', () => {
  const text = 'twilio:\n  termination:\n    domain: x.pstn.twilio.com\n    username: bbb';
  assert.equal(withTerminationPassword(text, 'Abcdef123456XYZ', FILE), `${text}\n    password: "Abcdef123456XYZ"\n`);
});

test('a flow-style termination map is re-printed by the yaml library, with the same meaning plus the password', () => {
  const text = 'server: {publicIp: 203.0.113.10}\ntwilio:\n  termination: {domain: x.pstn.twilio.com, username: bbb}\n';
  const out = withTerminationPassword(text, 'Abcdef123456XYZ', FILE);
  assert.deepEqual(parse(out), {
    server: { publicIp: '203.0.113.10' },
    twilio: { termination: { domain: 'x.pstn.twilio.com', username: 'bbb', password: 'Abcdef123456XYZ' } },
  });
});

test('an empty password key is filled in rather than duplicated', () => {
  const text = 'twilio:\n  termination:\n    domain: x.pstn.twilio.com\n    username: bbb\n    password:\n';
  const out = withTerminationPassword(text, 'Abcdef123456XYZ', FILE);
  assert.equal(parse(out).twilio.termination.password, 'Abcdef123456XYZ');
  assert.equal(out.match(/password/g)?.length, 1);
});

test('a termination that is not a map is a config error naming the key', () => {
  assert.throws(() => withTerminationPassword('twilio:\n  termination: yes\n', 'Abcdef123456XYZ', FILE), {
    name: 'ConfigError',
    message: /twilio\.termination is not a map/,
  });
});
