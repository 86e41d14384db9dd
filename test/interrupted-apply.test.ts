// Applies cut short by a signal or a kill: the real binary hung up on like a dropped SSH session, a kill between a
// firewall rule and its journal entry, an undo that could not put a file back, and what plan says afterwards.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyPlan } from '../src/apply/apply-plan.js';
import { listJournals } from '../src/apply/journal.js';
import { parseConfig } from '../src/config/load-config.js';
import type { CommandResult } from '../src/host/host.js';
import { LocalHost } from '../src/host/local-host.js';
import { TreeUfwHost } from '../src/host/tree-ufw-host.js';
import { buildPlan } from '../src/plan/build-plan.js';
import { BASE_CONFIG, copyFixture, diffSnapshots, readTreeFile, runCli, snapshotTree, writeConfig } from './support/tree.js';
import { twilioConfig, twilioSandbox } from './support/twilio-account.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'bbb-twilio.js');

test('SIGHUP (a dropped SSH session) during apply undoes it, releases the lock and exits 1, not 129', async (t) => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const before = await snapshotTree(root);
  const sandbox = await twilioSandbox();
  t.after(() => sandbox.close());
  // The Twilio steps come after every file and firewall change: holding one is a moment when the tree is half-applied.
  sandbox.emulator.delayNext(/\/OriginationUrls$/, 3000);

  const child = spawn(process.execPath, [BIN, 'apply', '--root', root, '--yes'], {
    env: { ...process.env, ...sandbox.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );

  const deadline = Date.now() + 60_000;
  while (!sandbox.emulator.requests.some((r) => r.path.endsWith('/OriginationUrls'))) {
    assert.ok(Date.now() < deadline, `apply never reached the Twilio steps: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const journal = (await listJournals(new LocalHost(root))).at(-1);
  assert.equal(journal?.status, 'in-progress');
  assert.ok(journal.entries.some((e) => e.type === 'file'), 'files were written when the session dropped');
  child.kill('SIGHUP');
  // The terminal is gone with the session: what the child writes to it goes nowhere.
  child.stdout.destroy();

  const { code, signal } = await exited;
  assert.deepEqual({ code, signal }, { code: 1, signal: null }, stderr);
  assert.match(stderr, /^error: apply failed and was undone, the server's files are as they were: interrupted by a signal/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
  await assert.rejects(fs.access(path.join(root, 'var/lib/bbb-twilio/lock')), 'no lock remains');
  assert.equal((await listJournals(new LocalHost(root))).at(-1)?.status, 'undone');
});

/** Runs the Nth ufw command, then never returns: the process is killed right there, before anything else happens. */
class KilledAfterUfwHost extends TreeUfwHost {
  ufw = 0;
  constructor(
    root: string,
    private readonly killAt: number,
  ) {
    super(new LocalHost(root));
  }
  override async run(argv: string[]): Promise<CommandResult> {
    const result = await super.run(argv);
    if (argv[0] === 'ufw' && ++this.ufw === this.killAt) return new Promise<CommandResult>(() => undefined);
    return result;
  }
}

test('a kill right after a ufw rule, before anything else: recovery finds the rule and removes it', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const before = await snapshotTree(root);
  const host = new KilledAfterUfwHost(root, 3);
  const { plan, state } = await buildPlan(host, parseConfig(BASE_CONFIG, 'config.yml'));
  void applyPlan(host, plan, state, { command: 'apply', profile: 'dedicated', force: false }); // never settles: "killed"
  while (host.ufw < 3) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.match(await readTreeFile(root, '/etc/ufw/user.rules'), /54\.244\.51\.0\/30/, 'the third rule is in place');

  // The next run recovers first; with nothing completed there is nothing to roll back, and the server is as it was.
  const rollback = await runCli(['rollback', '--root', root, '--yes']);
  assert.match(rollback.stdout, /^Recovered an interrupted apply \(.*\): its changes were undone\.\n/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
});
