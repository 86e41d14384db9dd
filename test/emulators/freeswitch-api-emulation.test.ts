import assert from 'node:assert/strict';
import test from 'node:test';
import { dedicatedProfile } from '../support/freeswitch-tree.js';
import { urlEncode } from './esl-emulator.js';
import { answerApi, defaultFreeswitchState, type FreeswitchState } from './freeswitch-api-emulation.js';

function stateWithTwilioProfile(): FreeswitchState {
  const state = defaultFreeswitchState();
  state.profiles.push(dedicatedProfile());
  return state;
}

test('sofia status prints mod_sofia\'s right-aligned columns and hides profiles that are not running', () => {
  const out = answerApi(stateWithTwilioProfile(), 'sofia status');
  const lines = out.split('\n');
  assert.equal(lines[0], `${'Name'.padStart(25)}\t   Type\t  ${'Data'.padStart(40)}\tState`);
  assert.equal(lines[1], '='.repeat(97));
  assert.equal(lines[2], `${'external'.padStart(25)}\tprofile\t  ${'sip:mod_sofia@10.0.0.5:5060'.padStart(40)}\tRUNNING (0)`);
  assert.equal(lines[3], '='.repeat(97));
  assert.equal(lines[4], '1 profile 0 aliases');
  assert.ok(!out.includes('bbb-twilio'));
});

test('sofia profile start brings up a profile the XML defines, and names one it does not', () => {
  const state = stateWithTwilioProfile();
  assert.equal(answerApi(state, 'sofia profile bbb-twilio start'), 'Reload XML [Success]\nbbb-twilio started successfully\n');
  assert.match(answerApi(state, 'sofia status'), /bbb-twilio\tprofile\t {2}\s+sip:mod_sofia@10\.0\.0\.5:5080\tRUNNING \(0\)\n/);
  assert.match(answerApi(state, 'sofia status'), /2 profiles 0 aliases\n$/);
  assert.equal(answerApi(state, 'sofia profile nowhere start'), 'Reload XML [Success]\nFailure starting nowhere\n');
  assert.deepEqual(state.profileActions, [{ profile: 'bbb-twilio', action: 'start' }]);
});

test('a profile whose port is taken says it started but stays down, as FreeSWITCH does', () => {
  const state = stateWithTwilioProfile();
  const profile = state.profiles[1];
  assert.ok(profile);
  profile.startFails = true;
  assert.match(answerApi(state, 'sofia profile bbb-twilio start'), /started successfully/);
  assert.equal(answerApi(state, 'sofia status profile bbb-twilio'), 'Invalid Profile!\n');
});

test('sofia status profile shows the external addresses in tab-separated label lines', () => {
  const out = answerApi(defaultFreeswitchState(), 'sofia status profile external');
  assert.ok(out.startsWith(`${'='.repeat(97)}\nName             \texternal\n`));
  assert.match(out, /\nExt-SIP-IP       \t203\.0\.113\.10\n/);
  assert.match(out, /\nURL              \tsip:mod_sofia@10\.0\.0\.5:5060\n/);
  assert.match(out, /\nWS-BIND-URL     \tsip:mod_sofia@10\.0\.0\.5:5066;transport=ws\n/);
  assert.match(out, /\nREGISTRATIONS    \t0\n$/);
});

test('rescan and restart answer like cmd_profile; restart drops the calls on that profile only', () => {
  const state = stateWithTwilioProfile();
  answerApi(state, 'sofia profile bbb-twilio start');
  const external = state.profiles[0];
  const twilio = state.profiles[1];
  assert.ok(external && twilio);
  external.inUse = 4;
  twilio.inUse = 1;
  state.calls = 5;
  state.conferences['71234'] = [
    { id: 1, channel: 'sofia/external/w_abc_1-bbbID-Alice@10.0.0.5', callerIdName: 'Alice', callerIdNumber: 'w_abc_1-bbbID-Alice' },
    { id: 2, channel: 'sofia/bbb-twilio/+16135550100@54.172.60.1', callerIdName: 'Caller', callerIdNumber: '+16135550100' },
  ];
  assert.equal(answerApi(state, 'sofia profile bbb-twilio rescan'), 'Reload XML [Success]\n+OK scan complete\n');
  assert.equal(answerApi(state, 'sofia profile bbb-twilio restart'), 'Reload XML [Success]\nrestarting: bbb-twilio');
  assert.equal(state.calls, 4);
  assert.equal(state.conferences['71234']?.length, 1);
  assert.equal(answerApi(state, 'sofia profile nowhere rescan'), 'Invalid Profile [nowhere]');
});

test('reloadxml counts and reports errors inside "+OK [...]", as mod_commands does', () => {
  const state = defaultFreeswitchState();
  assert.equal(answerApi(state, 'reloadxml'), '+OK [Success]\n');
  state.xmlError = 'Error at line 7: unclosed tag <condition>';
  assert.equal(answerApi(state, 'reloadxml'), '+OK [Error at line 7: unclosed tag <condition>]\n');
  assert.equal(state.reloadxmlCount, 2);
});

test('show calls count, conference list, status and version use the real layouts', () => {
  const state = defaultFreeswitchState();
  state.calls = 3;
  state.conferences['71234'] = [
    { id: 7, channel: 'sofia/external/w_abc_1-bbbID-Alice@10.0.0.5', callerIdName: 'Alice', callerIdNumber: 'w_abc_1-bbbID-Alice', uuid: 'u-1' },
  ];
  assert.equal(answerApi(state, 'show calls count'), '\n3 total.\n');
  assert.equal(
    answerApi(state, 'conference 71234 list'),
    '7;sofia/external/w_abc_1-bbbID-Alice@10.0.0.5;u-1;Alice;w_abc_1-bbbID-Alice;hear|speak;0;0;0;100\n',
  );
  assert.equal(answerApi(state, 'conference 99999 list'), 'Conference 99999 not found\n');
  assert.match(answerApi(state, 'status'), /^UP 0 years, 3 days, 4 hours, 12 minutes, 9 seconds, \d+ milliseconds, \d+ microseconds\n/);
  assert.match(answerApi(state, 'status'), /\n3 session\(s\) - peak 4, last 5min 3 \n/);
  assert.match(answerApi(state, 'version'), /^FreeSWITCH Version 1\.10\.12-release\+git~\S+ \(git a88d069 .* 64bit\)\n$/);
});

test('unknown commands get mod_event_socket\'s answer; known ones not emulated fail loudly', () => {
  const state = defaultFreeswitchState();
  assert.equal(answerApi(state, 'frobnicate now'), '-ERR frobnicate Command not found!\n');
  assert.match(answerApi(state, 'sofia status gateway x'), /^-ERR \[esl-emulator\] not emulated/);
});

test('event values are URL-encoded like switch_url_encode', () => {
  assert.equal(urlEncode('::1'), '%3A%3A1');
  assert.equal(urlEncode('Sun, 10 Sep 2023 09:35:18 GMT'), 'Sun,%2010%20Sep%202023%2009%3A35%3A18%20GMT');
  assert.equal(urlEncode('sofia/default/1005 \'&park\''), "sofia/default/1005%20'%26park'");
  assert.equal(urlEncode('Zoë'), 'Zo%C3%AB');
});
