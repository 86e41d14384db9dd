// The Elastic SIP trunk, found by its friendly name (`twilio.trunkName`). Secure Trunking (TLS + SRTP) is
// turned off: the profile Twilio calls speaks plain SIP and RTP. Its termination domain is another resource
// (termination-domain.ts), set after the dial-in steps. Uninstall deletes it, unless it carries origination
// URLs that bbb-twilio did not create: then it stays, with a warning, so nothing of someone else's is removed.

import type { PlanWarning } from '../../model/change.js';
import type { PlanContext, Resource, ResourcePlan } from '../../resources/resource.js';
import { trunkNumbers, trunkOriginationUrls } from './account-reads.js';
import { findOwnTrunk } from './own-trunk.js';
import { attachedByThisConfig } from './phone-numbers.js';
import { allAttributes, hasTwilio, managedName, twilioChange } from './twilio-change.js';

const RESOURCE = 'twilio-trunk';

export const twilioTrunk: Resource = {
  id: RESOURCE,
  side: 'twilio',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    if (!hasTwilio(ctx)) return { changes: [], warnings: [] };
    const name = managedName(ctx);
    const trunk = await findOwnTrunk(ctx);

    if (ctx.mode === 'uninstall') {
      if (trunk === undefined) return { changes: [], warnings: [] };
      const foreign = (await trunkOriginationUrls(ctx.twilio, trunk.sid)).filter((u) => u.friendlyName !== name).map((u) => u.sipUrl);
      // Deleting a trunk detaches its numbers: one this config did not attach keeps it.
      const theirs = (await trunkNumbers(ctx.twilio, trunk.sid)).filter((n) => !attachedByThisConfig(ctx, n)).map((n) => n.phoneNumber);
      if (foreign.length > 0 || theirs.length > 0) {
        const what = [
          ...(foreign.length > 0 ? [`origination URLs bbb-twilio did not create (${foreign.join(', ')})`] : []),
          ...(theirs.length > 0 ? [`numbers this configuration did not attach (${theirs.join(', ')})`] : []),
        ];
        const warning: PlanWarning = {
          level: 'note',
          message: `Twilio trunk "${name}" is kept: it has ${what.join(' and ')}`,
          hint: 'delete the trunk in the Twilio Console once nothing else uses it',
        };
        return { changes: [], warnings: [warning] };
      }
      return {
        changes: [
          twilioChange({
            resource: RESOURCE,
            kind: 'delete',
            twilioKind: 'trunk',
            name,
            sid: trunk.sid,
            title: `delete the Elastic SIP trunk "${name}" (its phone numbers stay in the account)`,
            attributes: allAttributes('delete', { 'friendly name': trunk.friendlyName, 'domain name': trunk.domainName }),
            operation: { op: 'delete-trunk', trunkSid: trunk.sid },
          }),
        ],
        warnings: [],
      };
    }

    if (trunk === undefined) {
      return {
        changes: [
          twilioChange({
            resource: RESOURCE,
            kind: 'create',
            twilioKind: 'trunk',
            name,
            sid: null,
            title: 'the Elastic SIP trunk that carries the phone calls to this server',
            attributes: allAttributes('create', { 'friendly name': name }),
            operation: { op: 'create-trunk', friendlyName: name },
          }),
        ],
        warnings: [],
      };
    }
    if (!trunk.secure) return { changes: [], warnings: [] };
    return {
      changes: [
        twilioChange({
          resource: RESOURCE,
          kind: 'update',
          twilioKind: 'trunk',
          name,
          sid: trunk.sid,
          title: 'turn Secure Trunking off: the profile Twilio calls speaks plain SIP and RTP',
          attributes: [{ name: 'secure', before: 'true', after: 'false' }],
          operation: { op: 'update-trunk', trunkSid: trunk.sid, secure: false },
        }),
      ],
      warnings: [
        {
          level: 'note',
          message: `Twilio trunk "${name}" has Secure Trunking on (TLS signalling, SRTP media): its calls cannot reach bbb-twilio's plain-SIP profile, so apply turns it off`,
          hint: 'the calls between Twilio and this server are then unencrypted, as on every BBB dial-in; the phone network leg never was',
        },
      ],
    };
  },
};
