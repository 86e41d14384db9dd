import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import test from 'node:test';
import { applyPlan, ApplyFailedError } from '../src/apply/apply-plan.js';
import { Journal, listJournals } from '../src/apply/journal.js';
import { parseConfig } from '../src/config/load-config.js';
import { HostError } from '../src/errors.js';
import { DelegatingHost } from '../src/host/delegating-host.js';
import type { WriteOptions } from '../src/host/host.js';
import { LocalHost } from '../src/host/local-host.js';
import { TreeUfwHost } from '../src/host/tree-ufw-host.js';
import { buildPlan } from '../src/plan/build-plan.js';
import { BASE_CONFIG, CONF, copyFixture, diffSnapshots, runCli, snapshotTree, writeConfig } from './support/tree.js';

/** Fails the Nth write of a managed file (not bbb-twilio's own journal and backups). */
class FailingWriteHost extends DelegatingHost {
  writes = 0;
  constructor(
    inner: LocalHost,
    private readonly failAt: number,
  ) {
    super(inner);
  }
  override async writeFileAtomic(p: string, data: Buffer, opts: WriteOptions): Promise<void> {
    if (!p.startsWith('/var/lib/bbb-twilio/') && ++this.writes === this.failAt) {
      throw new HostError(`cannot write ${p}: no space left on device`, { path: p });
    }
    return this.inner.writeFileAtomic(p, data, opts);
  }
}

test('an apply whose write fails midway leaves the tree exactly as it was and says so', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, BASE_CONFIG + 'sip:\n  profile: external\n');
  const before = await snapshotTree(root);
  const run = await runCli(['apply', '--root', root, '--yes'], { makeHost: (r) => new FailingWriteHost(new LocalHost(r), 3) });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: apply failed and was undone, the server is as it was: cannot write .*: no space left on device\n/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
  const journals = await listJournals(new LocalHost(root));
  assert.deepEqual(journals.map((j) => j.status), ['undone']);
  // And the next apply, with the disk fixed, goes through from scratch.
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
});

test('a failing firewall command undoes the files written before it', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const before = await snapshotTree(root);
  class FailingUfw extends TreeUfwHost {
    override async run(argv: string[]) {
      if (argv[0] === 'ufw' && argv.includes('54.244.51.0/30')) return { code: 1, stdout: '', stderr: 'ERROR: problem running iptables', recorded: false };
      return super.run(argv);
    }
  }
  const run = await runCli(['apply', '--root', root, '--yes'], { makeHost: (r) => new FailingUfw(new LocalHost(r)) });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /problem running iptables/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
});

test('a signal during apply stops it at the next step and undoes what it did', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const before = await snapshotTree(root);
  const host = new TreeUfwHost(new LocalHost(root));
  const config = parseConfig(BASE_CONFIG, 'config.yml');
  const { plan, state } = await buildPlan(host, config);
  let steps = 0;
  await assert.rejects(
    applyPlan(host, plan, state, { command: 'apply', profile: 'dedicated', force: false, shouldStop: () => ++steps > 4 }),
    (err: unknown) => err instanceof ApplyFailedError && /interrupted by a signal/.test(err.message),
  );
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
});

test('an apply killed outright (journal left in progress) is undone at the next start', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const host = new LocalHost(root);
  const file = `${CONF}/dialplan/public/00_half_written.xml`;
  const vars = `${CONF}/vars.xml`;
  const varsBefore = await fs.readFile(path.join(root, vars), 'utf8');
  // What a crash leaves: entries registered, changes made, no "complete".
  const journal = await Journal.begin(host, 'apply', 'dedicated', 'crashed run');
  await journal.registerFile(file, 'dialplan-external', ['reloadxml']);
  await host.writeFileAtomic(file, Buffer.from('<include/>\n'), { mode: 0o644 });
  await journal.registerFile(vars, 'vars', []);
  await host.writeFileAtomic(vars, Buffer.from('<include/>\n'), {});

  const run = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Recovered an interrupted apply \(.*\): its changes were undone\./);
  await assert.rejects(fs.access(path.join(root, file)));
  assert.equal(await fs.readFile(path.join(root, vars), 'utf8'), varsBefore);
});

test('a second bbb-twilio waits its turn: the lock names the pid holding it', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const lock = path.join(root, 'var/lib/bbb-twilio/lock');
  await fs.mkdir(path.dirname(lock), { recursive: true });
  await fs.writeFile(lock, `${process.ppid}\n`);
  const run = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, new RegExp(`^error: another bbb-twilio \\(pid ${process.ppid}\\) is changing this server`));
  // A lock whose owner is gone is taken over.
  await fs.writeFile(lock, '999999999\n');
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
});

test('rollback refuses to clobber a file changed since the apply, unless --force', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const props = path.join(root, 'etc/bigbluebutton/bbb-web.properties');
  await fs.appendFile(props, 'muteOnStart=true\n');
  const refused = await runCli(['rollback', '--root', root, '--yes']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /changed since bbb-twilio wrote it: \/etc\/bigbluebutton\/bbb-web\.properties; nothing was rolled back/);
  assert.match(await fs.readFile(props, 'utf8'), /muteOnStart=true/);
  assert.equal((await runCli(['rollback', '--root', root, '--yes', '--force'])).code, 0);
  assert.doesNotMatch(await fs.readFile(props, 'utf8'), /muteOnStart|defaultDialAccessNumber/);
});

test('rollback --to undoes that apply and every later one; --list shows them newest first', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const original = await snapshotTree(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  await writeConfig(root, BASE_CONFIG.replace('203.0.113.10', '198.51.100.7'));
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const list = await runCli(['rollback', '--root', root, '--list', '--json']);
  const ids = (JSON.parse(list.stdout) as { id: string }[]).map((j) => j.id);
  assert.equal(ids.length, 2);
  const first = ids[0] ?? '';
  const rb = await runCli(['rollback', '--root', root, '--to', first, '--yes']);
  assert.equal(rb.code, 0, rb.stderr);
  assert.match(rb.stdout, /Rolling back 2 run\(s\)/);
  const after = await snapshotTree(root);
  assert.deepEqual(diffSnapshots(original, after).filter((f) => f !== 'etc/ufw/user.rules'), []);
  assert.match((await runCli(['rollback', '--root', root, '--yes'])).stderr, /nothing to roll back/);
});

test('apply without --yes and without a terminal refuses and changes nothing', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const before = await snapshotTree(root);
  const run = await runCli(['apply', '--root', root]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /no terminal to ask for confirmation; nothing was changed\nhint: run again with --yes/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
  await assert.rejects(fs.access(path.join(root, 'var/lib/bbb-twilio')), 'not even an empty state dir is left');
});
