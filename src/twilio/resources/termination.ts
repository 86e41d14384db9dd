// Dial-out (termination), only when `twilio.termination` is configured: a SIP credential list holding one
// credential (the gateway's user name and password) and an IP access control list holding server.publicIp/32,
// both named `twilio.trunkName` and both associated with the trunk (the trunk's domain is the trunk
// resource's). bbb-twilio's two lists hold exactly what the config says: a stale credential or server
// address would still be allowed to place calls, so it is removed. Without termination (or on uninstall)
// the lists are dissociated and deleted.

import type { TwilioChange } from '../../model/change.js';
import type { PlanContext, Resource, ResourcePlan } from '../../resources/resource.js';
import { hashSecret, secretMatches } from '../sip-password.js';
import { sidRef } from '../../model/twilio-operation.js';
import {
  type NamedView,
  type TrunkView,
  findCredentialList,
  findIpAccessControlList,
  listCredentials,
  listIpAddresses,
  trunkAssociations,
} from './account-reads.js';
import { findOwnTrunk } from './own-trunk.js';
import { terminationRemoval } from './termination-removal.js';
import {
  type TwilioPlanContext,
  allAttributes,
  changedAttributes,
  credentialStateKey,
  hasTwilio,
  managedName,
  twilioChange,
} from './twilio-change.js';

const RESOURCE = 'twilio-termination';

export const twilioTermination: Resource = {
  id: RESOURCE,
  side: 'twilio',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    if (!hasTwilio(ctx)) return { changes: [], warnings: [] };
    const name = managedName(ctx);
    const [trunk, credentialList, ipList] = await Promise.all([
      findOwnTrunk(ctx),
      findCredentialList(ctx.twilio, name),
      findIpAccessControlList(ctx.twilio, name),
    ]);
    const termination = ctx.mode === 'install' ? ctx.config.twilio.termination : undefined;
    if (termination === undefined) return { changes: await terminationRemoval(ctx, name, trunk, credentialList, ipList), warnings: [] };
    // Twilio's password rules were checked when the config was loaded (load-config.ts).
    return {
      changes: [
        ...(await credentialChanges(ctx, name, termination, credentialList)),
        ...(await ipChanges(ctx, name, ipList)),
        ...(await associationChanges(ctx, name, trunk, credentialList, ipList)),
      ],
      warnings: [],
    };
  },
};

async function credentialChanges(
  ctx: TwilioPlanContext,
  name: string,
  termination: { username: string; password: string },
  list: NamedView | undefined,
): Promise<TwilioChange[]> {
  const changes: TwilioChange[] = [];
  const { username, password } = termination;
  const key = credentialStateKey(name, username);
  const base = { resource: RESOURCE, secrets: [password] };
  if (list === undefined) {
    changes.push(
      twilioChange({
        ...base,
        kind: 'create',
        twilioKind: 'credential-list',
        name,
        sid: null,
        title: 'the SIP credentials that may place calls through the trunk (dial-out)',
        attributes: allAttributes('create', { 'friendly name': name }),
        operation: { op: 'create-credential-list', friendlyName: name },
      }),
    );
  }
  const existing = list === undefined ? [] : await listCredentials(ctx.twilio, list.sid);
  const mine = existing.find((c) => c.username === username);
  if (mine === undefined) {
    changes.push(
      twilioChange({
        ...base,
        kind: 'create',
        twilioKind: 'credential',
        name: username,
        sid: null,
        title: `the gateway's user name and password (twilio.termination)`,
        attributes: allAttributes('create', { username, password }),
        operation: { op: 'create-credential', list: sidRef(list?.sid, 'credential-list'), username, password },
        remember: { key, hash: hashSecret(password) },
      }),
    );
  } else if (list !== undefined && !secretMatches(password, ctx.state.secretHashes[key])) {
    const known = ctx.state.secretHashes[key] !== undefined;
    changes.push(
      twilioChange({
        ...base,
        kind: 'update',
        twilioKind: 'credential',
        name: username,
        sid: mine.sid,
        title: known ? 'twilio.termination.password changed' : 'set the password from the config (bbb-twilio has not set it before)',
        attributes: [{ name: 'password', before: known ? '(the previous one)' : '(not known)', after: password }],
        operation: { op: 'update-credential', listSid: list.sid, sid: mine.sid, password },
        remember: { key, hash: hashSecret(password) },
      }),
    );
  }
  for (const stale of existing.filter((c) => c.username !== username)) {
    if (list === undefined) break;
    changes.push(
      twilioChange({
        ...base,
        kind: 'delete',
        twilioKind: 'credential',
        name: stale.username,
        sid: stale.sid,
        title: `not twilio.termination.username: it could still place calls`,
        attributes: allAttributes('delete', { username: stale.username }),
        operation: { op: 'delete-credential', listSid: list.sid, sid: stale.sid },
        remember: { key: credentialStateKey(name, stale.username), hash: null },
      }),
    );
  }
  return changes;
}

