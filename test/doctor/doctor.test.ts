// bbb-twilio doctor on a server where dial-in is set up (a fixture tree with the ESL, BBB API and Twilio emulators
// behind it): all checks pass, the exit code, the JSON contract and the text layout; then the live services break
// one at a time. Problems in the files are in doctor-findings.test.ts, checks of the server itself in live-server.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pointTreeAtBbb } from '../support/freeswitch-tree.js';
import { runCli } from '../support/tree.js';
import { AUTH_TOKEN, ESL_PASSWORD, SALT, closeServers, statusOf, trackedHealthyServer, type HealthyServer } from './healthy-server.js';

const IDS = [
  'config-valid',
  'audio-bridge-freeswitch',
  'files-in-desired-state',
  'esl-reachable',
  'sip-profile-running',
  'sip-port-listening',
  'firewall-twilio-only',
  'firewall-twilio-media',
  'public-ip-local',
  'bbb-api-reachable',
  'dial-number-shown',
  'meeting-pin-length',
  'call-service-dialplan',
  'call-service-active',
  'call-service-listening',
  'call-service-healthy',
  'call-service-keypad',
  'twilio-trunk',
  'twilio-origination-url',
  'twilio-numbers',
];

/** What only the server itself can show: its addresses, and the call service that runs there. */
const SKIPPED_UNDER_ROOT = ['public-ip-local', 'call-service-active', 'call-service-listening', 'call-service-healthy'];

after(closeServers);
const server = (): Promise<HealthyServer> => trackedHealthyServer();

