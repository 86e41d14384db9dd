import * as path from 'node:path';
import type { Host } from '../host/host.js';
import { BACKUP_DIR, type JournalEntry } from './journal.js';

/** What `ufw delete` says about a rule that does not exist. */
const NOT_THERE = /Could not delete non-existent rule/;

export interface UndoProblem {
  entry: JournalEntry;
  message: string;
}

/** Undo journal entries newest first. Keeps going past a failure so as much as possible is restored. */
export async function undoEntries(host: Host, entries: readonly JournalEntry[]): Promise<UndoProblem[]> {
  const problems: UndoProblem[] = [];
  for (const entry of [...entries].reverse()) {
    try {
      await undoEntry(host, entry);
    } catch (err) {
      const reason = (err as Error).message;
      problems.push({ entry, message: entry.type === 'file' ? `${entry.path} is not restored (${reason})` : reason });
    }
  }
  return problems;
}

/**
 * What to do about changes an undo could not take back: fix the cause, and the next run puts them back first
 * (the journal keeps them); or put the named backups back by hand.
 */
export function undoProblemsHint(problems: readonly UndoProblem[]): string {
  const backups = problems.flatMap((p) => (p.entry.type === 'file' && p.entry.backup !== null ? [`${p.entry.path} from ${path.posix.join(BACKUP_DIR, p.entry.backup)}`] : []));
  return (
    'fix the cause (permission denied: an immutable file or directory? see lsattr, chattr -i; or free disk space), then run ' +
    'bbb-twilio apply again: it puts these back before anything else' +
    (backups.length > 0 ? `; or restore by hand: ${backups.join(', ')}` : '')
  );
}

async function undoEntry(host: Host, entry: JournalEntry): Promise<void> {
  switch (entry.type) {
    case 'file': {
      if (entry.backup === null) {
        await host.removeFile(entry.path);
        return;
      }
      const bytes = await host.readBytes(path.posix.join(BACKUP_DIR, entry.backup));
      if (bytes === null) throw new Error(`backup ${entry.backup} of ${entry.path} is missing`);
      // Registered but never written (the write itself failed): nothing to put back.
      const now = await host.readBytes(entry.path);
      const st = await host.lstat(entry.path);
      if (now !== null && now.equals(bytes) && st && st.mode === entry.mode && st.uid === entry.uid && st.gid === entry.gid) return;
      await host.writeFileAtomic(entry.path, bytes, {
        ...(entry.mode !== null ? { mode: entry.mode } : {}),
        ...(entry.uid !== null && entry.gid !== null ? { uid: entry.uid, gid: entry.gid } : {}),
      });
      return;
    }
    case 'dir':
      await host.removeEmptyDir(entry.path);
      return;
    case 'dir-removed':
      await host.makeDir(entry.path, entry.mode);
      return;
    case 'command': {
      const result = await host.run(entry.undoArgv);
      // The command was journaled before it ran: a kill may have come first, so a rule that is not there is undone.
      if (NOT_THERE.test(result.stdout + result.stderr)) return;
      if (result.code !== 0) throw new Error(`${entry.undoArgv.join(' ')} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
      return;
    }
    case 'twilio':
      // Forward only: the next apply adopts what was created, `uninstall --twilio` removes it (see journal.ts).
      return;
  }
}
