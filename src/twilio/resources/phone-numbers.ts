// The configured numbers, each attached to the trunk (looked up by E.164 among the account's numbers; a
// number not in the account is an error). A number whose calls currently go somewhere else (a voice URL, a
// TwiML app, another trunk) is a plan warning and is moved only with --force-numbers or twilio.forceNumbers,
// because attaching it changes where its calls go. Attaching deletes a number's TwiML app (Twilio's rule for
// `TrunkSid`), so its routing before is kept in the state and journal, and releasing it (no longer configured,
// or uninstall) puts that routing back exactly. Only numbers this config attached are released: others on the
// trunk are someone else's. Numbers are never released from the account or deleted.

import type { AttachedNumber } from '../../model/number-routing.js';
import type { PlanWarning, TwilioChange } from '../../model/change.js';
import type { PlanContext, Resource, ResourcePlan } from '../../resources/resource.js';
import { sidRef } from '../../model/twilio-operation.js';
import { type IncomingNumberView, type NumberRouting, findIncomingNumber, trunkNumbers } from './account-reads.js';
import { findOwnTrunk } from './own-trunk.js';
import { type TwilioPlanContext, hasTwilio, managedName, twilioChange } from './twilio-change.js';

const RESOURCE = 'twilio-phone-numbers';

/** A new number answers with Twilio's demo greeting: that placeholder is not a destination anyone chose. */
export function isTwilioDemoUrl(url: string): boolean {
  return /^https?:\/\/demo\.twilio\.com\//i.test(url);
}

/** Where the number's calls go now, when that is somewhere other than this trunk; undefined when nowhere. */
export function currentDestination(number: NumberRouting, ourTrunkSid: string | undefined): string | undefined {
  if (number.trunkSid !== null && number.trunkSid !== ourTrunkSid) return `another Elastic SIP trunk (${number.trunkSid})`;
  if (number.trunkSid !== null) return undefined;
  if (number.voiceApplicationSid !== null) return `a TwiML app (${number.voiceApplicationSid})`;
  if (number.voiceUrl !== null && !isTwilioDemoUrl(number.voiceUrl)) return `a voice URL (${number.voiceUrl})`;
  return undefined;
}

/**
 * A number on the trunk this config attached: remembered in the state, or configured (a state from before
 * bbb-twilio remembered its numbers has none). Any other number on the trunk is someone else's.
 */
export function attachedByThisConfig(ctx: TwilioPlanContext, n: { sid: string; phoneNumber: string }): boolean {
  return ctx.state.twilio.numbers[n.sid] !== undefined || ctx.config.numbers.some((c) => c.e164 === n.phoneNumber);
}

function routingOf(n: IncomingNumberView): NumberRouting {
  const { voiceUrl, voiceMethod, voiceFallbackUrl, voiceFallbackMethod, voiceApplicationSid, trunkSid } = n;
  return { voiceUrl, voiceMethod, voiceFallbackUrl, voiceFallbackMethod, voiceApplicationSid, trunkSid };
}

