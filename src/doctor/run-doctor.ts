// Every doctor check, in the order a call travels: config and files, FreeSWITCH, the network in front of it, bbb-web,
// the call service, then Twilio. Each check runs even when an earlier one failed (it skips, with a reason, what it
// cannot judge).

import { bbbApiReachable, dialNumberShown } from './bbb-checks.js';
import { callServiceActive, callServiceDialplan, callServiceHealthy, callServiceKeypad, callServiceListening } from './call-service-checks.js';
import { check, hintOf, messageOf, type CheckResult, type CheckStatus, type DoctorCheck } from './check.js';
import { audioBridgeFreeswitch, configValid, filesInDesiredState } from './config-checks.js';
import type { DoctorContext } from './doctor-context.js';
import { firewallTwilioOnly } from './firewall-check.js';
import { firewallTwilioMedia } from './media-firewall-check.js';
import { eslReachable, sipProfileRunning } from './freeswitch-checks.js';
import { publicIpLocal, sipPortListening } from './network-checks.js';
import { meetingPinLength } from './pin-length-check.js';
import { twilioNumbers, twilioOriginationUrl, twilioTrunk } from './twilio-checks.js';

export const CHECKS: readonly DoctorCheck<DoctorContext>[] = [
  configValid,
  audioBridgeFreeswitch,
  filesInDesiredState,
  eslReachable,
  sipProfileRunning,
  sipPortListening,
  firewallTwilioOnly,
  firewallTwilioMedia,
  publicIpLocal,
  bbbApiReachable,
  dialNumberShown,
  meetingPinLength,
  callServiceDialplan,
  callServiceActive,
  callServiceListening,
  callServiceHealthy,
  callServiceKeypad,
  twilioTrunk,
  twilioOriginationUrl,
  twilioNumbers,
];

export type DoctorReport = { checks: CheckResult[] } & Record<CheckStatus, number>;

export async function runDoctor(ctx: DoctorContext, onResult?: (result: CheckResult) => void): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  for (const item of CHECKS) {
    const c = check(item.id, item.title);
    let result: CheckResult;
    try {
      result = await item.run(ctx, c);
    } catch (err) {
      result = c.fail(messageOf(err), hintOf(err, 'this check could not run: a bug in bbb-twilio, please report it with this output'));
    }
    checks.push(result);
    onResult?.(result);
  }
  return summarise(checks);
}

export function summarise(checks: CheckResult[]): DoctorReport {
  const count = (s: CheckStatus): number => checks.filter((c) => c.status === s).length;
  return { checks, ok: count('ok'), warn: count('warn'), fail: count('fail'), skip: count('skip') };
}
