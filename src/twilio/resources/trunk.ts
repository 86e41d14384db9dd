// The Elastic SIP trunk, found by its friendly name (`twilio.trunkName`). Its termination domain is set only
// when dial-out (`twilio.termination`) is configured. Uninstall deletes it, unless it carries origination URLs
// that bbb-twilio did not create: then it stays, with a warning, so nothing of someone else's is removed.

import type { PlanWarning } from '../../plan/change.js';
import type { PlanContext, Resource, ResourcePlan } from '../../resources/resource.js';
import { findTrunk, trunkOriginationUrls } from './account-reads.js';
import { allAttributes, changedAttributes, hasTwilio, managedName, twilioChange } from './twilio-change.js';

const RESOURCE = 'twilio-trunk';

export const twilioTrunk: Resource = {
  id: RESOURCE,
  side: 'twilio',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    if (!hasTwilio(ctx)) return { changes: [], warnings: [] };
    const name = managedName(ctx);
    const trunk = await findTrunk(ctx.twilio, name);
    const domainName = ctx.config.twilio.termination?.domain ?? null;

    if (ctx.mode === 'uninstall') {
      if (trunk === undefined) return { changes: [], warnings: [] };
      const foreign = (await trunkOriginationUrls(ctx.twilio, trunk.sid)).filter((u) => u.friendlyName !== name);
      if (foreign.length > 0) {
        const warning: PlanWarning = {
          level: 'note',
          message: `Twilio trunk "${name}" is kept: it has origination URLs bbb-twilio did not create (${foreign.map((u) => u.sipUrl).join(', ')})`,
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
            title: `the Elastic SIP trunk that carries the phone calls to this server${domainName === null ? '' : ' and dial-out from it'}`,
            attributes: allAttributes('create', { 'friendly name': name, ...(domainName === null ? {} : { 'domain name': domainName }) }),
            operation: { op: 'create-trunk', friendlyName: name, domainName },
          }),
        ],
        warnings: [],
      };
    }
    if (trunk.domainName === domainName) return { changes: [], warnings: [] };
    return {
      changes: [
        twilioChange({
          resource: RESOURCE,
          kind: 'update',
          twilioKind: 'trunk',
          name,
          sid: trunk.sid,
          title:
            domainName === null
              ? 'remove the termination domain: dial-out (twilio.termination) is no longer configured'
              : 'set the termination domain for dial-out (twilio.termination.domain)',
          attributes: changedAttributes({ 'domain name': trunk.domainName }, { 'domain name': domainName }),
          operation: { op: 'update-trunk', trunkSid: trunk.sid, domainName },
        }),
      ],
      warnings: [],
    };
  },
};
