import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import test from 'node:test';
import { CONF, BASE_CONFIG, assertOnlyServiceActionsPending, copyFixture, diffSnapshots, readTreeFile, runCli, snapshotTree, writeConfig, type FixtureName } from './support/tree.js';

const EXTERNAL = BASE_CONFIG + 'sip:\n  profile: external\n';

for (const fixture of ['bbb-3.0', 'bbb-2.7'] as FixtureName[]) {
  for (const [mode, yaml] of [
    ['dedicated', BASE_CONFIG],
    ['external', EXTERNAL],
  ] as const) {
    test(`${fixture} ${mode}: apply converges (second plan empty) and rollback restores every file byte for byte`, async () => {
      const root = await copyFixture(fixture);
      await writeConfig(root, yaml);
      const original = await snapshotTree(root);

      const plan1 = await runCli(['plan', '--root', root, '--detailed-exitcode']);
      assert.equal(plan1.code, 2, plan1.stderr);
      const apply = await runCli(['apply', '--root', root, '--yes']);
      assert.equal(apply.code, 0, apply.stderr);
      assert.match(apply.stdout, /Apply complete\./);
      assert.notDeepEqual(diffSnapshots(original, await snapshotTree(root)), []);

      assertOnlyServiceActionsPending(await runCli(['plan', '--root', root, '--detailed-exitcode']));
      const again = await runCli(['apply', '--root', root, '--yes']);
      assert.equal(again.code, 0);
      assert.match(again.stdout, /No changes\./);

      const rollback = await runCli(['rollback', '--root', root, '--yes']);
      assert.equal(rollback.code, 0, rollback.stderr);
      assert.deepEqual(diffSnapshots(original, await snapshotTree(root)), []);
    });

    test(`${fixture} ${mode}: uninstall removes and restores everything, and can itself be rolled back`, async () => {
      const root = await copyFixture(fixture);
      await writeConfig(root, yaml);
      const original = await snapshotTree(root);
      assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
      const installed = await snapshotTree(root);
      const rulesWhenInstalled = await readTreeFile(root, '/etc/ufw/user.rules').catch(() => '');

      const uninstall = await runCli(['uninstall', '--root', root, '--yes']);
      assert.equal(uninstall.code, 0, uninstall.stderr);
      assert.deepEqual(diffSnapshots(original, await snapshotTree(root)), []);
      assert.match((await runCli(['uninstall', '--root', root, '--yes'])).stdout, /^Nothing of bbb-twilio is installed here: /m);

      assert.equal((await runCli(['rollback', '--root', root, '--yes'])).code, 0);
      // ufw appends re-added rules at the end: they come back as the same set, in another order.
      const rulesInstalled = await readTreeFile(root, '/etc/ufw/user.rules').catch(() => '');
      assert.deepEqual(
        diffSnapshots(installed, await snapshotTree(root)).filter((f) => f !== 'etc/ufw/user.rules'),
        [],
      );
      assert.deepEqual(rulesInstalled.split('\n').sort(), rulesWhenInstalled.split('\n').sort());
    });
  }
}

test('dedicated mode writes the profile and dialplan owned by freeswitch:daemon, and touches no BBB file but bbb-web.properties', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const before = await snapshotTree(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const changed = diffSnapshots(before, await snapshotTree(root));
  assert.deepEqual(changed, [
    'etc/bigbluebutton/bbb-web.properties',
    'etc/systemd/',
    'etc/systemd/system/',
    'etc/systemd/system/bbb-twilio.service',
    'etc/ufw/user.rules',
    'opt/freeswitch/etc/freeswitch/dialplan/bbb-twilio.xml',
    'opt/freeswitch/etc/freeswitch/sip_profiles/bbb-twilio.xml',
  ]);
  const st = await fs.stat(path.join(root, CONF, 'sip_profiles/bbb-twilio.xml'));
  assert.equal(st.uid, 998);
  assert.equal(st.gid, 1);
  assert.equal(st.mode & 0o777, 0o644);
});

