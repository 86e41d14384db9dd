// Brute-force protection for PIN entry. A 5-digit PIN is one of 100,000: without a limit a dialler finds meetings.
// - Per caller number (lockoutKey: the validated digits, or one shared bucket for every withheld or malformed
//   number, so an attacker gains nothing by hiding or forging it): `failures` invalid PINs within 10 minutes lock
//   the number out for `minutes`; its calls are hung up before the PIN prompt. A join clears its failures.
// - Across all callers (an attacker with many numbers): above `globalPerMinute` invalid PINs in the last minute,
//   recordFailure asks for a 3 s delay before each "not valid", which slows a dialler without locking anyone out.
// State survives a restart: /var/lib/bbb-twilio/lockouts.json (0600: it holds phone numbers), written through the
// Host. Writes are coalesced (at most one per saveDelayMs, whatever the flood) and flushed on stop(). A corrupt or
// unreadable file is reported through onProblem and treated as empty: the service must start anyway.

import { STATE_DIR } from '../host/bbb-paths.js';
import type { Host } from '../host/host.js';
import { maskNumber } from './caller-identity.js';

export const LOCKOUTS_FILE = `${STATE_DIR}/lockouts.json`;
/** The bucket of every caller whose number is withheld or not a number. */
export const WITHHELD = 'withheld';

const WINDOW_MS = 10 * 60_000;
const GLOBAL_WINDOW_MS = 60_000;
const FLOOD_DELAY_MS = 3000;

export interface LockoutBookOptions {
  host: Host;
  /** Invalid PINs within 10 minutes that lock a number out. Default 6. */
  failures?: number;
  /** How long a lockout lasts. Default 15. */
  minutes?: number;
  /** Invalid PINs a minute, all callers together, above which each "not valid" waits 3 s. Default 60. */
  globalPerMinute?: number;
  /** Wall clock (ms since the epoch): lockouts outlive a restart. */
  now?: () => number;
  /** Least time between two writes of the file. Default 1000. */
  saveDelayMs?: number;
  /** A problem with the state file (corrupt, unwritable): logged by the caller, never thrown. */
  onProblem?: (message: string) => void;
  file?: string;
}

export interface FailureVerdict {
  /** Set when this failure locked the number out: until when (ms). */
  lockedUntil?: number;
  /** Wait this long before saying "not valid" (0, or 3000 while invalid PINs flood in). */
  delayMs: number;
}

interface CallerRecord {
  /** Times of invalid PINs within the window, oldest first. */
  failures: number[];
  lockedUntil?: number;
}

/** The bucket of a caller number: `+` and digits as FreeSWITCH gave them, or WITHHELD for anything else. */
export function lockoutKey(callerNumber: string | undefined): string {
  const n = (callerNumber ?? '').trim();
  return /^\+?\d{3,15}$/.test(n) ? n : WITHHELD;
}

/** How a key is shown: xxx-xxx-1234, as the dialplan masks caller IDs. */
export function maskLockoutKey(key: string): string {
  return key === WITHHELD ? WITHHELD : maskNumber(key);
}

export class LockoutBook {
  private readonly callers = new Map<string, CallerRecord>();
  /** Times of invalid PINs of all callers in the last minute, oldest first. */
  private recent: number[] = [];
  private failuresToLock: number;
  private lockMs: number;
  private globalPerMinute: number;
  private readonly now: () => number;
  private readonly file: string;
  private readonly saveDelayMs: number;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;

  private constructor(private readonly opts: LockoutBookOptions) {
    this.failuresToLock = opts.failures ?? 6;
    this.lockMs = (opts.minutes ?? 15) * 60_000;
    this.globalPerMinute = opts.globalPerMinute ?? 60;
    this.now = opts.now ?? Date.now;
    this.file = opts.file ?? LOCKOUTS_FILE;
    this.saveDelayMs = opts.saveDelayMs ?? 1000;
  }

  /** The book with the state file's lockouts and recent failures (none when the file is absent or corrupt). */
  static async load(opts: LockoutBookOptions): Promise<LockoutBook> {
    const book = new LockoutBook(opts);
    let bytes: Buffer | null;
    try {
      bytes = await opts.host.readBytes(book.file);
    } catch (err) {
      opts.onProblem?.(`cannot read ${book.file} (${err instanceof Error ? err.message : String(err)}); starting with no lockouts`);
      return book;
    }
    if (bytes !== null) {
      const parsed = parseState(bytes.toString('utf8'));
      if (parsed === null) opts.onProblem?.(`${book.file} is not a lockout file bbb-twilio wrote; starting with no lockouts (it is replaced on the next write)`);
      else for (const [key, record] of parsed) book.callers.set(key, record);
    }
    book.prune();
    return book;
  }

