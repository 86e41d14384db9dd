// bbb-twilio doctor on fixture trees with something wrong in the files or in front of FreeSWITCH: each check
// reports it with its own finding and fix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { closedPort, startEslEmulator } from '../emulators/esl-emulator.js';
import { pointTreeAtBbb, pointTreeAtEsl } from '../support/freeswitch-tree.js';
import { BASE_CONFIG, CONF, copyFixture, runCli, writeConfig } from '../support/tree.js';
import { TWILIO_CONFIG, closeServers, trackedHealthyServer, procNetUdp, statusOf, type HealthyServer } from './healthy-server.js';

after(closeServers);
const server = (): Promise<HealthyServer> => trackedHealthyServer();

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

  test('service actions an apply left undone are drift: files-in-desired-state FAILS with the commands, not "Dial-in is ready"', async () => {
    const s = await server();
    // What an apply leaves when FreeSWITCH did not answer: the files are right, FreeSWITCH never loaded them.
    await fs.writeFile(path.join(s.root, 'var/lib/bbb-twilio/pending-actions.json'), JSON.stringify({ needs: ['reloadxml', 'profile-start'] }));
    const run = await s.doctor('--offline');
    assert.equal(run.code, 1);
    assert.match(run.stdout, /FAIL {2}files-in-desired-state +the files are in place, but 2 service action\(s\) from an earlier apply are not done: fs_cli -x reloadxml; fs_cli -x 'sofia profile bbb-twilio start'\n/);
    assert.match(run.stdout, /fix: run fs_cli -x reloadxml; .*, or bbb-twilio apply \(it runs them\)\n/);
    assert.doesNotMatch(run.stdout, /Dial-in is ready/);
    // Only bbb-web's restart left: calls work, the number shown may be old: a warning.
    await fs.writeFile(path.join(s.root, 'var/lib/bbb-twilio/pending-actions.json'), JSON.stringify({ needs: ['bbb-web-restart'] }));
    const { json } = await s.doctorJson('--offline');
    assert.equal(statusOf(json, 'files-in-desired-state').status, 'warn');
    assert.match(statusOf(json, 'files-in-desired-state').fix, /^run systemctl restart bbb-web, or bbb-twilio apply/);
  });

  test('an apply killed after its files (its journal still in progress) FAILS files-in-desired-state, though the plan is empty', async () => {
    const s = await server();
    // A kill during the Twilio steps: every file written, the journal never marked complete.
    const dir = path.join(s.root, 'var/lib/bbb-twilio/journal');
    const [name] = await fs.readdir(dir);
    const file = path.join(dir, name ?? '');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('"status": "complete"', '"status": "in-progress"'));
    const { json } = await s.doctorJson('--offline');
    const { status, finding, fix } = statusOf(json, 'files-in-desired-state');
    assert.deepEqual({ status, finding, fix }, {
      status: 'fail',
      finding: `an earlier apply (${name?.replace(/\.json$/, '')}) was interrupted: its changes are still on the server`,
      fix: 'bbb-twilio plan shows what apply undoes first; then run bbb-twilio apply',
    });
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

  for (const cidr of ['0.0.0.0/0', '10.0.0.0/8']) {
    test(`FAILS naming twilio.signalingCidrs when it holds ${cidr} (wider than /16), even once apply made the rules from it`, async () => {
      const s = await server();
      await writeConfig(s.root, `${TWILIO_CONFIG}  signalingCidrs:\n    - ${cidr}\n`);
      assert.equal((await runCli(['apply', '--root', s.root, '--yes', '--no-reload', '--only', 'host'])).code, 0);
      const { json } = await s.doctorJson('--offline');
      const fw = statusOf(json, 'firewall-twilio-only');
      assert.equal(fw.status, 'fail');
      assert.ok(fw.finding.startsWith(`twilio.signalingCidrs has ${cidr} (wider than /16)`), fw.finding);
      assert.match(fw.fix, /remove twilio\.signalingCidrs/);
    });
  }

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

describe('external mode', () => {
  test('sip-profile-running checks the external profile on its vars.xml port, and its fix waits for idle', async () => {
    const esl = await startEslEmulator({ password: 'SandboxSecret42' });
    try {
      const root = await copyFixture('bbb-3.0');
      await writeConfig(root, BASE_CONFIG + 'sip:\n  profile: external\n');
      assert.equal((await runCli(['apply', '--root', root, '--yes', '--no-reload'])).code, 0);
      await pointTreeAtEsl(root, esl.port);
      await pointTreeAtBbb(root, `http://127.0.0.1:${await closedPort()}`);
      const doctor = async () => statusOf(JSON.parse((await runCli(['doctor', '--root', root, '--json'])).stdout) as Parameters<typeof statusOf>[0], 'sip-profile-running');
      assert.deepEqual(await doctor(), {
        id: 'sip-profile-running',
        title: 'the SIP profile Twilio calls is running with the public IP',
        status: 'ok',
        finding: '"external" is RUNNING on port 5060 with external address 203.0.113.10 (0 calls on it now)',
        fix: '',
      });
      const external = esl.state.profiles[0];
      assert.ok(external);
      external.extSipIp = '10.0.3.66';
      external.extRtpIp = '10.0.3.66';
      const wrong = await doctor();
      assert.equal(wrong.status, 'fail');
      assert.equal(wrong.finding, 'the "external" profile advertises Ext-SIP-IP 10.0.3.66 and Ext-RTP-IP 10.0.3.66, not the public IP 203.0.113.10: Twilio would send replies or audio elsewhere');
      assert.equal(wrong.fix, 'run bbb-twilio apply --when-idle (restarts the external profile once no call is up)');
    } finally {
      await esl.close();
    }
  });
});
