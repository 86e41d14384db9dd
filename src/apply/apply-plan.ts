import { ConflictError, HostError, type BbbTwilioError } from '../errors.js';
import { assertWellFormed } from '../edit/xml-document.js';
import type { Host } from '../host/host.js';
import type { Change, FileChange, Plan } from '../model/change.js';
import type { TwilioAccess } from '../twilio/twilio-access.js';
import type { CreatedSids } from '../twilio/execute-operation.js';
import { TwilioError } from '../twilio/twilio-error.js';
import { applyTwilioChange, describeTwilioChange } from './apply-twilio-change.js';
import { Journal } from './journal.js';
import { keepTwilioMemory, serialiseState, sha256, STATE_FILE, type State } from './state.js';
import { undoEntries, undoProblemsHint, type UndoProblem } from './undo.js';

export interface ApplyOptions {
  command: 'apply' | 'uninstall';
  profile: 'dedicated' | 'external';
  force: boolean;
  /** Progress lines for people ("writing ..."). */
  progress?: (line: string) => void;
  /** Set by a signal handler: the apply stops at the next step and undoes itself. */
  shouldStop?: () => boolean;
  /** The Twilio account, for plans with Twilio changes. */
  twilio?: TwilioAccess;
  /** The sides this run covers (`--only`): an uninstall forgets the host's files only when it removed them. */
  sides?: readonly ('host' | 'twilio')[];
}

export interface ApplyResult {
  journalId: string;
  written: string[];
  /** Twilio changes that failed without stopping the run (`failsOnly`): what they break, and why. */
  partial: { feature: 'dial-out'; change: string; error: TwilioError }[];
}

/** Thrown when an apply failed and everything it had changed was restored (or could not be, listed). */
export class ApplyFailedError extends HostError {
  override readonly cause: unknown;
  readonly undoProblems: UndoProblem[];
  /** Changes made in the Twilio account before the failure: they stay, and the next apply finishes the job. */
  readonly twilioDone: string[];
  constructor(cause: unknown, undoProblems: UndoProblem[], journalId: string, twilioDone: string[] = []) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const restored = undoProblems.length === 0;
    const twilio =
      twilioDone.length === 0
        ? ''
        : `; in the Twilio account ${twilioDone.length} change(s) stay (${twilioDone.join(', ')}): run apply again to finish them`;
    super(
      restored
        ? `apply failed and was undone, the server${twilioDone.length === 0 ? ' is as it was' : "'s files are as they were"}: ${reason}${twilio}`
        : `apply failed: ${reason}; undo left ${undoProblems.length} problem(s): ${undoProblems.map((p) => p.message).join('; ')}${twilio}`,
      {
        hint: restored ? ((cause as BbbTwilioError).hint ?? 'fix the cause and run apply again') : `${undoProblemsHint(undoProblems)} (journal ${journalId})`,
      },
    );
    this.cause = cause;
    this.undoProblems = undoProblems;
    this.twilioDone = twilioDone;
  }
}

export class InterruptedError extends Error {
  constructor() {
    super('interrupted by a signal');
  }
}

/**
 * Execute a plan: register each change in the journal before making it, write atomically, re-parse XML,
 * remember hashes; on any failure or signal, undo everything this run changed, newest first.
 */