describe('a server where dial-in is set up', () => {
  let s: HealthyServer;
  before(async () => {
    s = await server();
  });

  test('every check passes (the host\'s addresses and the running call service skip under --root) and doctor exits 0', async () => {
    const { code, json } = await s.doctorJson();
    assert.equal(code, 0);
    assert.deepEqual(
      json.checks.map((c) => [c.id, c.status]),
      IDS.map((id) => [id, SKIPPED_UNDER_ROOT.includes(id) ? 'skip' : 'ok']),
    );
    assert.deepEqual([json.ok, json.warn, json.fail, json.skip], [16, 0, 0, 4]);
  });

  test('--json has exactly the documented shape: checks of {id,title,status,finding,fix} and four counts', async () => {
    const { json, stdout } = await s.doctorJson();
    assert.deepEqual(Object.keys(json), ['checks', 'ok', 'warn', 'fail', 'skip']);
    for (const c of json.checks) {
      assert.deepEqual(Object.keys(c), ['id', 'title', 'status', 'finding', 'fix']);
      assert.ok(['ok', 'warn', 'fail', 'skip'].includes(c.status));
      assert.ok(c.title.length > 0 && c.finding.length > 0 && !c.finding.includes('\n') && !c.fix.includes('\n'));
    }
    assert.deepEqual(json.checks.map((c) => c.id), IDS);
    for (const secret of [ESL_PASSWORD, SALT, AUTH_TOKEN]) assert.ok(!stdout.includes(secret), `${secret} must not be shown`);
  });

  test('the text report: one aligned line per check, and a summary', async () => {
    const run = await s.doctor();
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n').filter((l) => /^ {2}(OK|WARN|FAIL|SKIP) /.test(l));
    assert.equal(lines.length, IDS.length);
    assert.ok(lines.every((l, i) => l.slice(8).startsWith(`${IDS[i] ?? '?'} `)), 'ids in order, in one column after the status');
    // Findings start in one column: after the longest id (audio-bridge-freeswitch) and two spaces.
    const column = 8 + 'audio-bridge-freeswitch'.length + 2;
    assert.ok(lines.every((l) => l.slice(column - 2, column) === '  ' && l[column] !== ' '), lines.join('\n'));
    assert.match(run.stdout, /\n20 checks: 16 ok, 0 warnings, 0 failed, 4 skipped\. Dial-in is ready\.\n$/);
    for (const secret of [ESL_PASSWORD, SALT, AUTH_TOKEN]) assert.ok(!run.stdout.includes(secret));
  });

  test('--offline skips the Twilio checks and asks Twilio nothing', async () => {
    const before = s.twilio.requests.length;
    const { json } = await s.doctorJson('--offline');
    for (const id of ['twilio-trunk', 'twilio-origination-url', 'twilio-numbers']) {
      assert.deepEqual([statusOf(json, id).status, statusOf(json, id).finding], ['skip', '--offline: Twilio was not asked']);
    }
    assert.equal(s.twilio.requests.length, before);
  });

  test('sip-profile-running FAILS when the profile is down, on another port, or advertising another address', async () => {
    const profile = s.esl.state.profiles.find((p) => p.name === 'bbb-twilio');
    assert.ok(profile);
    try {
      profile.state = 'DOWN';
      let { code, json } = await s.doctorJson('--offline');
      assert.equal(code, 1);
      assert.equal(statusOf(json, 'sip-profile-running').status, 'fail');
      assert.match(statusOf(json, 'sip-profile-running').finding, /^the "bbb-twilio" profile is not running \(sofia status does not list it\)$/);
      assert.match(statusOf(json, 'sip-profile-running').fix, /fs_cli -x 'sofia profile bbb-twilio start'/);

      profile.state = 'RUNNING';
      profile.port = 5090;
      ({ json } = await s.doctorJson('--offline'));
      assert.match(statusOf(json, 'sip-profile-running').finding, /runs on port 5090 .*but Twilio is told 5080/);
      assert.match(statusOf(json, 'sip-profile-running').fix, /sofia profile bbb-twilio restart/);

      profile.port = 5080;
      profile.extSipIp = '198.51.100.7';
      ({ code, json } = await s.doctorJson('--offline'));
      assert.equal(code, 1);
      assert.match(statusOf(json, 'sip-profile-running').finding, /advertises Ext-SIP-IP 198\.51\.100\.7, not the public IP 203\.0\.113\.10/);
    } finally {
      Object.assign(profile, { state: 'RUNNING', port: 5080, extSipIp: '203.0.113.10' });
    }
  });

  test('bbb-api-reachable FAILS with the wrong secret, a 502, or a page that is not BBB; dial-number-shown WARNS on stale meetings', async () => {
    const settings = path.join(s.root, 'etc/bigbluebutton/bbb-web.properties');
    const saved = await fs.readFile(settings, 'utf8');
    try {
      await pointTreeAtBbb(s.root, s.bbb.url, 'not-the-running-secret');
      let { json } = await s.doctorJson('--offline');
      assert.equal(statusOf(json, 'bbb-api-reachable').status, 'fail');
      assert.match(statusOf(json, 'bbb-api-reachable').finding, /rejected the checksum made with securitySalt/);
      assert.match(statusOf(json, 'bbb-api-reachable').fix, /bbb-conf --secret/);
      assert.ok(!JSON.stringify(json).includes('not-the-running-secret'));
      await fs.writeFile(settings, saved);

      s.bbb.behaviour = 'bad-gateway';
      ({ json } = await s.doctorJson('--offline'));
      assert.match(statusOf(json, 'bbb-api-reachable').finding, /answered HTTP 502$/);
      assert.match(statusOf(json, 'bbb-api-reachable').fix, /systemctl status bbb-web/);

      s.bbb.behaviour = 'html';
      ({ json } = await s.doctorJson('--offline'));
      assert.match(statusOf(json, 'bbb-api-reachable').finding, /did not answer with BigBlueButton's XML \(it starts "<!DOCTYPE html>/);

      s.bbb.behaviour = 'normal';
      s.bbb.meetings.push({ meetingId: 'm1', meetingName: 'Algebra', voiceBridge: '12345', dialNumber: '613-555-1234', participantCount: 3 });
      ({ json } = await s.doctorJson('--offline'));
      assert.match(statusOf(json, 'bbb-api-reachable').finding, /answers \(sha1 checksum\): 1 meeting running$/);
      assert.equal(statusOf(json, 'dial-number-shown').status, 'warn');
      assert.match(statusOf(json, 'dial-number-shown').finding, /1 running meeting\(s\) show 613-555-1234: bbb-web was not restarted/);
    } finally {
      s.bbb.behaviour = 'normal';
      s.bbb.meetings.length = 0;
      await fs.writeFile(settings, saved);
    }
  });

  test('meeting-pin-length WARNS when running meetings have voiceBridges of another length than the PIN (Scalelite\'s 9 digits, breakout rooms)', async () => {
    const meeting = (voiceBridge: string, meetingName = `room ${voiceBridge}`) =>
      ({ meetingId: voiceBridge, meetingName, voiceBridge, dialNumber: '+1 613 555 0142', participantCount: 2 });
    try {
      s.bbb.meetings.push(meeting('12345'), meeting('54321'));
      let { json } = await s.doctorJson('--offline');
      assert.equal(statusOf(json, 'meeting-pin-length').status, 'ok');
      assert.equal(statusOf(json, 'meeting-pin-length').finding, '2 running meetings: every voiceBridge has the 5 digits dial-in asks for');

      s.bbb.meetings.push(meeting('123456789', 'Greenlight room'));
      ({ json } = await s.doctorJson('--offline'));
      const greenlight = statusOf(json, 'meeting-pin-length');
      assert.equal(greenlight.status, 'warn');
      assert.equal(greenlight.finding, '1 running meeting has a 9-digit voiceBridge (e.g. "Greenlight room": 123456789), but dial-in asks for 5 digits: those callers cannot enter their PIN');
      assert.match(greenlight.fix, /^set dialin\.pinLength: 9 in .*config\.yml \(Greenlight and Scalelite create 9-digit voiceBridges\), then bbb-twilio apply$/);

      s.bbb.meetings.splice(2, 1, meeting('123451'), meeting('123452'));
      ({ json } = await s.doctorJson('--offline'));
      const breakout = statusOf(json, 'meeting-pin-length');
      assert.equal(breakout.status, 'warn');
      assert.match(breakout.finding, /^2 breakout rooms have a 6-digit voiceBridge \(the parent's PIN plus one digit\): dial-in asks for 5 digits/);
    } finally {
      s.bbb.meetings.length = 0;
    }
  });

  test('the Twilio checks: a missing number FAILS, a second origination URL WARNS, a disabled one FAILS, no trunk FAILS', async () => {
    const state = s.twilio.state;
    const uk = state.findNumber('+442079460018');
    assert.ok(uk);
    try {
      uk.trunkSid = null;
      let { json } = await s.doctorJson();
      assert.equal(statusOf(json, 'twilio-numbers').status, 'fail');
      assert.equal(statusOf(json, 'twilio-numbers').finding, '+44 20 7946 0018 is not attached to trunk "bbb-twilio"');
      state.incomingNumbers.delete(uk.sid);
      ({ json } = await s.doctorJson());
      assert.equal(
        statusOf(json, 'twilio-numbers').finding,
        '+44 20 7946 0018 is not attached to trunk "bbb-twilio" (+44 20 7946 0018 is not even a number of this account)',
      );
      state.incomingNumbers.set(uk.sid, uk);
      uk.trunkSid = s.trunkSid;

      const other = state.addOriginationUrl(s.trunkSid, { sipUrl: 'sip:198.51.100.7:5060', friendlyName: 'old server' });
      ({ json } = await s.doctorJson());
      assert.equal(statusOf(json, 'twilio-origination-url').status, 'warn');
      assert.match(statusOf(json, 'twilio-origination-url').finding, /calls may also go to sip:198\.51\.100\.7:5060/);
      state.originationUrls.delete(other);

      for (const url of state.originationUrlsOf(s.trunkSid)) url.enabled = false;
      ({ json } = await s.doctorJson());
      assert.equal(statusOf(json, 'twilio-origination-url').status, 'fail');
      assert.match(statusOf(json, 'twilio-origination-url').finding, /sip:203\.0\.113\.10:5080 is on the trunk but disabled/);
      for (const url of state.originationUrlsOf(s.trunkSid)) url.sipUrl = 'sip:203.0.113.10';
      for (const url of state.originationUrlsOf(s.trunkSid)) url.enabled = true;
      ({ json } = await s.doctorJson());
      assert.match(statusOf(json, 'twilio-origination-url').finding, /^no origination URL points at sip:203\.0\.113\.10:5080 \(the trunk has: sip:203\.0\.113\.10\)$/);
      for (const url of state.originationUrlsOf(s.trunkSid)) url.sipUrl = 'sip:203.0.113.10:5080';

      const trunk = state.trunks.get(s.trunkSid);
      assert.ok(trunk);
      trunk.friendlyName = 'someone-else';
      ({ json } = await s.doctorJson());
      assert.deepEqual(
        ['twilio-trunk', 'twilio-origination-url', 'twilio-numbers'].map((id) => statusOf(json, id).status),
        ['fail', 'skip', 'skip'],
      );
      assert.equal(statusOf(json, 'twilio-trunk').finding, 'no Elastic SIP trunk named "bbb-twilio" in the account');
      trunk.friendlyName = 'bbb-twilio';
    } finally {
      uk.trunkSid = s.trunkSid;
    }
  });

  test('twilio-trunk FAILS with the reason when Twilio rejects the credentials, and never shows the token', async () => {
    const run = await runCli(['doctor', '--root', s.root, '--json'], { env: { ...s.env, TWILIO_AUTH_TOKEN: 'wrong-token-also-secret' } });
    const json = JSON.parse(run.stdout) as { checks: { id: string; status: string; finding: string }[] };
    const trunk = json.checks.find((c) => c.id === 'twilio-trunk');
    assert.equal(trunk?.status, 'fail');
    assert.match(trunk?.finding ?? '', /Twilio rejected the Account SID or auth token/);
    assert.deepEqual(json.checks.filter((c) => c.id.startsWith('twilio-') && c.id !== 'twilio-trunk').map((c) => c.status), ['skip', 'skip']);
    assert.ok(!run.stdout.includes('wrong-token-also-secret'));
  });
});
