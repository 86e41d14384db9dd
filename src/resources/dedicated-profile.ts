import * as path from 'node:path';
import { MANAGED, PROFILE_NAME } from '../host/bbb-paths.js';
import type { ServiceNeed } from '../model/change.js';
import { planFile } from './file-change.js';
import { renderSipProfile } from './render-sip-profile.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';

/** Params that a running profile only picks up on restart (`rescan` re-reads the rest). */
const RESTART_PARAMS = ['sip-port', 'sip-ip', 'rtp-ip', 'ext-sip-ip', 'ext-rtp-ip'];

export const dedicatedProfile: Resource = {
  id: 'sip-profile',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const { config } = ctx;
    const file = path.posix.join(ctx.facts.confDir, MANAGED.dedicatedProfile);
    const active = ctx.mode === 'install' && config.sip.profile === 'dedicated';
    const termination = config.twilio.termination;
    const after = active
      ? renderSipProfile({
          port: config.sip.port,
          publicIp: config.server.publicIp,
          signalingCidrs: config.twilio.signalingCidrs,
          termination,
        })
      : null;
    const result = await planFile(ctx, {
      resource: this.id,
      path: file,
      title: active
        ? `SIP profile "${PROFILE_NAME}" on port ${config.sip.port}: only Twilio's signalling ranges may call it` +
          (termination ? `, with a dial-out gateway to ${termination.domain}` : '')
        : `remove the SIP profile "${PROFILE_NAME}"`,
      after,
      // The gateway password makes the file secret: readable by FreeSWITCH's group only.
      mode: termination && active ? 0o640 : 0o644,
      owner: { user: 'freeswitch', group: 'daemon' },
      xml: true,
      managedWhole: true,
      secrets: termination ? [termination.password] : [],
      secretParams: ['password'],
      needs: [],
    });
    for (const change of result.changes) {
      if (change.type !== 'file') continue;
      change.needs = await profileNeeds(change.before, change.after, file);
    }
    return result;
  },
};

/** The `<gateways>` block as text (the file is generated whole by bbb-twilio, so text equality is enough). */
function gatewaysOf(xml: string): string {
  return /<gateways>[\s\S]*?<\/gateways>/.exec(xml)?.[0] ?? '';
}

async function profileNeeds(before: string | null, after: string | null, file: string): Promise<ServiceNeed[]> {
  if (after === null) return ['profile-stop'];
  if (before === null) return ['profile-start'];
  if (before === after) return [];
  // The XML parser is heavy to load: only an actual update of the profile needs it.
  const { findParams } = await import('../edit/xml-params.js');
  try {
    const changed = RESTART_PARAMS.some(
      (p) => findParams(before, file, p).map((o) => o.value).join() !== findParams(after, file, p).map((o) => o.value).join(),
    );
    if (changed) return ['profile-restart'];
    // A rescan re-reads params but skips a gateway the profile already has: unload it first.
    return gatewaysOf(before) === gatewaysOf(after) ? ['profile-rescan'] : ['gateway-kill', 'profile-rescan'];
  } catch {
    return ['profile-restart']; // the old file does not parse: start over
  }
}