test('a tree without the freeswitch user gets a note in the plan instead of a failure', async () => {
  const root = await copyFixture('bbb-2.7');
  await writeConfig(root);
  const plan = await runCli(['plan', '--root', root]);
  assert.equal(plan.code, 0);
  assert.match(plan.stdout, /user freeswitch does not exist under .*: files keep their current owner/);
});

test('the PIN length comes from the server: 9 digits where bbb-web.properties overrides it', async () => {
  const root = await copyFixture('bbb-2.7');
  await writeConfig(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const dialplan = await readTreeFile(root, `${CONF}/dialplan/bbb-twilio.xml`);
  assert.match(dialplan, /play_and_get_digits" data="9 9 1 10000 # /);
  assert.match(dialplan, /expression="\^\\d\{9\}\$"/);
});

test('a configured PIN length different from the server\'s is applied and shown as a risk', async () => {
  const root = await copyFixture('bbb-2.7');
  await writeConfig(root, BASE_CONFIG + 'dialin:\n  pinLength: 5\n');
  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /dial-in asks for 5-digit PINs but this server generates 9-digit ones/);
});

test('switching from external to dedicated mode restores the edited BBB files to their originals', async () => {
  const root = await copyFixture('bbb-3.0');
  const vars = await readTreeFile(root, `${CONF}/vars.xml`);
  const external = await readTreeFile(root, `${CONF}/sip_profiles/external.xml`);
  await writeConfig(root, EXTERNAL);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  assert.match(await readTreeFile(root, `${CONF}/vars.xml`), /data="external_rtp_ip=203\.0\.113\.10"/);
  assert.match(await readTreeFile(root, `${CONF}/sip_profiles/external.xml`), /"ext-rtp-ip" value="\$\$\{external_rtp_ip\}"/);
  assert.match(await readTreeFile(root, '/etc/bigbluebutton/bbb-conf/apply-config.sh'), /^#!\/bin\/bash\n/);

  await writeConfig(root, BASE_CONFIG);
  const switched = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(switched.code, 0, switched.stderr);
  assert.equal(await readTreeFile(root, `${CONF}/vars.xml`), vars);
  assert.equal(await readTreeFile(root, `${CONF}/sip_profiles/external.xml`), external);
  await assert.rejects(fs.access(path.join(root, 'etc/bigbluebutton/bbb-conf/apply-config.sh')));
  await assert.rejects(fs.access(path.join(root, CONF, 'dialplan/public/bbb-twilio.xml')));
  await fs.access(path.join(root, CONF, 'dialplan/bbb-twilio.xml'));
  assert.match((await runCli(['plan', '--root', root])).stdout, /No changes\./);
});

test('an existing upgrade hook gets one marked block, replaced (never duplicated) when the IP changes', async () => {
  const root = await copyFixture('bbb-2.7');
  const hookBefore = await readTreeFile(root, '/etc/bigbluebutton/bbb-conf/apply-config.sh');
  await writeConfig(root, EXTERNAL);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  await writeConfig(root, EXTERNAL.replace('203.0.113.10', '198.51.100.7'));
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const hook = await readTreeFile(root, '/etc/bigbluebutton/bbb-conf/apply-config.sh');
  assert.ok(hook.startsWith(hookBefore), 'the admin\'s own lines stay first and untouched');
  assert.equal(hook.match(/# BEGIN bbb-twilio/g)?.length, 1);
  assert.match(hook, /198\.51\.100\.7/);
  assert.doesNotMatch(hook, /203\.0\.113\.10/);
  const st = await fs.stat(path.join(root, 'etc/bigbluebutton/bbb-conf/apply-config.sh'));
  assert.equal(st.mode & 0o777, 0o755);
});

test('a managed file edited by hand is shown as a conflict and only replaced with --force', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const file = path.join(root, CONF, 'dialplan/bbb-twilio.xml');
  const edited = (await fs.readFile(file, 'utf8')).replace('sleep" data="500"', 'sleep" data="2000"');
  await fs.writeFile(file, edited);
  await writeConfig(root, BASE_CONFIG + 'dialin:\n  tries: 4\n');

  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /dialplan\/bbb-twilio\.xml was edited by hand since bbb-twilio wrote it/);
  const before = await snapshotTree(root);
  const refused = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^error: .*edited by hand.*nothing was changed\nhint: .*--force/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);

  const forced = await runCli(['apply', '--root', root, '--yes', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(await fs.readFile(file, 'utf8'), /\^x\{1,3\}\$/);
});

test('a file with our name that bbb-twilio never wrote is not overwritten without --force', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, EXTERNAL);
  const mine = path.join(root, CONF, 'dialplan/public/bbb-twilio.xml');
  await fs.writeFile(mine, '<include><!-- an admin\'s own attempt --></include>\n');
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 1);
  assert.match(apply.stderr, /exists but was not written by bbb-twilio/);
});

