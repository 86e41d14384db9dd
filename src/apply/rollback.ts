import { ConflictError, JournalError, UsageError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { ServiceNeed } from '../model/change.js';
import { listJournals, saveJournal, type JournalRecord } from './journal.js';
import { lockHolder } from './lock.js';
import { keepTwilioMemory, readState, sha256, type TwilioMemory } from './state.js';
import { undoEntries, undoProblemsHint, type UndoProblem } from './undo.js';
import { inverseNeed, isCallServiceNeed } from '../plan/service-actions.js';

export interface RollbackPlan {
  /** Journals to undo, newest first. */
  journals: JournalRecord[];
  /** Files changed since the apply wrote them (by hand or by another tool). */
  drifted: string[];
  needs: ServiceNeed[];
}

/** Completed applies (and uninstalls) that can still be rolled back, oldest first. */
export async function rollbackCandidates(host: Host): Promise<JournalRecord[]> {
  return (await listJournals(host)).filter((j) => j.status === 'complete');
}

/**
 * Rolling back apply X restores the server to how it was before X, so every later apply is undone too,
 * newest first: restoring older bytes under a later apply would silently lose it.
 */
export async function planRollback(host: Host, to: string | undefined): Promise<RollbackPlan> {
  const candidates = await rollbackCandidates(host);
  if (candidates.length === 0) throw new UsageError('nothing to roll back: no completed apply is recorded', 'see bbb-twilio rollback --list');
  if (to !== undefined && to.trim() === '') throw new UsageError('--to needs an apply id', 'bbb-twilio rollback --list shows the ids');
  const index = to === undefined ? candidates.length - 1 : candidates.findIndex((j) => j.id === to || j.id.startsWith(to));
  if (index < 0) throw new UsageError(`no completed apply with id ${to}`, 'bbb-twilio rollback --list shows the ids');
  const journals = candidates.slice(index).reverse();
  const drifted: string[] = [];
  const needs = new Set<ServiceNeed>();
  const newest = new Map<string, string | null | undefined>();
  // The call service ends up as the oldest apply found it: only that apply's unit change says whether to start,
  // restart or stop it (a unit created then updated is stopped, not restarted).
  let serviceNeeds: ServiceNeed[] = [];
  for (const j of journals) {
    for (const e of j.entries) {
      if (e.type !== 'file') continue;
      if (!newest.has(e.path)) newest.set(e.path, e.afterSha256);
      const inverse = e.needs.map(inverseNeed);
      if (inverse.some(isCallServiceNeed)) serviceNeeds = inverse;
      else for (const n of inverse) needs.add(n);
    }
  }
  for (const n of serviceNeeds) needs.add(n);
  for (const [file, expected] of newest) {
    if (expected === undefined || file.endsWith('/state.json')) continue;
    const bytes = await host.readBytes(file);
    const actual = bytes === null ? null : sha256(bytes);
    if (actual !== expected) drifted.push(file);
  }
  return { journals, drifted, needs: [...needs] };
}

export async function executeRollback(host: Host, plan: RollbackPlan, force: boolean): Promise<UndoProblem[]> {
  if (plan.drifted.length > 0 && !force) {
    throw new ConflictError(
      `changed since bbb-twilio wrote it: ${plan.drifted.join(', ')}; nothing was rolled back`,
      'rollback --force restores the backups anyway (the current content is lost)',
    );
  }
  // Rollback keeps the Twilio account as it is, so the state keeps what it knows of it.
  const twilio = (await readState(host)).twilio;
  const problems: UndoProblem[] = [];
  for (const journal of plan.journals) {
    problems.push(...(await undoEntries(host, journal.entries)));
    journal.status = 'rolled-back';
    journal.finishedAt = new Date().toISOString();
    await saveJournal(host, journal);
  }
  await keepTwilioMemory(host, twilio);
  return problems;
}

/** The Twilio changes a killed run made stay: what it created and attached (with the routing before) is remembered. */
function twilioMemoryFrom(journal: JournalRecord, known: TwilioMemory): TwilioMemory {
  const memory: TwilioMemory = { ...known, numbers: { ...known.numbers } };
  for (const e of journal.entries) {
    if (e.type !== 'twilio' || e.status !== 'done' || e.sid === null) continue;
    if (e.operation === 'create-trunk') memory.trunkSid = e.sid;
    if (e.operation === 'attach-number' && e.previous !== undefined) memory.numbers[e.sid] = { phoneNumber: e.name, previous: e.previous };
  }
  return memory;
}

/**
 * Runs to undo before anything else: killed outright (in progress), or failed with an undo that did not finish.
 * A run in progress while a live bbb-twilio holds the lock is that run, not an interrupted one.
 */
export async function interruptedRuns(host: Host): Promise<JournalRecord[]> {
  const running = (await lockHolder(host)) !== null;
  return (await listJournals(host)).filter((j) => (j.status === 'in-progress' && !running) || j.status === 'undo-failed');
}

/**
 * An apply interrupted by a crash or kill -9 left an in-progress journal, or one whose undo failed: undo it before
 * anything else. Undo is idempotent, so a second try is safe. What still cannot be put back stops the run, with
 * nothing else changed: a plan made from half-applied files would take them as the server's own. The Twilio
 * changes such a run made stay, and so does the record of them.
 */
export async function recoverInterrupted(host: Host): Promise<JournalRecord[]> {
  const stuck = await interruptedRuns(host);
  for (const journal of [...stuck].reverse()) {
    const twilio = twilioMemoryFrom(journal, (await readState(host)).twilio);
    const problems = await undoEntries(host, journal.entries);
    await keepTwilioMemory(host, twilio);
    journal.status = problems.length === 0 ? 'undone' : 'undo-failed';
    journal.finishedAt = new Date().toISOString();
    await saveJournal(host, journal);
    if (problems.length > 0) {
      throw new JournalError(
        `an earlier ${journal.command} (${journal.id}) could not be undone: ${problems.map((p) => p.message).join('; ')}; nothing else was changed`,
        undoProblemsHint(problems),
      );
    }
  }
  return stuck;
}