  /** Until when (ms) the number is locked out; undefined when it may call. */
  isLockedOut(key: string): number | undefined {
    const until = this.callers.get(key)?.lockedUntil;
    return until !== undefined && until > this.now() ? until : undefined;
  }

  recordFailure(key: string): FailureVerdict {
    const now = this.now();
    this.recent.push(now);
    const firstRecent = this.recent.findIndex((t) => t > now - GLOBAL_WINDOW_MS);
    if (firstRecent > 0) this.recent = this.recent.slice(firstRecent);
    const delayMs = this.recent.length > this.globalPerMinute ? FLOOD_DELAY_MS : 0;

    const record = this.callers.get(key) ?? { failures: [] };
    record.failures = [...record.failures.filter((t) => t > now - WINDOW_MS), now];
    let lockedUntil: number | undefined;
    if (record.failures.length >= this.failuresToLock) {
      lockedUntil = now + this.lockMs;
      record.lockedUntil = lockedUntil;
      record.failures = [];
    }
    this.callers.set(key, record);
    this.changed();
    return lockedUntil === undefined ? { delayMs } : { lockedUntil, delayMs };
  }

  /** The number joined a meeting: its failures are forgiven. */
  recordJoin(key: string): void {
    const record = this.callers.get(key);
    if (!record || record.failures.length === 0) return;
    record.failures = [];
    if (record.lockedUntil === undefined) this.callers.delete(key);
    this.changed();
  }

  /** Numbers locked out now, masked, soonest expiry first. */
  list(): { key: string; until: number }[] {
    const now = this.now();
    return [...this.callers.entries()]
      .filter(([, r]) => r.lockedUntil !== undefined && r.lockedUntil > now)
      .map(([key, r]) => ({ key: maskLockoutKey(key), until: r.lockedUntil ?? now }))
      .sort((a, b) => a.until - b.until);
  }

  /** Lift a number's lockout and forget its failures; false when it had none. */
  unlock(key: string): boolean {
    const had = this.callers.delete(key);
    if (had) this.changed();
    return had;
  }

  /** Write now if anything changed (waits for a write under way). */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    while (this.saving) await this.saving;
    if (!this.dirty) return;
    this.dirty = false;
    this.saving = this.write().finally(() => {
      this.saving = undefined;
    });
    await this.saving;
  }

  /** New limits (SIGHUP): they apply from the next failure; lockouts in force keep their end. */
  updateLimits(limits: { failures: number; minutes: number; globalPerMinute: number }): void {
    this.failuresToLock = limits.failures;
    this.lockMs = limits.minutes * 60_000;
    this.globalPerMinute = limits.globalPerMinute;
  }

  /** The final flush; no timer is left behind. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }

  private changed(): void {
    this.dirty = true;
    if (this.saveTimer || this.stopped) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.flush();
    }, this.saveDelayMs);
    this.saveTimer.unref();
  }

  private async write(): Promise<void> {
    this.prune();
    const callers = Object.fromEntries(this.callers);
    const data = Buffer.from(`${JSON.stringify({ version: 1, callers }, null, 1)}\n`);
    try {
      await this.opts.host.writeFileAtomic(this.file, data, { mode: 0o600 });
    } catch (err) {
      this.dirty = true; // try again with the next change or at stop
      this.opts.onProblem?.(`cannot write ${this.file} (${err instanceof Error ? err.message : String(err)}); lockouts are kept in memory`);
    }
  }

  /** Forget expired lockouts and failures out of the window, so a flood of numbers does not grow the book forever. */
  private prune(): void {
    const now = this.now();
    for (const [key, record] of this.callers) {
      record.failures = record.failures.filter((t) => t > now - WINDOW_MS);
      if (record.lockedUntil !== undefined && record.lockedUntil <= now) delete record.lockedUntil;
      if (record.failures.length === 0 && record.lockedUntil === undefined) this.callers.delete(key);
    }
  }
}

/** The file's callers, or null when it is not what write() produces. */
function parseState(text: string): Map<string, CallerRecord> | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(doc) || doc.version !== 1 || !isObject(doc.callers)) return null;
  const out = new Map<string, CallerRecord>();
  for (const [key, value] of Object.entries(doc.callers)) {
    if (lockoutKey(key) !== key || !isObject(value)) return null;
    const { failures, lockedUntil } = value;
    if (!Array.isArray(failures) || !failures.every((t) => Number.isFinite(t))) return null;
    if (lockedUntil !== undefined && !Number.isFinite(lockedUntil)) return null;
    out.set(key, lockedUntil === undefined ? { failures: failures as number[] } : { failures: failures as number[], lockedUntil: lockedUntil as number });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