test('--detailed-exitcode: 2 while changes or service actions are pending, 0 when none, 1 on error', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  assert.equal((await runCli(['plan', '--root', root, '--detailed-exitcode'])).code, 2);
  await runCli(['apply', '--root', root, '--yes']);
  assertOnlyServiceActionsPending(await runCli(['plan', '--root', root, '--detailed-exitcode']));
  // Once FreeSWITCH has them (the next apply sends them; here the reminder goes as if it had), nothing is pending.
  await fs.rm(path.join(root, 'var/lib/bbb-twilio/pending-actions.json'));
  assert.equal((await runCli(['plan', '--root', root, '--detailed-exitcode'])).code, 0);
  await writeConfig(root, 'server: {}\n');
  assert.equal((await runCli(['plan', '--root', root, '--detailed-exitcode'])).code, 1);
});

test('plan --json lists changes, actions with their impact, and a summary', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const out = await runCli(['plan', '--root', root, '--json']);
  assert.equal(out.code, 0);
  const json = JSON.parse(out.stdout) as {
    summary: { create: number; update: number; delete: number };
    changes: { type: string; kind: string; path?: string; diff?: string }[];
    actions: { argv: string[]; impact: string }[];
    blocked: boolean;
  };
  assert.deepEqual(json.summary, { create: 19, update: 1, delete: 0 });
  assert.ok(json.changes.some((c) => c.path === `${CONF}/sip_profiles/bbb-twilio.xml` && c.kind === 'create' && c.diff?.includes('+<profile name="bbb-twilio">')));
  assert.deepEqual(
    json.actions.map((a) => [a.argv.join(' '), a.impact]),
    [
      ['systemctl daemon-reload', 'none'],
      ['systemctl enable --now bbb-twilio', 'none'],
      ['fs_cli -x reloadxml', 'none'],
      ['fs_cli -x sofia profile bbb-twilio start', 'none'],
      ['systemctl restart bbb-web', 'restarts-bbb-web'],
    ],
  );
  assert.equal(json.blocked, false);
});

test("the bbb-web restart's cost is said as it is: running meetings vanish, so it waits for no meeting (or --restart-now)", async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /systemctl restart bbb-web\s+running meetings VANISH from bbb-web \(its API loses them, joins fail\): runs only when no meeting is running/);
  assert.match(plan.stdout, /The bbb-web restart runs only when no meeting is running: apply --when-idle waits for that, --restart-now restarts at once\./);
  const json = JSON.parse((await runCli(['plan', '--root', root, '--json'])).stdout) as { actions: { need: string; requiresConsent: boolean }[] };
  assert.equal(json.actions.find((a) => a.need === 'bbb-web-restart')?.requiresConsent, true);
});

test('external mode: the external-profile restart drops web audio, so it waits for --restart-now', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, EXTERNAL);
  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /sofia profile external restart'\s+DROPS every web-audio user/);
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.match(apply.stdout, /postponed fs_cli -x 'sofia profile external restart'/);
});

