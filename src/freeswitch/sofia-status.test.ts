import assert from 'node:assert/strict';
import test from 'node:test';
import { answerApi, defaultFreeswitchState } from '../../test/emulators/freeswitch-api-emulation.js';
import { hostOfSipUrl, parseSofiaProfile, parseSofiaStatus, portOfSipUrl } from './sofia-status.js';

test('sofia status: profile and gateway rows with their state; the header, rules and summary are not rows', () => {
  const state = defaultFreeswitchState();
  state.profiles.push({ name: 'bbb-twilio', state: 'RUNNING', sipIp: '10.0.0.5', port: 5080, context: 'bbb-twilio', inUse: 2,
    gateways: [{ name: 'bbb-twilio-termination', registerTo: 'sip:bbb@x.pstn.twilio.com', state: 'NOREG' }] });
  assert.deepEqual(parseSofiaStatus(answerApi(state, 'sofia status')), [
    { name: 'external', type: 'profile', data: 'sip:mod_sofia@10.0.0.5:5060', state: 'RUNNING (0)' },
    { name: 'bbb-twilio', type: 'profile', data: 'sip:mod_sofia@10.0.0.5:5080', state: 'RUNNING (2)' },
    { name: 'bbb-twilio::bbb-twilio-termination', type: 'gateway', data: 'sip:bbb@x.pstn.twilio.com', state: 'NOREG' },
  ]);
});

test('sofia status profile: labels to values (including the oddly padded WS labels); Invalid Profile is null', () => {
  const state = defaultFreeswitchState();
  const fields = parseSofiaProfile(answerApi(state, 'sofia status profile external'));
  assert.ok(fields);
  assert.equal(fields.get('Ext-SIP-IP'), '203.0.113.10');
  assert.equal(fields.get('Ext-RTP-IP'), '203.0.113.10');
  assert.equal(fields.get('URL'), 'sip:mod_sofia@10.0.0.5:5060');
  assert.equal(fields.get('WSS-BIND-URL'), 'sip:mod_sofia@10.0.0.5:7443;transport=wss');
  assert.equal(parseSofiaProfile(answerApi(state, 'sofia status profile nope')), null);
});

test('SIP URLs: port (5060 when absent) and host', () => {
  assert.equal(portOfSipUrl('sip:mod_sofia@10.0.0.5:5080'), 5080);
  assert.equal(portOfSipUrl('sip:203.0.113.10;edge=dublin'), 5060);
  assert.equal(portOfSipUrl('sip:203.0.113.10:5080;transport=tcp'), 5080);
  assert.equal(hostOfSipUrl('sip:203.0.113.10:5080;edge=ashburn'), '203.0.113.10');
  assert.equal(hostOfSipUrl('sip:user@[2001:db8::1]:5080'), '2001:db8::1');
  assert.equal(portOfSipUrl('http://x'), null);
});
