// What happened to the service actions, for people: one line per action that ran, failed or waits, then the
// commands still to run, grouped by why (FreeSWITCH not reached, --no-reload, recorded under a test --root).

import pc from 'picocolors';
import type { Host } from '../host/host.js';
import { IMPACT_TEXT } from '../plan/service-actions.js';
import type { ServiceOutcome, ServiceReport } from './run-services.js';

export function renderServiceReport(report: ServiceReport, host: Host, opts: { color?: boolean } = {}): string[] {
  const c = pc.createColors(Boolean(opts.color));
  const lines: string[] = [];
  const { outcomes } = report;
  const width = Math.max(0, ...outcomes.map((o) => o.command.length));
  const of = (status: ServiceOutcome['status']): ServiceOutcome[] => outcomes.filter((o) => o.status === status);
  const withDetail = (o: ServiceOutcome): string => (o.detail ? `${o.command.padEnd(width)}  ${c.dim(o.detail)}` : o.command);

  for (const o of of('ran')) lines.push(`  ${c.green('ran')}       ${withDetail(o)}`);
  for (const o of of('failed')) lines.push(`  ${c.red('FAILED')}    ${o.command}: ${o.detail}`);
  for (const o of of('postponed')) {
    lines.push(`  ${c.yellow('postponed')} ${o.command}  (${IMPACT_TEXT[o.action.impact]}; ${o.detail})`);
  }

  const unreachable = of('unreachable');
  if (report.unreachable && unreachable.length > 0) {
    const u = report.unreachable;
    lines.push(`${c.yellow('warning:')} FreeSWITCH not reached (${u.label}): ${u.message}`);
    if (u.hint) lines.push(c.dim(`  hint: ${u.hint}`));
    lines.push('  The files are in place, but FreeSWITCH has not loaded them. Run these once it answers:');
    for (const o of unreachable) lines.push(`    ${o.command}`);
  }
  const skipped = of('skipped');
  if (skipped.length > 0) {
    lines.push('  FreeSWITCH commands not sent (--no-reload); run these to load the new files:');
    for (const o of skipped) lines.push(`    ${o.command}`);
  }
  const recorded = of('recorded');
  if (recorded.length > 0) {
    lines.push(`  Commands recorded, not run (--root ${host.root} is not /); run them on the server:`);
    // A note as a shell comment: the lines stay copy-and-paste commands.
    for (const o of recorded) lines.push(`    ${o.command}${o.detail ? `  # ${o.detail}` : ''}`);
  }
  return lines;
}

/** Outcomes that leave work for the admin: every command listed above that did not run (failed, not sent, recorded, postponed). */
export function unfinishedCount(report: ServiceReport): number {
  return report.outcomes.filter((o) => o.status !== 'ran').length;
}
