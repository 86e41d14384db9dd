import assert from 'node:assert/strict';
import test from 'node:test';
import { runCli } from './support/tree.js';

// One demo run (a few seconds) for every assertion below.
let demoRun: ReturnType<typeof runCli> | undefined;
const demo = (): ReturnType<typeof runCli> => (demoRun ??= runCli(['demo']));

test('demo walks both sides on its sandboxes (BBB tree and Twilio account) and ends with every file byte for byte as before', async () => {
  const run = await demo();
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /!! Twilio API redirected by BBB_TWILIO_API_URL to http:\/\/127\.0\.0\.1:\d+: NOT the real Twilio/);
  assert.match(run.stdout, /\+ create +twilio trunk "bbb-twilio"/);
  assert.match(run.stdout, /! risk: \+44 20 7946 0018 is attached to a voice URL/);
  assert.match(run.stdout, /- delete +twilio trunk "bbb-twilio"/);
  assert.match(run.stdout, /Checked: all \d+ files and folders of the sandbox are byte for byte as before\./);
  assert.match(run.stdout, /Sandbox Twilio account: 0 trunk named bbb-twilio; numbers still in the account: \+16135550142 \(no trunk\), \+442079460018 \(no trunk\)\./);
});

test('demo runs the real call service: a caller joins without web audio, one joins after waiting, a PIN guesser is locked out and unlocked, and the live view shows every step', async () => {
  const run = await demo();
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /-> joined: in meeting demo-12345 \(conference 12345\), although no web user has audio/);
  assert.match(run.stdout, /-> waiting: "the meeting has not started, please hold"/);
  assert.match(run.stdout, /-> joined_after_wait: in meeting demo-67890 \(conference 67890\)/);
  assert.match(run.stdout, /the number is locked out\n.*"please try later", hung up before any PIN prompt \(0 PIN prompts played\)/);
  assert.match(run.stdout, /1 number locked out[^\n]*\n.*\n {2}xxx-xxx-0177 +1[45]m\d\ds/);
  assert.match(run.stdout, /xxx-xxx-0177 can call again\./);
  // The live view, with calls in each step: joined, waiting and typing; later two joined and one typing.
  assert.match(run.stdout, /3 calls: 1 in meetings, 1 waiting, 1 typing a PIN\n.*\n {2}xxx-xxx-0101 +joined +demo-12345.*\n {2}xxx-xxx-0102 +waiting +demo-67890.*\n {2}xxx-xxx-0177 +pin +-/);
  assert.match(run.stdout, /3 calls: 2 in meetings, 0 waiting, 1 typing a PIN\n/);
  assert.match(run.stdout, /the caller still typing goes back to the dialplan's static PIN prompt \(resumed\)/);
});