export const twilioPhoneNumbers: Resource = {
  id: RESOURCE,
  side: 'twilio',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    if (!hasTwilio(ctx)) return { changes: [], warnings: [] };
    const access = ctx.twilio;
    const name = managedName(ctx);
    const trunk = await findOwnTrunk(ctx);
    const onTrunk = trunk === undefined ? [] : await trunkNumbers(access, trunk.sid);
    const configured = new Set(ctx.config.numbers.map((n) => n.e164));
    const attached = ctx.state.twilio.numbers;
    const leftAlone = (n: { phoneNumber: string }): PlanWarning => ({
      level: 'note',
      message: `${n.phoneNumber} on Twilio trunk "${name}" was not attached by this configuration: left alone`,
      hint: 'detach it in the Twilio Console if nothing uses it',
    });

    if (ctx.mode === 'uninstall') {
      const ours = onTrunk.filter((n) => attachedByThisConfig(ctx, n));
      return {
        changes: ours.map((n) => releaseNumber(ctx, trunk?.sid ?? '', n, 'uninstall')),
        warnings: onTrunk.filter((n) => !ours.includes(n)).map(leftAlone),
      };
    }

    const changes: TwilioChange[] = [];
    const warnings: PlanWarning[] = [];
    const force = Boolean(ctx.forceNumbers || ctx.config.twilio.forceNumbers);
    for (const configuredNumber of ctx.config.numbers) {
      const number = await findIncomingNumber(access, configuredNumber.e164);
      if (trunk !== undefined && number.trunkSid === trunk.sid) continue;
      const elsewhere = currentDestination(number, trunk?.sid);
      if (elsewhere !== undefined && !force) {
        warnings.push({
          level: 'risk',
          message: `${configuredNumber.display} is attached to ${elsewhere}: not moved to trunk "${name}", so its calls do not reach this server`,
          hint: 'moving it changes where its calls go: run apply --force-numbers (or set twilio.forceNumbers: true) once you are sure',
        });
        continue;
      }
      const record: AttachedNumber = { phoneNumber: number.phoneNumber, previous: routingOf(number) };
      changes.push(
        twilioChange({
          resource: RESOURCE,
          kind: 'create',
          twilioKind: 'phone-number',
          name: number.phoneNumber,
          sid: number.sid,
          title: `attach ${configuredNumber.display} to trunk "${name}": its calls come to this server`,
          attributes: [
            { name: 'trunk', before: number.trunkSid, after: name },
            // Twilio deletes the app when a trunk is set; the voice URLs stay, unused while on the trunk.
            ...(number.voiceApplicationSid === null ? [] : [{ name: 'voice application', before: number.voiceApplicationSid, after: null }]),
          ],
          operation: { op: 'attach-number', trunk: sidRef(trunk?.sid, 'trunk'), numberSid: number.sid },
          rememberNumber: { sid: number.sid, attached: record },
          ...(elsewhere === undefined
            ? {}
            : { warning: `moves ${configuredNumber.display} away from ${elsewhere} (--force-numbers); uninstall --twilio puts it back` }),
        }),
      );
    }
    for (const n of onTrunk.filter((x) => !configured.has(x.phoneNumber))) {
      if (attached[n.sid] === undefined) warnings.push(leftAlone(n));
      else changes.push(releaseNumber(ctx, trunk?.sid ?? '', n, 'not in numbers'));
    }
    return { changes, warnings };
  },
};

/** Off the trunk: back to the routing it had before bbb-twilio attached it, or simply detached when it had none. */
function releaseNumber(ctx: TwilioPlanContext, trunkSid: string, n: { sid: string; phoneNumber: string }, why: string): TwilioChange {
  const name = managedName(ctx);
  const previous = ctx.state.twilio.numbers[n.sid]?.previous;
  const base = { resource: RESOURCE, kind: 'delete' as const, twilioKind: 'phone-number' as const, name: n.phoneNumber, sid: n.sid };
  const forget = { sid: n.sid, attached: null };
  const before = previous === undefined ? undefined : currentDestination(previous, undefined);
  if (previous === undefined || (before === undefined && previous.voiceUrl === null && previous.voiceFallbackUrl === null)) {
    return twilioChange({
      ...base,
      title: `${why}: detach from trunk "${name}" (the number stays in the account)`,
      attributes: [{ name: 'trunk', before: name, after: null }],
      operation: { op: 'detach-number', trunkSid, numberSid: n.sid },
      rememberNumber: forget,
    });
  }
  return twilioChange({
    ...base,
    title: `${why}: off trunk "${name}", back to ${before ?? 'its voice URL'} as before bbb-twilio attached it`,
    attributes: [
      { name: 'trunk', before: name, after: previous.trunkSid },
      ...(previous.voiceApplicationSid === null ? [] : [{ name: 'voice application', before: null, after: previous.voiceApplicationSid }]),
    ],
    operation: { op: 'restore-number', numberSid: n.sid, routing: previous },
    rememberNumber: forget,
  });
}
