// apply / rollback / uninstall talk to the FreeSWITCH that the tree's event_socket.conf.xml names (here the ESL
// emulator), under a --root other than /; system commands stay recorded.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closedPort, startEslEmulator, type EslEmulator } from './emulators/esl-emulator.js';
import { dedicatedProfile, pointTreeAtEsl } from './support/freeswitch-tree.js';
import { BASE_CONFIG, CONF, copyFixture, diffSnapshots, readTreeFile, runCli, snapshotTree, writeConfig } from './support/tree.js';

const EXTERNAL = BASE_CONFIG + 'sip:\n  profile: external\n';
const emulators: EslEmulator[] = [];
after(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

async function emulatedServer(yaml = BASE_CONFIG): Promise<{ root: string; esl: EslEmulator }> {
  const esl = await startEslEmulator({ password: 'SandboxSecret42' });
  emulators.push(esl);
  esl.state.profiles.push(dedicatedProfile());
  const root = await copyFixture('bbb-3.0');
  await pointTreeAtEsl(root, esl.port);
  await writeConfig(root, yaml);
  return { root, esl };
}

test('apply loads a new dedicated profile over ESL (reloadxml, profile start) and records the bbb-web restart', async () => {
  const { root, esl } = await emulatedServer();
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.deepEqual(esl.state.apiCommands, ['reloadxml', 'sofia profile bbb-twilio start', 'sofia status profile bbb-twilio']);
  assert.match(apply.stdout, /\n {2}ran {7}fs_cli -x reloadxml\n {2}ran {7}fs_cli -x 'sofia profile bbb-twilio start'\n/);
  assert.match(
    apply.stdout,
    /Commands recorded, not run \(--root .* is not \/\); run them on the server:\n {4}systemctl daemon-reload\n {4}systemctl enable --now bbb-twilio\n {4}systemctl restart bbb-web {2}# when no meeting is running\n/,
  );
  assert.doesNotMatch(apply.stdout + apply.stderr, /SandboxSecret42/);
});

test('apply with FreeSWITCH down completes the files, warns in one line and prints the commands to run later', async () => {
  const root = await copyFixture('bbb-3.0');
  await pointTreeAtEsl(root, await closedPort());
  await writeConfig(root);
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /Apply complete\./);
  assert.match(apply.stdout, /\nwarning: FreeSWITCH not reached \(connection refused\): cannot reach FreeSWITCH's event socket at 127\.0\.0\.1:\d+: [^\n]+\n/);
  assert.match(apply.stdout, /Run these once it answers:\n {4}fs_cli -x reloadxml\n {4}fs_cli -x 'sofia profile bbb-twilio start'\n/);
  // Five commands are listed (two for FreeSWITCH, the recorded call service start and bbb-web restart): the count says five.
  assert.match(apply.stdout, /\n5 service action\(s\) not done: the files are in place/);
  await readTreeFile(root, `${CONF}/sip_profiles/bbb-twilio.xml`);
  assert.match((await runCli(['plan', '--root', root])).stdout, /No changes\./);
});

test('actions FreeSWITCH never got are drift: plan --detailed-exitcode exits 2 although no file changes', async () => {
  const root = await copyFixture('bbb-3.0');
  await pointTreeAtEsl(root, await closedPort());
  await writeConfig(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const plan = await runCli(['plan', '--root', root, '--detailed-exitcode']);
  assert.equal(plan.code, 2, plan.stdout);
  assert.match(plan.stdout, /Still to do from an earlier apply \(the next apply runs them\):\n {2}fs_cli -x reloadxml\n/);
});

test('apply --no-reload writes the files and sends FreeSWITCH nothing', async () => {
  const { root, esl } = await emulatedServer();
  const apply = await runCli(['apply', '--root', root, '--yes', '--no-reload']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.deepEqual(esl.commands, []);
  assert.match(apply.stdout, /FreeSWITCH commands not sent \(--no-reload\); run these to load the new files:\n {4}fs_cli -x reloadxml\n/);
});

test('external mode: apply says how many calls are live and postpones the restart', async () => {
  const { root, esl } = await emulatedServer(EXTERNAL);
  esl.state.calls = 4;
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /postponed fs_cli -x 'sofia profile external restart'  \(DROPS every web-audio user[^;]*; 4 live calls now; /);
  assert.ok(!esl.state.profileActions.some((a) => a.action === 'restart'));
  assert.ok(esl.state.apiCommands.includes('reloadxml'), 'the dialplan is loaded without the restart');
});

test('external mode: --restart-now restarts the external profile at once', async () => {
  const { root, esl } = await emulatedServer(EXTERNAL);
  esl.state.calls = 4;
  const apply = await runCli(['apply', '--root', root, '--yes', '--restart-now']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /ran {7}fs_cli -x 'sofia profile external restart'\s+--restart-now: 4 live calls dropped\n/);
  assert.deepEqual(esl.state.profileActions, [{ profile: 'external', action: 'restart' }]);
});

test('external mode: --when-idle --idle-timeout 1 with calls still up leaves the restart postponed', async () => {
  const { root, esl } = await emulatedServer(EXTERNAL);
  esl.state.calls = 2;
  const apply = await runCli(['apply', '--root', root, '--yes', '--when-idle', '--idle-timeout', '1']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /postponed fs_cli -x 'sofia profile external restart'  \([^;]*; after waiting 1s, still 2 live calls; /);
  assert.deepEqual(esl.state.profileActions, []);
});

test('external mode: --when-idle restarts once the last call ends', async () => {
  const { root, esl } = await emulatedServer(EXTERNAL);
  esl.state.calls = 1;
  // The call ends while apply waits: after its first poll (the second `show calls count`), however long apply
  // took to get there.
  const timer = setInterval(() => {
    if (esl.state.apiCommands.filter((c) => c === 'show calls count').length >= 2) esl.state.calls = 0;
  }, 20);
  const apply = await runCli(['apply', '--root', root, '--yes', '--when-idle', '--idle-timeout', '20']);
  clearInterval(timer);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /ran {7}fs_cli -x 'sofia profile external restart'\s+ran once no call was up \(after \d+s\)\n/);
  assert.deepEqual(esl.state.profileActions, [{ profile: 'external', action: 'restart' }]);
});

test('--restart-now with --when-idle is refused before anything changes', async () => {
  const { root } = await emulatedServer(EXTERNAL);
  const before = await snapshotTree(root);
  const apply = await runCli(['apply', '--root', root, '--yes', '--when-idle', '--restart-now']);
  assert.equal(apply.code, 1);
  assert.match(apply.stderr, /^error: --restart-now and --when-idle contradict each other; nothing was changed\n/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
});

test('--idle-timeout takes whole seconds', async () => {
  const { root } = await emulatedServer(EXTERNAL);
  const apply = await runCli(['apply', '--root', root, '--yes', '--when-idle', '--idle-timeout', '5m']);
  assert.equal(apply.code, 1);
  assert.match(apply.stderr, /--idle-timeout.*whole number of seconds/);
});

test('rollback uses the same runner: the dedicated profile is stopped over ESL', async () => {
  const { root, esl } = await emulatedServer();
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  esl.state.apiCommands.length = 0;
  const rollback = await runCli(['rollback', '--root', root, '--yes']);
  assert.equal(rollback.code, 0, rollback.stderr);
  // ...and awaited until it is gone, so an apply right after it does not meet the dying profile.
  assert.deepEqual(esl.state.apiCommands, ['reloadxml', 'sofia profile bbb-twilio stop', 'sofia status profile bbb-twilio']);
  assert.equal(esl.state.profiles.find((p) => p.name === 'bbb-twilio')?.state, 'DOWN');
  assert.match(rollback.stdout, /ran {7}fs_cli -x 'sofia profile bbb-twilio stop'\n/);
});

test('bbb-web is restarted only when its properties change', async () => {
  const { root } = await emulatedServer();
  assert.match((await runCli(['apply', '--root', root, '--yes'])).stdout, /systemctl restart bbb-web/);
  await writeConfig(root, BASE_CONFIG + 'dialin:\n  tries: 4\n');
  const second = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /ran {7}fs_cli -x reloadxml\n/);
  assert.doesNotMatch(second.stdout, /systemctl restart bbb-web/);
});

test('a postponed external restart is remembered: a later apply --restart-now runs it although no file changes', async () => {
  const { root, esl } = await emulatedServer(EXTERNAL);
  esl.state.calls = 2;
  const first = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /postponed fs_cli -x 'sofia profile external restart'/);
  assert.deepEqual(esl.state.profileActions, []);

  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /Still to do from an earlier apply \(the next apply runs them\):\n {2}fs_cli -x 'sofia profile external restart'\n/);
  const json = JSON.parse((await runCli(['plan', '--root', root, '--json'])).stdout) as { pendingActions: { need: string }[] };
  assert.deepEqual(json.pendingActions.map((a) => a.need), ['external-restart']);

  const later = await runCli(['apply', '--root', root, '--yes', '--restart-now']);
  assert.equal(later.code, 0, later.stderr);
  assert.match(later.stdout, /No changes\.[\s\S]*Still to do from an earlier apply:/);
  assert.deepEqual(esl.state.profileActions, [{ profile: 'external', action: 'restart' }]);

  // Done now: nothing is pending any more.
  const again = await runCli(['apply', '--root', root, '--yes']);
  assert.doesNotMatch(again.stdout, /Still to do/);
});
