import * as path from 'node:path';
import { JournalError } from '../errors.js';
import { STATE_DIR } from '../host/bbb-paths.js';
import { readText, type Host } from '../host/host.js';
import type { ChangeKind, ServiceNeed } from '../model/change.js';
import type { NumberRouting } from '../twilio/resources/account-reads.js';
import type { TwilioOperation, TwilioResourceKind } from '../model/twilio-operation.js';
import { sha256 } from './state.js';

export const JOURNAL_DIR = path.posix.join(STATE_DIR, 'journal');
export const BACKUP_DIR = path.posix.join(STATE_DIR, 'backups');

/**
 * `undo-failed`: a run failed and its undo could not put everything back (an immutable directory, a full disk). Like
 * `in-progress`, it is undone again before the next run does anything, so no run takes a half-applied file as its
 * starting point.
 */
export type JournalStatus = 'in-progress' | 'complete' | 'undone' | 'undo-failed' | 'rolled-back';

export type JournalEntry =
  | {
      type: 'file';
      path: string;
      resource: string;
      needs: ServiceNeed[];
      /** Backup of the bytes before the change (relative to BACKUP_DIR), or null when the file did not exist. */
      backup: string | null;
      mode: number | null;
      uid: number | null;
      gid: number | null;
      /** Hash of what we wrote (null: we deleted it); filled in once the write is done. */
      afterSha256?: string | null;
    }
  | { type: 'dir'; path: string }
  /** An empty directory that bbb-twilio had created, removed again (undo: create it). */
  | { type: 'dir-removed'; path: string; mode: number }
  /**
   * A system command (a ufw rule), registered before it runs, so a kill right after it cannot hide it from recovery;
   * `recorded` is filled in once it ran. Undoing one that never ran is harmless (ufw: "non-existent rule").
   */
  | { type: 'command'; argv: string[]; undoArgv: string[]; recorded?: boolean }
  | TwilioJournalEntry;

/**
 * A change made in the Twilio account: recorded before the call (`pending`) and again after it (`done`, with
 * the SID), never with a secret. Twilio changes are not undone by rollback or a failed apply: each step is
 * idempotent and found again by name, so the next apply finishes the job and `uninstall --twilio` removes it.
 */
export interface TwilioJournalEntry {
  type: 'twilio';
  resource: string;
  kind: ChangeKind;
  twilioKind: TwilioResourceKind;
  /** The operation's name (`create-trunk`), without its arguments (one of them may be a password). */
  operation: TwilioOperation['op'];
  name: string;
  sid: string | null;
  status: 'pending' | 'done';
  /** For a number attached to bbb-twilio's trunk: where its calls went before (uninstall --twilio puts it back). */
  previous?: NumberRouting;
}

export interface JournalRecord {
  id: string;
  /** Order of runs on this server: 1, 2, 3, ... */
  seq: number;
  command: 'apply' | 'uninstall';
  /** The SIP profile mode in use when this ran: rollback needs it to reload the right profile. */
  profile: 'dedicated' | 'external';
  status: JournalStatus;
  startedAt: string;
  finishedAt?: string;
  summary: string;
  entries: JournalEntry[];
}

