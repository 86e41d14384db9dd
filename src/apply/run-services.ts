import { formatCommand, type Host } from '../host/host.js';
import type { ServiceAction } from '../plan/change.js';
import { IMPACT_TEXT } from '../plan/service-actions.js';

export interface ServiceOutcome {
  action: ServiceAction;
  status: 'ran' | 'recorded' | 'postponed' | 'failed';
  detail: string;
}

/**
 * Run the service actions a plan needs, after its files are in place. A failure here does not undo the files
 * (they are right); it is reported with the command to run by hand. Actions that drop web audio wait for consent.
 */
export async function runServiceActions(host: Host, actions: readonly ServiceAction[], opts: { restartNow: boolean }): Promise<ServiceOutcome[]> {
  const outcomes: ServiceOutcome[] = [];
  for (const action of actions) {
    const cmd = formatCommand(action.argv);
    if (action.requiresConsent && !opts.restartNow) {
      outcomes.push({ action, status: 'postponed', detail: `${cmd}  (${IMPACT_TEXT[action.impact]}; run it when the server is idle, or apply --restart-now)` });
      continue;
    }
    const result = await host.run(action.argv);
    if (result.recorded) outcomes.push({ action, status: 'recorded', detail: cmd });
    else if (result.code === 0) outcomes.push({ action, status: 'ran', detail: cmd });
    else outcomes.push({ action, status: 'failed', detail: `${cmd}: ${result.stderr.trim() || `exit ${result.code}`}` });
  }
  return outcomes;
}

export function renderServiceOutcomes(outcomes: readonly ServiceOutcome[], host: Host): string[] {
  const lines: string[] = [];
  const recorded = outcomes.filter((o) => o.status === 'recorded');
  for (const o of outcomes.filter((x) => x.status === 'ran')) lines.push(`  ran       ${o.detail}`);
  for (const o of outcomes.filter((x) => x.status === 'failed')) lines.push(`  FAILED    ${o.detail}`);
  for (const o of outcomes.filter((x) => x.status === 'postponed')) lines.push(`  postponed ${o.detail}`);
  if (recorded.length > 0) {
    lines.push(`  Commands recorded, not run (--root ${host.root} is not /); run them on the server:`);
    for (const o of recorded) lines.push(`    ${o.detail}`);
  }
  return lines;
}