async function ipChanges(ctx: TwilioPlanContext, name: string, list: NamedView | undefined): Promise<TwilioChange[]> {
  const changes: TwilioChange[] = [];
  const ipAddress = ctx.config.server.publicIp;
  const wanted = { 'ip address': ipAddress, 'cidr prefix length': 32 };
  if (list === undefined) {
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'create',
        twilioKind: 'ip-access-control-list',
        name,
        sid: null,
        title: 'the addresses that may place calls through the trunk (dial-out)',
        attributes: allAttributes('create', { 'friendly name': name }),
        operation: { op: 'create-ip-access-control-list', friendlyName: name },
      }),
    );
  }
  const existing = list === undefined ? [] : await listIpAddresses(ctx.twilio, list.sid);
  const keep = existing.find((a) => a.ipAddress === ipAddress) ?? existing.find((a) => a.friendlyName === name);
  if (keep === undefined) {
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'create',
        twilioKind: 'ip-address',
        name,
        sid: null,
        title: "this server's public address (server.publicIp)",
        attributes: allAttributes('create', wanted),
        operation: { op: 'create-ip-address', list: sidRef(list?.sid, 'ip-access-control-list'), friendlyName: name, ipAddress, cidrPrefixLength: 32 },
      }),
    );
  } else if (list !== undefined) {
    const attributes = changedAttributes({ 'ip address': keep.ipAddress, 'cidr prefix length': keep.cidrPrefixLength }, wanted);
    if (attributes.length > 0) {
      changes.push(
        twilioChange({
          resource: RESOURCE,
          kind: 'update',
          twilioKind: 'ip-address',
          name: keep.friendlyName,
          sid: keep.sid,
          title: "this server's public address changed (server.publicIp)",
          attributes,
          operation: { op: 'update-ip-address', listSid: list.sid, sid: keep.sid, ipAddress, cidrPrefixLength: 32 },
        }),
      );
    }
  }
  for (const stale of existing.filter((a) => a !== keep)) {
    if (list === undefined) break;
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'delete',
        twilioKind: 'ip-address',
        name: stale.friendlyName,
        sid: stale.sid,
        title: `not this server's address: it could still place calls`,
        attributes: allAttributes('delete', { 'ip address': stale.ipAddress, 'cidr prefix length': stale.cidrPrefixLength }),
        operation: { op: 'delete-ip-address', listSid: list.sid, sid: stale.sid },
      }),
    );
  }
  return changes;
}

async function associationChanges(
  ctx: TwilioPlanContext,
  name: string,
  trunk: TrunkView | undefined,
  credentialList: NamedView | undefined,
  ipList: NamedView | undefined,
): Promise<TwilioChange[]> {
  const associated = trunk === undefined ? { credentialLists: [], ipAccessControlLists: [] } : await trunkAssociations(ctx.twilio, trunk.sid);
  const changes: TwilioChange[] = [];
  if (credentialList === undefined || !associated.credentialLists.includes(credentialList.sid)) {
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'create',
        twilioKind: 'trunk-credential-list',
        name,
        sid: null,
        title: `trunk "${name}" accepts dial-out calls with these credentials`,
        attributes: allAttributes('create', { trunk: name, 'credential list': name }),
        operation: { op: 'associate-credential-list', trunk: sidRef(trunk?.sid, 'trunk'), list: sidRef(credentialList?.sid, 'credential-list') },
      }),
    );
  }
  if (ipList === undefined || !associated.ipAccessControlLists.includes(ipList.sid)) {
    changes.push(
      twilioChange({
        resource: RESOURCE,
        kind: 'create',
        twilioKind: 'trunk-ip-access-control-list',
        name,
        sid: null,
        title: `trunk "${name}" accepts dial-out calls from these addresses`,
        attributes: allAttributes('create', { trunk: name, 'ip access control list': name }),
        operation: {
          op: 'associate-ip-access-control-list',
          trunk: sidRef(trunk?.sid, 'trunk'),
          list: sidRef(ipList?.sid, 'ip-access-control-list'),
        },
      }),
    );
  }
  return changes;
}
