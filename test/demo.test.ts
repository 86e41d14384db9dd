import assert from 'node:assert/strict';
import test from 'node:test';
import { runCli } from './support/tree.js';

test('demo walks both sides on its sandboxes (BBB tree and Twilio account) and ends with every file byte for byte as before', async () => {
  const run = await runCli(['demo']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /!! Twilio API redirected by BBB_TWILIO_API_URL to http:\/\/127\.0\.0\.1:\d+: NOT the real Twilio/);
  assert.match(run.stdout, /\+ create +twilio trunk "bbb-twilio"/);
  assert.match(run.stdout, /! risk: \+44 20 7946 0018 is attached to a voice URL/);
  assert.match(run.stdout, /- delete +twilio trunk "bbb-twilio"/);
  assert.match(run.stdout, /Checked: all \d+ files and folders of the sandbox are byte for byte as before\./);
  assert.match(run.stdout, /Sandbox Twilio account: 0 trunk named bbb-twilio; numbers still in the account: \+16135550142 \(no trunk\), \+442079460018 \(no trunk\)\./);
});
