// The trunk's origination URL: where Twilio sends the calls to the configured numbers.
// `sip:<server.publicIp>:<port>` with the SIP port of the profile in use (the dedicated profile's, default
// 5080, or the external profile's from vars.xml), `;edge=<twilio.edge>` when set; enabled, priority 10,
// weight 10. The one bbb-twilio created (its friendly name is `twilio.trunkName`) is updated when the server
// moves; origination URLs created by anyone else are reported and left alone.

import type { PlanWarning, TwilioChange } from '../../model/change.js';
import { sipPort } from '../../resources/firewall.js';
import type { PlanContext, Resource, ResourcePlan } from '../../resources/resource.js';
import { sidRef } from '../../model/twilio-operation.js';
import { type OriginationUrlView, trunkOriginationUrls } from './account-reads.js';
import { findOwnTrunk } from './own-trunk.js';
import { allAttributes, changedAttributes, hasTwilio, managedName, twilioChange } from './twilio-change.js';

const RESOURCE = 'twilio-origination-url';
const PRIORITY = 10;
const WEIGHT = 10;

/** The SIP URI Twilio sends this server's calls to. */
export function originationSipUrl(ctx: PlanContext): string {
  const edge = ctx.config.twilio.edge;
  return `sip:${ctx.config.server.publicIp}:${sipPort(ctx)}${edge === undefined ? '' : `;edge=${edge}`}`;
}

function shown(u: Pick<OriginationUrlView, 'sipUrl' | 'priority' | 'weight' | 'enabled'>) {
  return { 'sip url': u.sipUrl, priority: u.priority, weight: u.weight, enabled: u.enabled };
}

export const twilioOriginationUrl: Resource = {
  id: RESOURCE,
  side: 'twilio',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    if (!hasTwilio(ctx)) return { changes: [], warnings: [] };
    const name = managedName(ctx);
    const trunk = await findOwnTrunk(ctx);
    const existing = trunk === undefined ? [] : await trunkOriginationUrls(ctx.twilio, trunk.sid);
    const ours = existing.filter((u) => u.friendlyName === name);
    const warnings: PlanWarning[] = existing
      .filter((u) => u.friendlyName !== name)
      .map((u) => ({
        level: ctx.mode === 'install' ? 'risk' : 'note',
        message: `origination URL ${u.sipUrl} ("${u.friendlyName}") on Twilio trunk "${name}" was not created by bbb-twilio: left alone`,
        hint:
          ctx.mode === 'install'
            ? `Twilio also sends calls there (priority ${u.priority}, weight ${u.weight}); remove it in the Twilio Console if it is stale`
            : 'remove it in the Twilio Console if nothing uses it',
      }));
    const remove = (u: OriginationUrlView, why: string): TwilioChange =>
      twilioChange({
        resource: RESOURCE,
        kind: 'delete',
        twilioKind: 'origination-url',
        name,
        sid: u.sid,
        title: why,
        attributes: allAttributes('delete', shown(u)),
        operation: { op: 'delete-origination-url', trunkSid: trunk?.sid ?? '', sid: u.sid },
      });

    if (ctx.mode === 'uninstall') {
      return { changes: ours.map((u) => remove(u, `stop sending calls to ${u.sipUrl}`)), warnings };
    }

    const wanted = { sipUrl: originationSipUrl(ctx), priority: PRIORITY, weight: WEIGHT, enabled: true };
    const keep = ours.find((u) => u.sipUrl === wanted.sipUrl) ?? ours[0];
    const changes: TwilioChange[] = [];
    if (keep === undefined) {
      changes.push(
        twilioChange({
          resource: RESOURCE,
          kind: 'create',
          twilioKind: 'origination-url',
          name,
          sid: null,
          title: `Twilio sends the calls to this server's SIP port`,
          attributes: allAttributes('create', shown(wanted)),
          operation: { op: 'create-origination-url', trunk: sidRef(trunk?.sid, 'trunk'), friendlyName: name, ...wanted },
        }),
      );
    } else {
      const attributes = changedAttributes(shown(keep), shown(wanted));
      if (attributes.length > 0 && trunk !== undefined) {
        changes.push(
          twilioChange({
            resource: RESOURCE,
            kind: 'update',
            twilioKind: 'origination-url',
            name,
            sid: keep.sid,
            title: keep.sipUrl === wanted.sipUrl ? 'restore the settings bbb-twilio set' : `point Twilio at this server's address and SIP port`,
            attributes,
            operation: { op: 'update-origination-url', trunkSid: trunk.sid, sid: keep.sid, ...wanted },
          }),
        );
      }
    }
    for (const extra of ours.filter((u) => u !== keep)) changes.push(remove(extra, `remove a second bbb-twilio origination URL (${extra.sipUrl})`));
    return { changes, warnings };
  },
};
