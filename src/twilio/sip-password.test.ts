import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateTwilioPassword, terminationPasswordProblem } from './sip-password.js';

test('every generated password meets Twilio\'s rules and holds nothing FreeSWITCH\'s pre-processor rewrites', () => {
  for (let i = 0; i < 500; i++) {
    const password = generateTwilioPassword();
    assert.equal(terminationPasswordProblem(password), undefined, password);
    assert.ok(!password.includes('$'), password);
  }
});

test('a password is refused for "$${" even when it meets Twilio\'s rules', () => {
  assert.match(terminationPasswordProblem('Abcdefgh1234$${x}') ?? '', /pre-processor/);
  assert.equal(terminationPasswordProblem('Abcdefgh1234${x}'), undefined);
});
