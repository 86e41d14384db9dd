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
import { HostError } from '../src/errors.js';
import type { CommandResult, WriteOptions } from '../src/host/host.js';
import { LocalHost } from '../src/host/local-host.js';
import { TreeUfwHost } from '../src/host/tree-ufw-host.js';
import { buildPlan } from '../src/plan/build-plan.js';
import { BASE_CONFIG, copyFixture, diffSnapshots, readTreeFile, runCli, snapshotTree, writeConfig } from './support/tree.js';
import { twilioConfig, twilioSandbox } from './support/twilio-account.js';

const PROPS = '/etc/bigbluebutton/bbb-web.properties';
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

/** The process is killed at the Nth ufw command, just before it runs or just after: the call never returns. */
class KilledAtUfwHost extends TreeUfwHost {
  private ufw = 0;
  /** Set once the "kill" happened. */
  dead = false;
  constructor(
    root: string,
    private readonly killAt: number,
    private readonly when: 'before' | 'after',
  ) {
    super(new LocalHost(root));
  }
  override async run(argv: string[]): Promise<CommandResult> {
    if (argv[0] !== 'ufw' || ++this.ufw !== this.killAt) return super.run(argv);
    if (this.when === 'after') await super.run(argv);
    this.dead = true;
    return new Promise<CommandResult>(() => undefined);
  }
}

/** A fixture tree with an apply "killed" at its third ufw rule, and the tree's snapshot from before it. */
async function killedApply(when: 'before' | 'after'): Promise<{ root: string; before: Map<string, string> }> {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const before = await snapshotTree(root);
  const host = new KilledAtUfwHost(root, 3, when);
  const { plan, state } = await buildPlan(host, parseConfig(BASE_CONFIG, 'config.yml'));
  void applyPlan(host, plan, state, { command: 'apply', profile: 'dedicated', force: false }); // never settles: "killed"
  while (!host.dead) await new Promise((resolve) => setTimeout(resolve, 10));
  return { root, before };
}

for (const when of ['after', 'before'] as const) {
  test(`a kill just ${when} a ufw rule runs: recovery finds it by its journal entry and the server is as it was`, async () => {
    const { root, before } = await killedApply(when);
    const rules = await readTreeFile(root, '/etc/ufw/user.rules');
    assert.equal(/54\.244\.51\.0\/30/.test(rules), when === 'after', 'the third rule is in place only when the kill came after it');

    // The next run recovers first (undoing a rule that never got in is fine); with nothing completed there is
    // nothing to roll back, and the server is as it was.
    const rollback = await runCli(['rollback', '--root', root, '--yes']);
    assert.match(rollback.stdout, /^Recovered an interrupted apply \(.*\): its changes were undone\.\n/, rollback.stderr);
    assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
  });
}

test('plan after a killed apply says so first, and what apply will undo before it plans', async () => {
  const { root } = await killedApply('after');
  const plan = await runCli(['plan', '--root', root, '--detailed-exitcode']);
  assert.equal(plan.code, 2, 'a run to recover is drift');
  assert.match(plan.stdout, /^!! An earlier apply \(\S+, started \S+\) was interrupted \(killed before it finished\): its changes are still on the server\.\n {3}The next apply first undoes it:\n/);
  assert.match(plan.stdout, new RegExp(`\n {5}restore ${PROPS}\n`));
  assert.match(plan.stdout, /\n {5}remove {2}\/opt\/freeswitch\/etc\/freeswitch\/sip_profiles\/bbb-twilio\.xml\n/);
  assert.match(plan.stdout, /\n {5}run {5}ufw delete allow proto udp from 54\.172\.60\.0\/30 to any port 5080 comment bbb-twilio\n[\s\S]*\.\.\. and 1 more firewall commands/);
  assert.ok(plan.stdout.indexOf('!! An earlier apply') < plan.stdout.indexOf('bbb-twilio plan for'), 'said first');
  const json = JSON.parse((await runCli(['plan', '--root', root, '--json'])).stdout) as { interruptedRuns: { status: string; restore: string[]; run: string[][] }[] };
  assert.deepEqual(json.interruptedRuns.map((r) => [r.status, r.restore, r.run.length]), [['in-progress', [PROPS], 3]]);
});

test('plan does not call a run interrupted while a live bbb-twilio holds the lock: that run is still going', async () => {
  const { root } = await killedApply('after');
  await fs.writeFile(path.join(root, 'var/lib/bbb-twilio/lock'), `${process.ppid}\n`);
  const plan = await runCli(['plan', '--root', root]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.doesNotMatch(plan.stdout, /An earlier apply/);
});

/** /etc/bigbluebutton turns immutable (chattr +i by another tool) the moment the first ufw rule fails. */
class ImmutableAfterUfwHost extends TreeUfwHost {
  constructor(
    root: string,
    private immutable: boolean,
  ) {
    super(new LocalHost(root));
  }
  override async run(argv: string[]): Promise<CommandResult> {
    if (argv[0] === 'ufw' && argv[1] !== 'delete') {
      this.immutable = true;
      return { code: 1, stdout: '', stderr: 'ERROR: problem running iptables', recorded: false };
    }
    return super.run(argv);
  }
  override async writeFileAtomic(p: string, data: Buffer, opts: WriteOptions): Promise<void> {
    if (this.immutable && p.startsWith('/etc/bigbluebutton/')) throw new HostError(`cannot write ${p}: permission denied`, { path: p });
    return super.writeFileAtomic(p, data, opts);
  }
}

test('a file the undo could not restore stays the next run\'s first job: no run starts from the half-applied file', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const before = await snapshotTree(root);
  const failed = await runCli(['apply', '--root', root, '--yes'], { makeHost: (r) => new ImmutableAfterUfwHost(r, false) });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, new RegExp(`undo left 1 problem\\(s\\): ${PROPS} is not restored \\(cannot write ${PROPS}: permission denied\\)`));
  assert.match(failed.stderr, new RegExp(`\\nhint: fix the cause .*chattr -i.*then run bbb-twilio apply again: it puts these back before anything else; or restore by hand: ${PROPS} from /var/lib/bbb-twilio/backups/\\S+/\\d+ \\(journal `));
  assert.match(await readTreeFile(root, PROPS), /defaultDialAccessNumber=\+1 613 555 0142/, 'our line is still there');

  // Still immutable: the next apply stops before planning, naming the file; nothing else changes.
  const stillStuck = await snapshotTree(root);
  const refused = await runCli(['apply', '--root', root, '--yes'], { makeHost: (r) => new ImmutableAfterUfwHost(r, true) });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`^error: an earlier apply \\(\\S+\\) could not be undone: ${PROPS} is not restored \\(.*\\); nothing else was changed\\n`));
  assert.deepEqual(diffSnapshots(stillStuck, await snapshotTree(root)), []);
  assert.match((await runCli(['plan', '--root', root])).stdout, /^!! An earlier apply \(\S+, started \S+\) failed and could not be fully undone: its changes are still on the server\./);

  // Fixed: the next apply puts the file back first, then applies from the server's own baseline, so uninstall
  // removes our lines again and the server is as it was before bbb-twilio.
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /^Recovered an interrupted apply/);
  assert.equal((await runCli(['uninstall', '--root', root, '--yes'])).code, 0);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
});