export async function applyPlan(host: Host, plan: Plan, state: State, opts: ApplyOptions): Promise<ApplyResult> {
  if (plan.blocked && !opts.force) {
    const first = plan.changes.find((c): c is FileChange => c.type === 'file' && c.conflict !== undefined);
    throw new ConflictError(`${first?.conflict ?? 'a managed file was edited by hand'}; nothing was changed`, 'review the plan, then run apply --force to replace it');
  }
  const progress = opts.progress ?? (() => undefined);
  const journal = await Journal.begin(host, opts.command, opts.profile, summarise(plan.changes));
  const written: string[] = [];
  const next: State = structuredClone(state);
  const created: CreatedSids = new Map();
  const twilioDone: string[] = [];
  const partial: ApplyResult['partial'] = [];
  try {
    for (const change of plan.changes) {
      if (opts.shouldStop?.()) throw new InterruptedError();
      if (change.type === 'file') {
        progress(`${change.kind === 'delete' ? 'removing' : 'writing'} ${change.path}`);
        await applyFileChange(host, journal, change, next);
        written.push(change.path);
      } else if (change.type === 'firewall') {
        progress(`firewall: ${change.argv.join(' ')}`);
        // Intent first, as for files: a kill between the rule and its entry would leave a rule recovery cannot see.
        const entry = await journal.registerCommand(change.argv, change.undoArgv);
        const result = await host.run(change.argv);
        entry.recorded = result.recorded;
        if (result.code !== 0) throw new HostError(`${change.argv.join(' ')} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
      } else {
        progress(describeTwilioChange(change));
        try {
          await applyTwilioChange(opts.twilio, journal, change, created, next);
        } catch (err) {
          if (change.failsOnly === undefined || !(err instanceof TwilioError)) throw err;
          partial.push({ feature: change.failsOnly, change: describeTwilioChange(change), error: err });
          continue;
        }
        twilioDone.push(describeTwilioChange(change));
      }
    }
    if (opts.shouldStop?.()) throw new InterruptedError();
    await removeEmptiedDirs(host, journal, next);
    if (opts.command === 'uninstall' && (opts.sides ?? ['host']).includes('host')) {
      next.files = {};
      next.originals = {};
    }
    await journal.registerFile(STATE_FILE, 'state', []);
    await host.writeFileAtomic(STATE_FILE, Buffer.from(serialiseState(next)), { mode: 0o600 });
    await verify(host, plan.changes);
    await journal.finish('complete');
    return { journalId: journal.record.id, written, partial };
  } catch (err) {
    progress('undoing this run');
    const problems = await undoEntries(host, journal.record.entries);
    // What was done in the Twilio account stays, and so does the record of it (a number's routing before).
    if (twilioDone.length > 0) await keepTwilioMemory(host, next.twilio).catch(() => undefined);
    // Not back as it was: the next run must undo it again first, not start from the half-applied files.
    await journal.finish(problems.length === 0 ? 'undone' : 'undo-failed').catch(() => undefined);
    throw new ApplyFailedError(err, problems, journal.record.id, twilioDone);
  }
}

/** Directories we created and emptied again (a removed gateway, an uninstall) go too, deepest first. */
async function removeEmptiedDirs(host: Host, journal: Journal, next: State): Promise<void> {
  for (const dir of [...next.dirs].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const entries = await host.listDir(dir);
    if (entries !== null && entries.length > 0) continue;
    if (entries !== null) {
      await journal.registerDirRemoved(dir, (await host.lstat(dir))?.mode ?? 0o755);
      await host.removeEmptyDir(dir);
    }
    next.dirs = next.dirs.filter((d) => d !== dir);
  }
}

async function applyFileChange(host: Host, journal: Journal, change: FileChange, next: State): Promise<void> {
  const firstNew = journal.record.entries.length;
  const entry = await journal.registerFile(change.path, change.resource, change.needs);
  for (const e of journal.record.entries.slice(firstNew)) {
    if (e.type === 'dir' && !next.dirs.includes(e.path)) next.dirs.push(e.path);
  }
  if (change.after === null) {
    await host.removeFile(change.path);
    delete next.files[change.path];
    entry.afterSha256 = null;
  } else {
    const owner = change.owner && change.owner.uid !== null && change.owner.gid !== null ? { uid: change.owner.uid, gid: change.owner.gid } : {};
    await host.writeFileAtomic(change.path, Buffer.from(change.after, 'utf8'), { mode: change.mode, ...owner });
    if (change.xml) {
      // Re-read what is on disk now, not what we meant to write.
      const back = (await host.readBytes(change.path))?.toString('utf8') ?? '';
      assertWellFormed(back, change.path);
    }
    const hash = sha256(change.after);
    entry.afterSha256 = hash;
    if (change.managedWhole || next.files[change.path]) next.files[change.path] = { sha256: hash, resource: change.resource };
  }
  for (const [key, value] of Object.entries(change.originals ?? {})) {
    if (!(key in next.originals)) next.originals[key] = value;
  }
  // Originals this change put back are no longer ours to remember.
  for (const key of change.forgetOriginals ?? []) delete next.originals[key];
  await journal.save();
}

async function verify(host: Host, changes: readonly Change[]): Promise<void> {
  for (const change of changes) {
    if (change.type !== 'file') continue;
    const now = await host.readBytes(change.path);
    const ok = change.after === null ? now === null : now !== null && now.toString('utf8') === change.after;
    if (!ok) throw new HostError(`${change.path} does not hold what was written (verification failed)`, { path: change.path });
  }
}

function summarise(changes: readonly Change[]): string {
  const n = { create: 0, update: 0, delete: 0 };
  for (const c of changes) n[c.kind] += 1;
  return `${n.create} added, ${n.update} changed, ${n.delete} removed`;
}
