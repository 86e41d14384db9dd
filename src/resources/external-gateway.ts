import * as path from 'node:path';
import { GATEWAY_NAME, MANAGED } from '../host/bbb-paths.js';
import { planFile } from './file-change.js';
import { renderExternalGateway } from './render-sip-profile.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';

/** External mode only, and only for dial-out: Twilio needs no gateway to deliver inbound calls. */
export const externalGateway: Resource = {
  id: 'gateway',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const termination = ctx.config.twilio.termination;
    const active = ctx.mode === 'install' && ctx.config.sip.profile === 'external' && termination !== undefined;
    const result = await planFile(ctx, {
      resource: this.id,
      path: path.posix.join(ctx.facts.confDir, MANAGED.externalGateway),
      title: active
        ? `dial-out gateway "${GATEWAY_NAME}" to ${termination?.domain} on the external profile (no registration)`
        : `remove the dial-out gateway "${GATEWAY_NAME}"`,
      after: active && termination ? renderExternalGateway(termination) : null,
      mode: 0o640,
      owner: { user: 'freeswitch', group: 'daemon' },
      xml: true,
      managedWhole: true,
      secrets: termination ? [termination.password] : [],
      secretParams: ['password'],
      needs: [],
    });
    for (const change of result.changes) {
      // Every change unloads the loaded gateway (rescan ignores one it already has), and a rescan loads the file's.
      change.needs = change.kind === 'delete' ? ['gateway-kill'] : ['gateway-kill', 'profile-rescan'];
    }
    return result;
  },
};
