import pc from 'picocolors';
import { PENDING_FILE } from '../apply/pending-actions.js';
import { acquireLock } from '../apply/lock.js';
import { executeRollback, planRollback, recoverInterrupted, rollbackCandidates } from '../apply/rollback.js';
import { renderServiceReport } from '../apply/render-services.js';
import { runServiceActions } from '../apply/run-services.js';
import { neededActions } from '../plan/service-actions.js';
import { confirm } from './apply-command.js';
import { openHost, useColor, type CliIo } from './io.js';
import { serviceRunOptions, type ServiceFlags } from './service-options.js';

export interface RollbackOptions extends ServiceFlags {
  root?: string;
  to?: string;
  list?: boolean;
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

export async function runRollback(opts: RollbackOptions, io: CliIo): Promise<number> {
  const host = openHost(io, opts.root);
  const c = pc.createColors(useColor(io));
  if (opts.list) {
    const journals = await rollbackCandidates(host);
    if (opts.json) {
      io.stdout.write(JSON.stringify(journals.map((j) => ({ id: j.id, command: j.command, startedAt: j.startedAt, summary: j.summary })), null, 2) + '\n');
      return 0;
    }
    if (journals.length === 0) io.stdout.write('No applies to roll back.\n');
    for (const j of [...journals].reverse()) io.stdout.write(`${c.bold(j.id)}  ${j.command.padEnd(9)}  ${j.startedAt}  ${j.summary}\n`);
    return 0;
  }
  const serviceOptions = serviceRunOptions(opts, io);
  const lock = await acquireLock(host);
  try {
    for (const j of await recoverInterrupted(host)) {
      io.stdout.write(c.yellow(`Recovered an interrupted ${j.command} (${j.id}): its changes were undone.\n`));
    }
    const plan = await planRollback(host, opts.to);
    io.stdout.write(c.bold(`Rolling back ${plan.journals.length} run(s), newest first:\n`));
    for (const j of plan.journals) {
      io.stdout.write(`  ${j.id}  ${j.command}  ${j.summary}\n`);
      // Firewall undo commands are many and alike: the first two, then a count (all of them are in the journal).
      const commands = j.entries.filter((e) => e.type === 'command').length;
      let shown = 0;
      for (const e of j.entries) {
        if (e.type === 'file' && !e.path.endsWith('/state.json')) io.stdout.write(c.dim(`    ${e.backup ? 'restore' : 'remove '} ${e.path}\n`));
        if (e.type === 'command' && ++shown <= 2) io.stdout.write(c.dim(`    run     ${e.undoArgv.join(' ')}\n`));
        if (e.type === 'command' && shown === 3) io.stdout.write(c.dim(`    run     ... and ${commands - 2} more firewall commands like these\n`));
        if (e.type === 'twilio' && e.status === 'done') {
          const undo = e.previous === undefined ? 'removes it' : 'puts the number back where its calls went before';
          io.stdout.write(c.dim(`    keep    ${e.kind} twilio ${e.twilioKind.replace(/-/g, ' ')} "${e.name}" (not rolled back; uninstall --twilio ${undo})\n`));
        }
      }
    }
    for (const f of plan.drifted) io.stdout.write(c.yellow(`  ! ${f} changed since it was written${opts.force ? ' (--force: restoring anyway)' : ''}\n`));
    if (!(await confirm(io, 'Roll back?', opts.yes))) {
      io.stdout.write('Cancelled; nothing was changed.\n');
      return 1;
    }
    const problems = await executeRollback(host, plan, Boolean(opts.force));
    // What the undone applies left pending no longer applies: the rollback's own actions below replace it.
    await host.removeFile(PENDING_FILE);
    // The oldest run undone decides which profile is in use afterwards.
    const profile = plan.journals[plan.journals.length - 1]?.profile ?? 'dedicated';
    const services = await runServiceActions(host, neededActions(plan.needs.map((n) => ({ needs: [n] })), profile), serviceOptions);
    if (services.outcomes.length) {
      io.stdout.write(c.bold('Services:\n'));
      for (const line of renderServiceReport(services, host, { color: useColor(io) })) io.stdout.write(line + '\n');
    }
    if (problems.length > 0) {
      for (const p of problems) io.stderr.write(`error: could not undo: ${p.message}\n`);
      return 1;
    }
    io.stdout.write(c.green('Rollback complete: the files are back byte for byte.\n'));
    return 0;
  } finally {
    await lock.release();
  }
}
