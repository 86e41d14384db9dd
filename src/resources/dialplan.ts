import * as path from 'node:path';
import { formatHostPort } from '../config/schema.js';
import { MANAGED } from '../host/bbb-paths.js';
import { planFile } from './file-change.js';
import { renderDialplan } from './render-dialplan.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';

function dialplanResource(profile: 'dedicated' | 'external'): Resource {
  return {
    id: `dialplan-${profile}`,
    async plan(ctx: PlanContext): Promise<ResourcePlan> {
      const { config } = ctx;
      const rel = profile === 'dedicated' ? MANAGED.dedicatedDialplan : MANAGED.externalDialplan;
      const active = ctx.mode === 'install' && config.sip.profile === profile;
      const after = active
        ? renderDialplan({
            numbers: config.numbers.map((n) => n.e164),
            signalingCidrs: config.twilio.signalingCidrs,
            pinLength: ctx.pinLength,
            tries: config.dialin.tries,
            maskCallerId: config.dialin.maskCallerId,
            allowAnonymous: config.dialin.allowAnonymous,
            maxCallMinutes: config.dialin.maxCallMinutes,
            profile,
            callService: config.callService.enabled ? formatHostPort(config.callService.listen) : null,
          })
        : null;
      const where = profile === 'dedicated' ? 'context "bbb-twilio"' : 'the public context';
      return planFile(ctx, {
        resource: this.id,
        path: path.posix.join(ctx.facts.confDir, rel),
        title: active
          ? `dial-in dialplan in ${where}: ${config.numbers.length} number(s), ${ctx.pinLength}-digit PIN, ` +
            `${config.dialin.tries} tries`
          : `remove the dial-in dialplan from ${where}`,
        after,
        mode: 0o644,
        owner: { user: 'freeswitch', group: 'daemon' },
        xml: true,
        managedWhole: true,
        needs: ['reloadxml'],
      });
    },
  };
}

export const dedicatedDialplan = dialplanResource('dedicated');
export const externalDialplan = dialplanResource('external');
