// What the next run will undo before anything else (a killed apply, an undo that did not finish), for `plan`: the
// plan itself is measured against the half-applied files, so it must say so first.

import pc from 'picocolors';
import { formatCommand } from '../host/host.js';
import type { JournalRecord } from './journal.js';
import { STATE_FILE } from './state.js';

export interface Recovery {
  id: string;
  command: JournalRecord['command'];
  status: JournalRecord['status'];
  startedAt: string;
  /** Files put back from their backups. */
  restore: string[];
  /** Files and directories the run created, removed again. */
  remove: string[];
  /** Commands that take its firewall rules back. */
  run: string[][];
}

export function recoveryOf(journal: JournalRecord): Recovery {
  const restore = new Set<string>();
  const remove = new Set<string>();
  const run: string[][] = [];
  for (const e of journal.entries) {
    if (e.type === 'file' && e.path !== STATE_FILE) (e.backup === null ? remove : restore).add(e.path);
    if (e.type === 'dir') remove.add(`${e.path}/`);
    if (e.type === 'command') run.push(e.undoArgv);
  }
  return { id: journal.id, command: journal.command, status: journal.status, startedAt: journal.startedAt, restore: [...restore], remove: [...remove], run };
}

/** A warning block, first thing in the text plan: which run was cut short, and what apply puts back before it plans. */
export function renderRecoveries(recoveries: readonly Recovery[], color: boolean): string {
  const c = pc.createColors(color);
  const lines: string[] = [];
  for (const r of recoveries) {
    const what = r.status === 'undo-failed' ? 'failed and could not be fully undone' : 'was interrupted (killed before it finished)';
    lines.push(c.bold(c.yellow(`!! An earlier ${r.command} (${r.id}, started ${r.startedAt}) ${what}: its changes are still on the server.`)));
    lines.push(`   The next apply first undoes it:`);
    for (const p of r.restore) lines.push(`     restore ${p}`);
    for (const p of r.remove) lines.push(`     remove  ${p}`);
    for (const argv of r.run.slice(0, 2)) lines.push(`     run     ${formatCommand(argv)}`);
    if (r.run.length > 2) lines.push(`     run     ... and ${r.run.length - 2} more firewall commands like these`);
    if (r.restore.length + r.remove.length + r.run.length === 0) lines.push('     (nothing of it reached the server)');
  }
  lines.push(c.dim('   The plan below is measured against the server as it is now, half-applied; apply recovers first, then plans again.'));
  return lines.join('\n') + '\n\n';
}
