// apply installs the call service as /etc/systemd/system/bbb-twilio.service, starts it, restarts it only when its
// unit or config changed, and rollback, uninstall and callService.enabled: false remove it (issue 10, item 5).
// Under a --root the systemctl commands are recorded, never run.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import test from 'node:test';
import { BASE_CONFIG, copyFixture, diffSnapshots, readTreeFile, runCli, snapshotTree, writeConfig } from './support/tree.js';

const UNIT = '/etc/systemd/system/bbb-twilio.service';

interface PlanJson {
  changes: { path?: string; kind: string; diff?: string }[];
  actions: { argv: string[]; impact: string }[];
}

async function planJson(root: string): Promise<PlanJson> {
  const run = await runCli(['plan', '--root', root, '--json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as PlanJson;
}

const systemctl = (plan: PlanJson): string[] => plan.actions.filter((a) => a.argv[0] === 'systemctl' && a.argv[2] !== 'bbb-web').map((a) => a.argv.join(' '));

async function applied(yaml = BASE_CONFIG): Promise<string> {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, yaml);
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  return root;
}

test('apply installs the unit running this CLI with the config, reloads systemd and enables the service (recorded under --root)', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const plan = await planJson(root);
  assert.ok(plan.changes.some((c) => c.path === UNIT && c.kind === 'create'));
  assert.deepEqual(systemctl(plan), ['systemctl daemon-reload', 'systemctl enable --now bbb-twilio']);
  assert.deepEqual(plan.actions.slice(0, 2).map((a) => a.impact), ['none', 'none']);

  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /Commands recorded, not run[^\n]*\n {4}systemctl daemon-reload\n {4}systemctl enable --now bbb-twilio\n/);
  const unit = await readTreeFile(root, UNIT);
  const bin = path.resolve('bin/bbb-twilio.js');
  assert.match(unit, new RegExp(`\\nExecStart=${process.execPath.replace(/[.]/g, '\\.')} ${bin.replace(/[.]/g, '\\.')} serve --config /etc/bbb-twilio/config\\.yml\\n`));
  assert.match(unit, /\nEnvironment=BBB_TWILIO_CONFIG_DIGEST=[0-9a-f]{12}\n/);
  assert.equal((await fs.stat(path.join(root, UNIT))).mode & 0o777, 0o644);
  assert.deepEqual(systemctl(await planJson(root)), [], 'a second plan restarts nothing');
});

test('a config change is a visible unit change: plan shows the new digest, daemon-reload and a restart with its cost', async () => {
  const root = await applied();
  const before = await readTreeFile(root, UNIT);
  await writeConfig(root, BASE_CONFIG + 'dialin:\n  tries: 4\n');
  const plan = await planJson(root);
  const change = plan.changes.find((c) => c.path === UNIT);
  assert.equal(change?.kind, 'update');
  assert.match(change.diff ?? '', /\n-Environment=BBB_TWILIO_CONFIG_DIGEST=[0-9a-f]{12}\n\+Environment=BBB_TWILIO_CONFIG_DIGEST=[0-9a-f]{12}\n/);
  assert.deepEqual(systemctl(plan), ['systemctl daemon-reload', 'systemctl restart bbb-twilio']);
  assert.equal(plan.actions.find((a) => a.argv.join(' ') === 'systemctl restart bbb-twilio')?.impact, 'hands-back-pin-callers');
  const text = await runCli(['plan', '--root', root]);
  assert.match(text.stdout, /systemctl restart bbb-twilio\s+no joined call dropped; callers typing a PIN go on in the static flow/);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  assert.notEqual(await readTreeFile(root, UNIT), before);
  assert.deepEqual(systemctl(await planJson(root)), []);
});

test('callService.enabled: false removes the unit: the service is disabled and stopped, then systemd forgets it', async () => {
  const root = await applied();
  await writeConfig(root, BASE_CONFIG + 'callService:\n  enabled: false\n');
  const plan = await planJson(root);
  assert.equal(plan.changes.find((c) => c.path === UNIT)?.kind, 'delete');
  assert.deepEqual(systemctl(plan), ['systemctl disable --now bbb-twilio', 'systemctl daemon-reload']);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  await assert.rejects(fs.access(path.join(root, UNIT)));
});

test('with callService.enabled: false from the start there is no unit and no systemctl command for it', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, BASE_CONFIG + 'callService:\n  enabled: false\n');
  const plan = await planJson(root);
  assert.ok(!plan.changes.some((c) => c.path === UNIT));
  assert.deepEqual(systemctl(plan), []);
});

test('rollback and uninstall remove the unit and stop the service; rollback restores the tree byte for byte', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const pristine = await snapshotTree(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  // A second apply that changed the unit: rolling both back stops the service, it does not restart it.
  await writeConfig(root, BASE_CONFIG + 'dialin:\n  tries: 4\n');
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const rollback = await runCli(['rollback', '--root', root, '--yes', '--to', (await firstApplyId(root)) ?? '']);
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, /\n {4}systemctl disable --now bbb-twilio\n {4}systemctl daemon-reload\n/);
  assert.doesNotMatch(rollback.stdout, /systemctl restart bbb-twilio|enable --now/);
  assert.deepEqual(diffSnapshots(pristine, await snapshotTree(root)), []);

  const again = await applied();
  const uninstall = await runCli(['uninstall', '--root', again, '--yes']);
  assert.equal(uninstall.code, 0, uninstall.stderr);
  assert.match(uninstall.stdout, /\n {4}systemctl disable --now bbb-twilio\n {4}systemctl daemon-reload\n/);
  await assert.rejects(fs.access(path.join(again, UNIT)));
});

test('no secret reaches the unit: the Twilio token and the termination password stay out of it and its digest', async () => {
  const yaml = BASE_CONFIG + 'twilio:\n  termination:\n    domain: school.pstn.twilio.com\n    username: bbb\n    password: UnitSecret1234567\n';
  const root = await applied(yaml);
  const unit = await readTreeFile(root, UNIT);
  assert.doesNotMatch(unit, /UnitSecret/);
  await writeConfig(root, yaml.replace('UnitSecret1234567', 'OtherSecret7654321'));
  assert.ok(!(await planJson(root)).changes.some((c) => c.path === UNIT), 'a new password does not restart the call service');
});

async function firstApplyId(root: string): Promise<string | undefined> {
  const list = await runCli(['rollback', '--root', root, '--list', '--json']);
  const journals = JSON.parse(list.stdout) as { id: string }[] | { journals: { id: string }[] };
  return (Array.isArray(journals) ? journals : journals.journals)[0]?.id;
}