/** `20261127T060406Z-0003`: readable time, then a sequence number that orders runs within one second. */
export function newJournalId(seq: number, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${String(seq).padStart(4, '0')}`;
}

/**
 * The ordered undo log of one apply. Every change is registered here before it is made, and the record is
 * written to disk after each registration, so a crash or a signal leaves enough to undo it at the next start.
 */
export class Journal {
  readonly record: JournalRecord;
  private backups = 0;

  private constructor(
    private readonly host: Host,
    record: JournalRecord,
  ) {
    this.record = record;
  }

  static async begin(host: Host, command: JournalRecord['command'], profile: JournalRecord['profile'], summary: string): Promise<Journal> {
    await host.makeDir(JOURNAL_DIR, 0o700);
    const seq = Math.max(0, ...(await listJournals(host)).map((j) => j.seq ?? 0)) + 1;
    const journal = new Journal(host, {
      id: newJournalId(seq),
      seq,
      command,
      profile,
      status: 'in-progress',
      startedAt: new Date().toISOString(),
      summary,
      entries: [],
    });
    await journal.save();
    return journal;
  }

  static file(id: string): string {
    return path.posix.join(JOURNAL_DIR, `${id}.json`);
  }

  /** Back up a file (or note that it is absent) and the directories a write will create, before touching it. */
  async registerFile(filePath: string, resource: string, needs: ServiceNeed[]): Promise<Extract<JournalEntry, { type: 'file' }>> {
    for (const dir of await missingParents(this.host, filePath)) this.record.entries.push({ type: 'dir', path: dir });
    const bytes = await this.host.readBytes(filePath);
    const stat = await this.host.lstat(filePath);
    let backup: string | null = null;
    if (bytes !== null) {
      backup = path.posix.join(this.record.id, String(++this.backups).padStart(4, '0'));
      // Backups may hold secrets (a gateway password): only root may read them.
      await this.host.makeDir(path.posix.join(BACKUP_DIR, this.record.id), 0o700);
      await this.host.writeFileAtomic(path.posix.join(BACKUP_DIR, backup), bytes, { mode: 0o600 });
    }
    const entry: Extract<JournalEntry, { type: 'file' }> = {
      type: 'file',
      path: filePath,
      resource,
      needs,
      backup,
      mode: stat?.mode ?? null,
      uid: stat?.uid ?? null,
      gid: stat?.gid ?? null,
    };
    this.record.entries.push(entry);
    await this.save();
    return entry;
  }

  async registerDirRemoved(dirPath: string, mode: number): Promise<void> {
    this.record.entries.push({ type: 'dir-removed', path: dirPath, mode });
    await this.save();
  }

  async registerCommand(argv: string[], undoArgv: string[]): Promise<Extract<JournalEntry, { type: 'command' }>> {
    const entry: Extract<JournalEntry, { type: 'command' }> = { type: 'command', argv, undoArgv };
    this.record.entries.push(entry);
    await this.save();
    return entry;
  }

  async registerTwilio(entry: Omit<TwilioJournalEntry, 'type' | 'status'>): Promise<TwilioJournalEntry> {
    const recorded: TwilioJournalEntry = { type: 'twilio', ...entry, status: 'pending' };
    this.record.entries.push(recorded);
    await this.save();
    return recorded;
  }

  async finish(status: JournalStatus): Promise<void> {
    this.record.status = status;
    this.record.finishedAt = new Date().toISOString();
    await this.save();
  }

  async save(): Promise<void> {
    await this.host.writeFileAtomic(Journal.file(this.record.id), Buffer.from(JSON.stringify(this.record, null, 2) + '\n'), {
      mode: 0o600,
    });
  }
}

export async function listJournals(host: Host): Promise<JournalRecord[]> {
  const names = (await host.listDir(JOURNAL_DIR)) ?? [];
  const records: JournalRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const text = await readText(host, path.posix.join(JOURNAL_DIR, name));
    if (text === null) continue;
    try {
      records.push(JSON.parse(text) as JournalRecord);
    } catch {
      throw new JournalError(`${JOURNAL_DIR}/${name}: unreadable journal`, 'move it away if it is damaged; its backups stay in ' + BACKUP_DIR);
    }
  }
  return records.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.id.localeCompare(b.id));
}

export async function saveJournal(host: Host, record: JournalRecord): Promise<void> {
  await host.writeFileAtomic(Journal.file(record.id), Buffer.from(JSON.stringify(record, null, 2) + '\n'), { mode: 0o600 });
}

async function missingParents(host: Host, filePath: string): Promise<string[]> {
  const missing: string[] = [];
  let dir = path.posix.dirname(filePath);
  while (dir !== '/' && (await host.lstat(dir)) === null) {
    missing.unshift(dir);
    dir = path.posix.dirname(dir);
  }
  return missing;
}

export { sha256 };
