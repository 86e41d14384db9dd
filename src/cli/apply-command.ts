import pc from 'picocolors';
import { UsageError } from '../errors.js';
import { applyPlan } from '../apply/apply-plan.js';
import { acquireLock } from '../apply/lock.js';
import { recoverInterrupted } from '../apply/rollback.js';
import { renderServiceReport, unfinishedCount } from '../apply/render-services.js';
import { runServiceActions } from '../apply/run-services.js';
import { readPendingNeeds, savePendingNeeds } from '../apply/pending-actions.js';
import { neededActions } from '../plan/service-actions.js';
import type { Config } from '../config/schema.js';
import { formatCommand, type Host } from '../host/host.js';
import { buildPlan } from '../plan/build-plan.js';
import { renderPlanText, summaryLine } from '../plan/render-plan.js';
import { loadConfig, openHost, useColor, type CliIo } from './io.js';
import { planHeader } from './plan-command.js';
import { serviceRunOptions, type ServiceFlags } from './service-options.js';
import { storeGeneratedPassword } from './generated-password.js';
import { selectSides } from './twilio-side.js';

export interface ApplyOptions extends ServiceFlags {
  root?: string;
  config?: string;
  yes?: boolean;
  force?: boolean;
  /** `host` or `twilio`: one side only. */
  only?: string;
  /** Move numbers away from a voice URL, TwiML app or other trunk. */
  forceNumbers?: boolean;
  /** uninstall: also remove what bbb-twilio created in the Twilio account. */
  twilio?: boolean;
}

/** Ask before changing a server. Without a terminal there is nobody to ask: --yes is required. */
export async function confirm(io: CliIo, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!io.stdinIsTTY) throw new UsageError('no terminal to ask for confirmation; nothing was changed', 'run again with --yes');
  const { confirm: ask, isCancel } = await import('@clack/prompts');
  const answer = await ask({ message: question, initialValue: false });
  return !isCancel(answer) && answer === true;
}

/** Ctrl-C, kill, and a dropped SSH session (SIGHUP): each would otherwise end the process mid-apply. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Stop at the next step on SIGINT/SIGTERM/SIGHUP; the engine then undoes what it did and the lock is released. */
export function trapSignals(): { stopped: () => boolean; release: () => void } {
  let stop = false;
  const handler = (): void => {
    stop = true;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return {
    stopped: () => stop,
    release: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, handler);
    },
  };
}

export async function runApply(opts: ApplyOptions, io: CliIo): Promise<number> {
  const host = openHost(io, opts.root);
  const loaded = await loadConfig(host, opts.config, io, { generateMissingPassword: true });
  const config = await storeGeneratedPassword(loaded, io);
  return applyWith(host, config, io, { ...opts, command: 'apply' });
}

