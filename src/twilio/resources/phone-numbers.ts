// The configured numbers, each attached to the trunk (looked up by E.164 among the account's numbers; a
// number not in the account is an error). A number whose calls currently go somewhere else (a voice URL, a
// TwiML app, another trunk) is a plan warning and is moved only with --force-numbers or twilio.forceNumbers,
// because attaching it changes where its calls go. Numbers on the trunk that are not configured are detached
// (the dialplan refuses their calls anyway). Numbers are never released or deleted: uninstall detaches them.

import type { PlanWarning, TwilioChange } from '../../plan/change.js';
import type { PlanContext, Resource, ResourcePlan } from '../../resources/resource.js';
import { sidRef } from '../twilio-operation.js';
import { type IncomingNumberView, findIncomingNumber, findTrunk, trunkNumbers } from './account-reads.js';
import { hasTwilio, managedName, twilioChange } from './twilio-change.js';

const RESOURCE = 'twilio-phone-numbers';

/** A new number answers with Twilio's demo greeting: that placeholder is not a destination anyone chose. */
export function isTwilioDemoUrl(url: string): boolean {
  return /^https?:\/\/demo\.twilio\.com\//i.test(url);
}

/** Where the number's calls go now, when that is somewhere other than this trunk; undefined when nowhere. */
export function currentDestination(number: IncomingNumberView, ourTrunkSid: string | undefined): string | undefined {
  if (number.trunkSid !== null && number.trunkSid !== ourTrunkSid) return `another Elastic SIP trunk (${number.trunkSid})`;
  if (number.trunkSid !== null) return undefined;
  if (number.voiceApplicationSid !== null) return `a TwiML app (${number.voiceApplicationSid})`;
  if (number.voiceUrl !== null && !isTwilioDemoUrl(number.voiceUrl)) return `a voice URL (${number.voiceUrl})`;
  return undefined;
}

export const twilioPhoneNumbers: Resource = {
  id: RESOURCE,
  side: 'twilio',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    if (!hasTwilio(ctx)) return { changes: [], warnings: [] };
    const access = ctx.twilio;
    const name = managedName(ctx);
    const trunk = await findTrunk(access, name);
    const onTrunk = trunk === undefined ? [] : await trunkNumbers(access, trunk.sid);
    const detach = (n: { sid: string; phoneNumber: string }, why: string): TwilioChange =>
      twilioChange({
        resource: RESOURCE,
        kind: 'delete',
        twilioKind: 'phone-number',
        name: n.phoneNumber,
        sid: n.sid,
        title: why,
        attributes: [{ name: 'trunk', before: name, after: null }],
        operation: { op: 'detach-number', trunkSid: trunk?.sid ?? '', numberSid: n.sid },
      });

    if (ctx.mode === 'uninstall') {
      return { changes: onTrunk.map((n) => detach(n, `detach from trunk "${name}" (the number stays in the account)`)), warnings: [] };
    }

    const changes: TwilioChange[] = [];
    const warnings: PlanWarning[] = [];
    const force = Boolean(ctx.forceNumbers || ctx.config.twilio.forceNumbers);
    for (const configured of ctx.config.numbers) {
      const number = await findIncomingNumber(access, configured.e164);
      if (trunk !== undefined && number.trunkSid === trunk.sid) continue;
      const elsewhere = currentDestination(number, trunk?.sid);
      if (elsewhere !== undefined && !force) {
        warnings.push({
          level: 'risk',
          message: `${configured.display} is attached to ${elsewhere}: not moved to trunk "${name}", so its calls do not reach this server`,
          hint: 'moving it changes where its calls go: run apply --force-numbers (or set twilio.forceNumbers: true) once you are sure',
        });
        continue;
      }
      changes.push(
        twilioChange({
          resource: RESOURCE,
          kind: 'create',
          twilioKind: 'phone-number',
          name: number.phoneNumber,
          sid: number.sid,
          title: `attach ${configured.display} to trunk "${name}": its calls come to this server`,
          attributes: [{ name: 'trunk', before: number.trunkSid, after: name }],
          operation: { op: 'attach-number', trunk: sidRef(trunk?.sid, 'trunk'), numberSid: number.sid },
          ...(elsewhere === undefined ? {} : { warning: `moves ${configured.display} away from ${elsewhere} (--force-numbers)` }),
        }),
      );
    }
    const configured = new Set(ctx.config.numbers.map((n) => n.e164));
    for (const n of onTrunk.filter((x) => !configured.has(x.phoneNumber))) {
      changes.push(detach(n, `not in numbers: detach from trunk "${name}" (the number stays in the account)`));
    }
    return { changes, warnings };
  },
};
