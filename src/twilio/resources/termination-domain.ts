// The trunk's termination domain (`twilio.termination.domain`, dial-out only), set as its own step after
// every dial-in step: termination domains are unique across Twilio, and one that is taken (error 21248)
// must stop only dial-out, not the trunk, its origination URL or the numbers. Removed again when
// termination leaves the config; uninstall deletes the whole trunk.

import type { PlanContext, Resource, ResourcePlan } from '../../resources/resource.js';
import { sidRef } from '../../model/twilio-operation.js';
import { findOwnTrunk } from './own-trunk.js';
import { changedAttributes, hasTwilio, managedName, twilioChange } from './twilio-change.js';

const RESOURCE = 'twilio-termination-domain';

export const twilioTerminationDomain: Resource = {
  id: RESOURCE,
  side: 'twilio',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    if (!hasTwilio(ctx) || ctx.mode === 'uninstall') return { changes: [], warnings: [] };
    const name = managedName(ctx);
    const trunk = await findOwnTrunk(ctx);
    const current = trunk?.domainName ?? null;
    const domainName = ctx.config.twilio.termination?.domain ?? null;
    if (current === domainName) return { changes: [], warnings: [] };
    return {
      changes: [
        twilioChange({
          resource: RESOURCE,
          kind: 'update',
          twilioKind: 'trunk',
          name,
          sid: trunk?.sid ?? null,
          title:
            domainName === null
              ? 'remove the termination domain: dial-out (twilio.termination) is no longer configured'
              : 'set the termination domain for dial-out (twilio.termination.domain)',
          attributes: changedAttributes({ 'domain name': current }, { 'domain name': domainName }),
          operation: { op: 'set-trunk-domain', trunk: sidRef(trunk?.sid, 'trunk'), domainName },
          failsOnly: 'dial-out',
        }),
      ],
      warnings: [],
    };
  },
};
