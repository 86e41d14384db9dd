import * as path from 'node:path';
import { STATE_DIR } from '../host/bbb-paths.js';
import { readText, type Host } from '../host/host.js';
import type { ServiceNeed } from '../model/change.js';
import type { ServiceReport } from './run-services.js';

/**
 * Service actions an apply could not or would not run (a postponed external restart, FreeSWITCH unreachable,
 * --no-reload). They are remembered so that the next apply, even with no file to change, still runs them:
 * otherwise "run apply --restart-now later" would find nothing to do while FreeSWITCH keeps the old settings.
 */
export const PENDING_FILE = path.posix.join(STATE_DIR, 'pending-actions.json');

const KNOWN: readonly ServiceNeed[] = [
  'reloadxml',
  'profile-start',
  'profile-rescan',
  'profile-restart',
  'external-restart',
  'profile-stop',
  'gateway-kill',
  'bbb-web-restart',
  'systemd-reload',
  'call-service-enable',
  'call-service-restart',
  'call-service-disable',
];

export async function readPendingNeeds(host: Host): Promise<ServiceNeed[]> {
  const text = await readText(host, PENDING_FILE);
  if (text === null) return [];
  try {
    const data = JSON.parse(text) as { needs?: unknown };
    return Array.isArray(data.needs) ? data.needs.filter((n): n is ServiceNeed => KNOWN.includes(n as ServiceNeed)) : [];
  } catch {
    return []; // a damaged reminder is not worth failing for: the plan and doctor still show the truth
  }
}

/** Remember what is still to do after this run (nothing: the reminder goes). Recorded commands are not pending. */
export async function savePendingNeeds(host: Host, report: ServiceReport): Promise<ServiceNeed[]> {
  const needs = [
    ...new Set(
      report.outcomes
        .filter((o) => o.status === 'postponed' || o.status === 'unreachable' || o.status === 'failed' || o.status === 'skipped')
        .map((o) => o.action.need),
    ),
  ];
  if (needs.length === 0) await host.removeFile(PENDING_FILE);
  else await host.writeFileAtomic(PENDING_FILE, Buffer.from(JSON.stringify({ needs }, null, 2) + '\n'), { mode: 0o600 });
  return needs;
}