test('uninstall on a never-applied tree, or without a config file, says what it found instead of "No changes"', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const original = await snapshotTree(root);
  const never = await runCli(['uninstall', '--root', root, '--yes']);
  assert.equal(never.code, 0, never.stderr);
  assert.match(never.stdout, /\nNothing of bbb-twilio is installed here: no file, value or firewall rule of its was found\.\n$/);
  assert.doesNotMatch(never.stdout, /No changes/);

  await fs.rm(path.join(root, 'etc/bbb-twilio'), { recursive: true });
  const bare = await runCli(['uninstall', '--root', root, '--yes']);
  assert.equal(bare.code, 0, bare.stderr);
  assert.match(bare.stdout, /^Nothing of bbb-twilio is installed here: no config at .*\/etc\/bbb-twilio\/config\.yml, no file, value or firewall rule of its\.\n$/);
  original.delete('etc/bbb-twilio/config.yml');
  assert.deepEqual(diffSnapshots(original, await snapshotTree(root)), [], 'nothing was written');

  // Applied, then the config lost: uninstall cannot guess, and says what is there.
  await writeConfig(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  await fs.rm(path.join(root, 'etc/bbb-twilio/config.yml'));
  const lost = await runCli(['uninstall', '--root', root, '--yes']);
  assert.equal(lost.code, 1);
  assert.match(lost.stderr, /^error: config file not found: .*config\.yml, but bbb-twilio is installed here \(\d+ files it wrote \(\/var\/lib\/bbb-twilio\/state\.json\), \d+ values it changed in BBB's files, \d+ ufw rules tagged bbb-twilio\)\nhint: uninstall needs the config it was applied with/);
});

test('a port already open to anyone on the SIP port is shown as a risk', async () => {
  const root = await copyFixture('bbb-2.7');
  await writeConfig(root, EXTERNAL);
  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /risk: ufw allows udp port 5060 from anywhere/);
});

test('firewall rules admit each Twilio range on udp and tcp, tagged, and nothing else', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, BASE_CONFIG + 'twilio:\n  signalingCidrs: [54.172.60.0/30, 54.244.51.0/30]\n');
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const rules = (await readTreeFile(root, '/etc/ufw/user.rules')).split('\n').filter((l) => l.includes('comment='));
  assert.deepEqual(rules, [
    '### tuple ### allow udp 5080 0.0.0.0/0 any 54.172.60.0/30 in comment=6262622d7477696c696f',
    '### tuple ### allow tcp 5080 0.0.0.0/0 any 54.172.60.0/30 in comment=6262622d7477696c696f',
    '### tuple ### allow udp 5080 0.0.0.0/0 any 54.244.51.0/30 in comment=6262622d7477696c696f',
    '### tuple ### allow tcp 5080 0.0.0.0/0 any 54.244.51.0/30 in comment=6262622d7477696c696f',
  ]);
  // Dropping a range removes exactly its two rules.
  await writeConfig(root, BASE_CONFIG + 'twilio:\n  signalingCidrs: [54.172.60.0/30]\n');
  const plan = await runCli(['plan', '--root', root, '--json']);
  const kinds = (JSON.parse(plan.stdout) as { changes: { type: string; kind: string; title: string }[] }).changes.filter((c) => c.type === 'firewall');
  assert.deepEqual(kinds.map((c) => c.kind), ['delete', 'delete']);
});

test('a LiveKit-audio server is refused clearly: this dial-in path does not reach its meetings', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  await fs.appendFile(path.join(root, 'etc/bigbluebutton/bbb-web.properties'), 'audioBridge=livekit\n');
  const plan = await runCli(['plan', '--root', root]);
  assert.equal(plan.code, 1);
  assert.match(plan.stderr, /^error: this BigBlueButton server routes meeting audio through LiveKit/);
});

test('under a --root other than / system commands are recorded and printed, never run', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.match(apply.stdout, /Commands recorded, not run \(--root .* is not \/\)/);
  assert.match(apply.stdout, /\n {4}systemctl restart bbb-web {2}# when no meeting is running\n/);
});

test('withheld numbers are turned away by our own dialplan, so no server is told to rely on reject_anonymous', async () => {
  const old = await copyFixture('bbb-2.7');
  await writeConfig(old);
  assert.doesNotMatch((await runCli(['plan', '--root', old])).stdout, /reject_anonymous/);
});