export async function applyWith(
  host: Host,
  config: Config,
  io: CliIo,
  opts: ApplyOptions & { command: 'apply' | 'uninstall' },
): Promise<number> {
  const color = useColor(io);
  const c = pc.createColors(color);
  // Before the lock: contradictory flags stop here, with nothing changed.
  const serviceOptions = serviceRunOptions(opts, io);
  const side = selectSides(opts.only, config, io.env, opts.command === 'uninstall' ? (opts.twilio ? ['host', 'twilio'] : ['host']) : undefined);
  const lock = await acquireLock(host);
  const signals = trapSignals();
  serviceOptions.shouldStop = signals.stopped;
  try {
    for (const j of await recoverInterrupted(host)) {
      io.stdout.write(c.yellow(`Recovered an interrupted ${j.command} (${j.id}): its changes were undone.\n`));
    }
    const { plan, facts, state, context } = await buildPlan(host, config, opts.command === 'uninstall' ? 'uninstall' : 'install', {
      sides: side.sides,
      ...(side.twilio === undefined ? {} : { twilio: side.twilio }),
      forceNumbers: Boolean(opts.forceNumbers),
      notes: side.notes,
    });
    io.stdout.write(planHeader(host, config, facts, context, color));
    // What an earlier apply left undone (a postponed restart, FreeSWITCH unreachable) is done now too.
    // Only an apply takes them over; an uninstall's own actions replace them (a stale "start" must not win over its "stop").
    const pending = opts.command === 'apply' ? await readPendingNeeds(host) : [];
    const actions = neededActions([...plan.changes, { needs: pending }], config.sip.profile);
    if (plan.changes.length === 0) {
      if (opts.command === 'uninstall') {
        const found = side.sides.includes('twilio')
          ? 'here or in the Twilio account: no file, value, firewall rule or Twilio resource of its was found'
          : 'here: no file, value or firewall rule of its was found';
        io.stdout.write(c.green(`Nothing of bbb-twilio is installed ${found}.\n`));
        return 0;
      }
      io.stdout.write(c.green('No changes. The server is in the configured state.\n'));
      if (pending.length === 0) return 0;
      io.stdout.write(c.bold('\nStill to do from an earlier apply:\n'));
      const report = await runServiceActions(host, actions, serviceOptions);
      for (const line of renderServiceReport(report, host, { color })) io.stdout.write(line + '\n');
      await savePendingNeeds(host, report);
      return 0;
    }
    io.stdout.write(renderPlanText(plan, facts, { color }));
    const verb = opts.command === 'uninstall' ? 'Remove bbb-twilio from' : 'Apply these changes to';
    if (!(await confirm(io, `${verb} ${host.root === '/' ? 'this server' : host.root}?`, opts.yes))) {
      io.stdout.write('Cancelled; nothing was changed.\n');
      return 1;
    }
    const result = await applyPlan(host, plan, state, {
      command: opts.command,
      profile: config.sip.profile,
      force: Boolean(opts.force),
      progress: (line) => io.stdout.write(c.dim(`  ${line}\n`)),
      shouldStop: signals.stopped,
      sides: side.sides,
      ...(side.twilio === undefined ? {} : { twilio: side.twilio }),
    });
    const services = await runServiceActions(host, actions, serviceOptions);
    await savePendingNeeds(host, services);
    if (services.outcomes.length > 0) {
      io.stdout.write(c.bold('\nServices:\n'));
      for (const line of renderServiceReport(services, host, { color })) io.stdout.write(line + '\n');
    }
    const firewallRecorded = host.recordedCommands.filter((cmd) => cmd.argv[0] === 'ufw');
    if (firewallRecorded.length > 0) {
      io.stdout.write(c.bold(`\nFirewall commands recorded, not run (--root ${host.root} is not /); run them on the server:\n`));
      for (const cmd of firewallRecorded) io.stdout.write(`    ${formatCommand(cmd.argv)}\n`);
    }
    const failed = unfinishedCount(services);
    const onHost = plan.changes.some((ch) => ch.type !== 'twilio');
    io.stdout.write(
      `\n${c.green(opts.command === 'uninstall' ? 'Uninstall complete.' : result.partial.length > 0 ? 'Apply done, except dial-out (below).' : 'Apply complete.')} ${summaryLine(plan).replace('Plan: ', '')}\n` +
        (onHost
          ? `Journal ${result.journalId}; undo it with: bbb-twilio rollback${host.root === '/' ? '' : ` --root ${host.root}`}\n`
          : `Journal ${result.journalId}.\n`),
    );
    if (plan.changes.some((ch) => ch.type === 'twilio')) {
      io.stdout.write(
        c.dim(
          opts.command === 'apply'
            ? 'Rollback restores files only; `bbb-twilio uninstall --twilio` removes what bbb-twilio created in the Twilio account.\n'
            : 'Rollback restores files only; `bbb-twilio apply` creates the Twilio resources again.\n',
        ),
      );
    }
    if (failed > 0) {
      io.stdout.write(c.yellow(`${failed} service action(s) not done: the files are in place; run the commands above by hand.\n`));
    }
    // Everything else is in place; what failed stops only its feature, and the exit code says so.
    for (const p of result.partial) {
      io.stderr.write(`error: ${p.feature} is not set up (${p.change}): ${p.error.message}\n`);
      if (p.error.hint !== undefined) io.stderr.write(`hint: ${p.error.hint}\n`);
    }
    return result.partial.length > 0 ? 1 : 0;
  } finally {
    signals.release();
    await lock.release();
  }
}
