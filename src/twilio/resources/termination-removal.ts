// Dial-out taken away (no twilio.termination any more, or uninstall): bbb-twilio's credential list and IP
// access control list are dissociated from its trunk, then deleted with what they hold.

import type { TwilioChange } from '../../model/change.js';
import { type NamedView, type TrunkView, listCredentials, listIpAddresses, trunkAssociations } from './account-reads.js';
import { type TwilioPlanContext, allAttributes, credentialStateKey, twilioChange } from './twilio-change.js';

const RESOURCE = 'twilio-termination';

/** No termination (or uninstall): dissociate bbb-twilio's lists from its trunk, then delete them. */
export async function terminationRemoval(
  ctx: TwilioPlanContext,
  name: string,
  trunk: TrunkView | undefined,
  credentialList: NamedView | undefined,
  ipList: NamedView | undefined,
): Promise<TwilioChange[]> {
  const associated = trunk === undefined ? { credentialLists: [], ipAccessControlLists: [] } : await trunkAssociations(ctx.twilio, trunk.sid);
  const changes: TwilioChange[] = [];
  const why = ctx.mode === 'uninstall' ? 'uninstall' : 'dial-out (twilio.termination) is not configured';
  if (trunk !== undefined && credentialList !== undefined && associated.credentialLists.includes(credentialList.sid)) {
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'delete',
        twilioKind: 'trunk-credential-list',
        name,
        sid: null,
        title: `${why}: trunk "${name}" no longer accepts these credentials`,
        attributes: allAttributes('delete', { trunk: name, 'credential list': name }),
        operation: { op: 'dissociate-credential-list', trunkSid: trunk.sid, listSid: credentialList.sid },
      }),
    );
  }
  if (trunk !== undefined && ipList !== undefined && associated.ipAccessControlLists.includes(ipList.sid)) {
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'delete',
        twilioKind: 'trunk-ip-access-control-list',
        name,
        sid: null,
        title: `${why}: trunk "${name}" no longer accepts calls from these addresses`,
        attributes: allAttributes('delete', { trunk: name, 'ip access control list': name }),
        operation: { op: 'dissociate-ip-access-control-list', trunkSid: trunk.sid, listSid: ipList.sid },
      }),
    );
  }
  if (credentialList !== undefined) {
    const usernames = (await listCredentials(ctx.twilio, credentialList.sid)).map((c) => c.username);
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'delete',
        twilioKind: 'credential-list',
        name,
        sid: credentialList.sid,
        title: `${why}: delete the credential list and its credentials`,
        attributes: allAttributes('delete', { 'friendly name': name, credentials: usernames.join(', ') || null }),
        operation: { op: 'delete-credential-list', sid: credentialList.sid },
        remember: { key: credentialStateKey(name, '*'), hash: null },
      }),
    );
  }
  if (ipList !== undefined) {
    const addresses = (await listIpAddresses(ctx.twilio, ipList.sid)).map((a) => `${a.ipAddress}/${a.cidrPrefixLength}`);
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'delete',
        twilioKind: 'ip-access-control-list',
        name,
        sid: ipList.sid,
        title: `${why}: delete the IP access control list and its addresses`,
        attributes: allAttributes('delete', { 'friendly name': name, 'ip addresses': addresses.join(', ') || null }),
        operation: { op: 'delete-ip-access-control-list', sid: ipList.sid },
      }),
    );
  }
  return changes;
}
