// bbb-twilio doctor on fixture trees with the ESL, BBB API and Twilio emulators behind them: every check in
// each of the states it can report, the exit code, and the JSON contract.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closedPort } from '../emulators/esl-emulator.js';
import { pointTreeAtBbb, pointTreeAtEsl } from '../support/freeswitch-tree.js';
import { BASE_CONFIG, CONF, copyFixture, runCli, writeConfig } from '../support/tree.js';
import { AUTH_TOKEN, ESL_PASSWORD, SALT, TWILIO_CONFIG, healthyServer, procNetUdp, statusOf, type HealthyServer } from './healthy-server.js';

const IDS = [
  'config-valid',
  'audio-bridge-freeswitch',
  'files-in-desired-state',
  'esl-reachable',
  'sip-profile-running',
  'sip-port-listening',
  'firewall-twilio-only',
  'public-ip-local',
  'bbb-api-reachable',
  'dial-number-shown',
  'twilio-trunk',
  'twilio-origination-url',
  'twilio-numbers',
];

const servers: HealthyServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function server(): Promise<HealthyServer> {
  const s = await healthyServer();
  servers.push(s);
  return s;
}

describe('a server where dial-in is set up', () => {
  let s: HealthyServer;
  before(async () => {
    s = await server();
  });

  test('every check passes (public-ip-local skips under --root) and doctor exits 0', async () => {
    const { code, json } = await s.doctorJson();
    assert.equal(code, 0);
    assert.deepEqual(
      json.checks.map((c) => [c.id, c.status]),
      IDS.map((id) => [id, id === 'public-ip-local' ? 'skip' : 'ok']),
    );
    assert.deepEqual([json.ok, json.warn, json.fail, json.skip], [12, 0, 0, 1]);
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
    assert.match(run.stdout, /\n13 checks: 12 ok, 0 warnings, 0 failed, 1 skipped\. Dial-in is ready\.\n$/);
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

  test('the Twilio checks: a missing number FAILS, a second origination URL WARNS, a disabled one FAILS, no trunk FAILS', async () => {
    const state = s.twilio.state;
    const uk = state.findNumber('+442079460018');
    assert.ok(uk);
    try {
      uk.trunkSid = null;
      let { json } = await s.doctorJson();
      assert.equal(statusOf(json, 'twilio-numbers').status, 'fail');
      assert.equal(statusOf(json, 'twilio-numbers').finding, '+44 20 7946 0018 is not attached to trunk "bbb-twilio"');
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
    assert.ok(!run.stdout.includes('wrong-token-also-secret'));
  });
});

describe('checks that find problems in the files', () => {
  test('before apply: files-in-desired-state, firewall-twilio-only and dial-number-shown FAIL, each with its fix', async () => {
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, BASE_CONFIG);
    await pointTreeAtEsl(root, await closedPort());
    await pointTreeAtBbb(root, `http://127.0.0.1:${await closedPort()}`);
    const run = await runCli(['doctor', '--root', root, '--json']);
    assert.equal(run.code, 1);
    const json = JSON.parse(run.stdout) as Parameters<typeof statusOf>[0];
    const files = statusOf(json, 'files-in-desired-state');
    assert.equal(files.status, 'fail');
    assert.match(files.finding, /^bbb-twilio has not been applied yet: \+ sip_profiles\/bbb-twilio\.xml, \+ dialplan\/bbb-twilio\.xml, ~ \/etc\/bigbluebutton\/bbb-web\.properties, .*, and \d+ more$/);
    assert.equal(files.fix, 'review with bbb-twilio plan, then run bbb-twilio apply');
    assert.equal(statusOf(json, 'firewall-twilio-only').status, 'fail');
    assert.match(statusOf(json, 'firewall-twilio-only').finding, /Twilio's 54\.172\.60\.0\/30 \(udp, tcp\), .* and 5 more are not admitted/);
    assert.equal(statusOf(json, 'dial-number-shown').status, 'fail');
    assert.match(statusOf(json, 'dial-number-shown').finding, /^bbb-web shows 613-555-1234 \(\/usr\/share\/bbb-web\/.*\), not \+1 613 555 0142$/);
    // Nothing runs in a copied tree: those checks skip, with the reason.
    assert.equal(statusOf(json, 'esl-reachable').status, 'skip');
    assert.match(statusOf(json, 'esl-reachable').finding, /nothing answers at 127\.0\.0\.1:\d+: this --root tree has no running FreeSWITCH/);
    assert.equal(statusOf(json, 'sip-profile-running').status, 'skip');
    assert.equal(statusOf(json, 'sip-port-listening').status, 'skip');
    assert.equal(statusOf(json, 'bbb-api-reachable').status, 'skip');
    assert.match(statusOf(json, 'bbb-api-reachable').finding, /connection refused \(this --root tree's BBB is not reachable from here\)/);
    assert.equal(statusOf(json, 'twilio-trunk').status, 'skip');
    assert.match(statusOf(json, 'twilio-trunk').finding, /^no Twilio credentials configured/);
  });

  test('a file changed since apply is drift: files-in-desired-state FAILS and names it', async () => {
    const s = await server();
    await fs.appendFile(path.join(s.root, CONF, 'dialplan/bbb-twilio.xml'), '<!-- edited -->\n');
    const { json } = await s.doctorJson('--offline');
    assert.equal(statusOf(json, 'files-in-desired-state').status, 'fail');
    assert.match(statusOf(json, 'files-in-desired-state').finding, /^1 difference\(s\) from the config: ~ dialplan\/bbb-twilio\.xml \(a managed file was edited by hand: apply needs --force\)$/);
    assert.match(statusOf(json, 'files-in-desired-state').fix, /apply --force/);
  });

  test('an invalid config FAILS config-valid, skips what needs it, and the other checks still run', async () => {
    const s = await server();
    await writeConfig(s.root, 'server:\n  publicIp: 999.1.1.1\nnumbers: ["+1 613-555-0142"]\n');
    const { code, json } = await s.doctorJson('--offline');
    assert.equal(code, 1);
    assert.equal(statusOf(json, 'config-valid').status, 'fail');
    assert.match(statusOf(json, 'config-valid').finding, /server\.publicIp "999\.1\.1\.1" is not an IPv4 address/);
    assert.ok(statusOf(json, 'config-valid').fix.length > 0);
    assert.equal(statusOf(json, 'files-in-desired-state').status, 'skip');
    assert.equal(statusOf(json, 'esl-reachable').status, 'ok');
    assert.equal(statusOf(json, 'bbb-api-reachable').status, 'ok');
  });

  test('a missing config file is a finding, not a crash', async () => {
    const root = await copyFixture('bbb-3.0');
    await pointTreeAtEsl(root, await closedPort());
    await pointTreeAtBbb(root, `http://127.0.0.1:${await closedPort()}`);
    const run = await runCli(['doctor', '--root', root]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /FAIL {2}config-valid +config file not found: .*\/etc\/bbb-twilio\/config\.yml\n +fix: create it from examples\/config\.yml/);
  });

  test('a LiveKit-audio server: audio-bridge-freeswitch FAILS clearly and files-in-desired-state does not apply', async () => {
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root);
    await pointTreeAtEsl(root, await closedPort());
    await pointTreeAtBbb(root, `http://127.0.0.1:${await closedPort()}`);
    await fs.appendFile(path.join(root, 'etc/bigbluebutton/bbb-web.properties'), 'audioBridge=livekit\n');
    const run = await runCli(['doctor', '--root', root, '--json']);
    const json = JSON.parse(run.stdout) as Parameters<typeof statusOf>[0];
    assert.equal(statusOf(json, 'audio-bridge-freeswitch').status, 'fail');
    assert.match(statusOf(json, 'audio-bridge-freeswitch').finding, /meeting audio goes through LiveKit .*: FreeSWITCH dial-in does not reach these meetings/);
    assert.equal(statusOf(json, 'files-in-desired-state').status, 'skip');
  });

  test('a tree without FreeSWITCH: the FreeSWITCH checks report why instead of crashing', async () => {
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root);
    await fs.rm(path.join(root, 'opt'), { recursive: true });
    const run = await runCli(['doctor', '--root', root, '--json', '--offline']);
    const json = JSON.parse(run.stdout) as Parameters<typeof statusOf>[0];
    assert.equal(statusOf(json, 'audio-bridge-freeswitch').status, 'skip');
    assert.equal(statusOf(json, 'files-in-desired-state').status, 'fail');
    assert.match(statusOf(json, 'files-in-desired-state').finding, /FreeSWITCH configuration not found/);
    assert.equal(statusOf(json, 'esl-reachable').status, 'fail');
  });
});

describe('esl-reachable', () => {
  test('FAILS with the reason when the password is wrong (something answers: not a missing service)', async () => {
    const s = await server();
    await pointTreeAtEsl(s.root, s.esl.port, 'WrongPassword1');
    const { json, stdout } = await s.doctorJson('--offline');
    assert.equal(statusOf(json, 'esl-reachable').status, 'fail');
    assert.match(statusOf(json, 'esl-reachable').finding, /refused the password from \/opt\/freeswitch\/etc\/freeswitch\/autoload_configs\/event_socket\.conf\.xml$/);
    assert.match(statusOf(json, 'esl-reachable').fix, /check the password param/);
    assert.equal(statusOf(json, 'sip-profile-running').status, 'skip');
    assert.ok(!stdout.includes('WrongPassword1'));
  });
});

describe('sip-port-listening', () => {
  test('FAILS when nothing is bound to the port, WARNS when only loopback is', async () => {
    const s = await server();
    const udp = path.join(s.root, 'proc/net/udp');
    await fs.writeFile(udp, procNetUdp([{ port: 5060 }]));
    let { json } = await s.doctorJson('--offline');
    assert.equal(statusOf(json, 'sip-port-listening').status, 'fail');
    assert.equal(statusOf(json, 'sip-port-listening').finding, 'nothing listens on UDP port 5080: Twilio\'s INVITEs would get no answer');
    await fs.writeFile(udp, procNetUdp([{ port: 5060 }, { address: '127.0.0.1', port: 5080 }]));
    ({ json } = await s.doctorJson('--offline'));
    assert.equal(statusOf(json, 'sip-port-listening').status, 'warn');
    assert.match(statusOf(json, 'sip-port-listening').finding, /bound only on loopback \(127\.0\.0\.1\)/);
  });
});

describe('firewall-twilio-only', () => {
  test('FAILS when ufw also admits anyone on the SIP port (external mode on BBB 2.7: udp 5060 open)', async () => {
    const root = await copyFixture('bbb-2.7');
    await writeConfig(root, BASE_CONFIG + 'sip:\n  profile: external\n');
    assert.equal((await runCli(['apply', '--root', root, '--yes', '--no-reload'])).code, 0);
    await pointTreeAtEsl(root, await closedPort());
    await pointTreeAtBbb(root, `http://127.0.0.1:${await closedPort()}`);
    const json = JSON.parse((await runCli(['doctor', '--root', root, '--json'])).stdout) as Parameters<typeof statusOf>[0];
    const fw = statusOf(json, 'firewall-twilio-only');
    assert.equal(fw.status, 'fail');
    assert.equal(fw.finding, 'ufw also admits udp from anywhere on port 5060');
    assert.match(fw.fix, /ufw status numbered; ufw delete N/);
  });

  test('FAILS when ufw is disabled, WARNS when no firewall is managed', async () => {
    const s = await server();
    await fs.writeFile(path.join(s.root, 'etc/ufw/ufw.conf'), '# /etc/ufw/ufw.conf\nENABLED=no\nLOGLEVEL=low\n');
    let { json } = await s.doctorJson('--offline');
    assert.equal(statusOf(json, 'firewall-twilio-only').status, 'fail');
    assert.match(statusOf(json, 'firewall-twilio-only').finding, /ufw is installed but disabled \(ENABLED=no/);
    await writeConfig(s.root, TWILIO_CONFIG + 'firewall:\n  backend: none\n');
    ({ json } = await s.doctorJson('--offline'));
    assert.equal(statusOf(json, 'firewall-twilio-only').status, 'warn');
    assert.match(statusOf(json, 'firewall-twilio-only').finding, /manages no firewall here \(firewall\.backend: none\)/);
  });
});

describe('public-ip-local and dial-number-shown', () => {
  test('a private server.publicIp FAILS under any root', async () => {
    const s = await server();
    await writeConfig(s.root, TWILIO_CONFIG.replace('203.0.113.10', '10.0.3.66'));
    const { json } = await s.doctorJson('--offline');
    assert.equal(statusOf(json, 'public-ip-local').status, 'fail');
    assert.match(statusOf(json, 'public-ip-local').finding, /10\.0\.3\.66 is a private address: Twilio cannot send calls to it/);
  });

  test('a welcome footer without the PIN WARNS', async () => {
    const s = await server();
    const file = path.join(s.root, 'etc/bigbluebutton/bbb-web.properties');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace(/, then enter %%CONFNUM%% followed by # as the conference PIN\./, '.'));
    const { json } = await s.doctorJson('--offline');
    assert.equal(statusOf(json, 'dial-number-shown').status, 'warn');
    assert.match(statusOf(json, 'dial-number-shown').finding, /not the PIN \(%%CONFNUM%%\)/);
  });
});
