// Apply's side of a Twilio change: one operation, one SDK call. Things created earlier in the same apply are
// found through `created` (a new trunk's SID for its origination URL). Every call is idempotent in effect:
// what a failed run left behind is adopted by name at the next plan, so the next apply finishes the job.

import { type TwilioAccess, twilioCall } from './twilio-access.js';
import { TwilioError } from './twilio-error.js';
import { type CreatedThing, type SidRef, type TwilioOperation, createdBy } from '../model/twilio-operation.js';

export type CreatedSids = Map<CreatedThing, string>;

function resolve(ref: SidRef, created: CreatedSids): string {
  if ('sid' in ref) return ref.sid;
  const sid = created.get(ref.created);
  if (sid === undefined) {
    throw new TwilioError(`the ${ref.created} this apply was to create is missing`, {
      failure: 'unknown',
      hint: 'run apply again: it adopts whatever was created',
    });
  }
  return sid;
}

/** The SID of bbb-twilio's trunk that an operation worked on (resolved after it ran), if any. */
export function trunkSidOf(operation: TwilioOperation, created: CreatedSids): string | undefined {
  if ('trunkSid' in operation) return operation.trunkSid;
  if ('trunk' in operation) return 'sid' in operation.trunk ? operation.trunk.sid : created.get('trunk');
  return operation.op === 'create-trunk' ? created.get('trunk') : undefined;
}

/** Make the SDK call; returns the SID of the thing created or changed (null for associations). */
export async function executeTwilioOperation(access: TwilioAccess, operation: TwilioOperation, created: CreatedSids): Promise<string | null> {
  const sid = await call(access, operation, created);
  const thing = createdBy(operation);
  if (thing !== undefined && sid !== null) created.set(thing, sid);
  return sid;
}

async function call(access: TwilioAccess, o: TwilioOperation, created: CreatedSids): Promise<string | null> {
  const run = <T>(doing: string, fn: Parameters<typeof twilioCall<T>>[2]): Promise<T> => twilioCall(access, doing, fn);
  switch (o.op) {
    case 'create-trunk':
      return (await run('create the Elastic SIP trunk', (c) => c.trunking.v1.trunks.create({ friendlyName: o.friendlyName }))).sid;
    case 'update-trunk':
      return (await run('turn Secure Trunking off on the trunk', (c) => c.trunking.v1.trunks(o.trunkSid).update({ secure: o.secure }))).sid;
    case 'set-trunk-domain': {
      const trunkSid = resolve(o.trunk, created);
      // "" clears a value on Twilio.
      const domainName = o.domainName ?? '';
      return (await run('set the termination domain of the trunk', (c) => c.trunking.v1.trunks(trunkSid).update({ domainName }))).sid;
    }
    case 'delete-trunk':
      await run('delete the trunk', (c) => c.trunking.v1.trunks(o.trunkSid).remove());
      return o.trunkSid;
    case 'create-origination-url': {
      const trunkSid = resolve(o.trunk, created);
      const { friendlyName, sipUrl, priority, weight, enabled } = o;
      return (
        await run('create the origination URL', (c) =>
          c.trunking.v1.trunks(trunkSid).originationUrls.create({ friendlyName, sipUrl, priority, weight, enabled }),
        )
      ).sid;
    }
    case 'update-origination-url': {
      const { sipUrl, priority, weight, enabled } = o;
      return (
        await run('update the origination URL', (c) =>
          c.trunking.v1.trunks(o.trunkSid).originationUrls(o.sid).update({ sipUrl, priority, weight, enabled }),
        )
      ).sid;
    }
    case 'delete-origination-url':
      await run('delete the origination URL', (c) => c.trunking.v1.trunks(o.trunkSid).originationUrls(o.sid).remove());
      return o.sid;
    case 'attach-number': {
      // Setting the number's trunk moves it in one call, from no trunk or another one; Twilio then ignores
      // its voice URL and TwiML app (kept, so detaching it later gives its old routing back).
      const trunkSid = resolve(o.trunk, created);
      return (await run('attach the phone number to the trunk', (c) => c.incomingPhoneNumbers(o.numberSid).update({ trunkSid }))).sid;
    }
    case 'restore-number': {
      const r = o.routing;
      // Twilio's rule: setting a trunk deletes the TwiML app and the other way round, so only the one the
      // number had is sent (no trunk and no app: TrunkSid "" takes it off ours). The voice URLs are set as they were.
      const where = r.trunkSid !== null ? { trunkSid: r.trunkSid } : r.voiceApplicationSid !== null ? { voiceApplicationSid: r.voiceApplicationSid } : { trunkSid: '' };
      const update = {
        ...where,
        voiceUrl: r.voiceUrl ?? '',
        voiceFallbackUrl: r.voiceFallbackUrl ?? '',
        ...(r.voiceMethod === null ? {} : { voiceMethod: r.voiceMethod }),
        ...(r.voiceFallbackMethod === null ? {} : { voiceFallbackMethod: r.voiceFallbackMethod }),
      };
      return (await run('put the phone number back where its calls went before', (c) => c.incomingPhoneNumbers(o.numberSid).update(update))).sid;
    }
    case 'detach-number':
      await run('detach the phone number from the trunk', (c) => c.trunking.v1.trunks(o.trunkSid).phoneNumbers(o.numberSid).remove());
      return o.numberSid;
    case 'create-credential-list':
      return (await run('create the SIP credential list', (c) => c.sip.credentialLists.create({ friendlyName: o.friendlyName }))).sid;
    case 'delete-credential-list':
      await run('delete the SIP credential list', (c) => c.sip.credentialLists(o.sid).remove());
      return o.sid;
    case 'create-credential': {
      const listSid = resolve(o.list, created);
      const { username, password } = o;
      return (await run('create the SIP credential', (c) => c.sip.credentialLists(listSid).credentials.create({ username, password }))).sid;
    }
    case 'update-credential':
      return (await run('change the SIP credential password', (c) => c.sip.credentialLists(o.listSid).credentials(o.sid).update({ password: o.password }))).sid;
    case 'delete-credential':
      await run('delete the SIP credential', (c) => c.sip.credentialLists(o.listSid).credentials(o.sid).remove());
      return o.sid;
    case 'create-ip-access-control-list':
      return (await run('create the IP access control list', (c) => c.sip.ipAccessControlLists.create({ friendlyName: o.friendlyName }))).sid;
    case 'delete-ip-access-control-list':
      await run('delete the IP access control list', (c) => c.sip.ipAccessControlLists(o.sid).remove());
      return o.sid;
    case 'create-ip-address': {
      const listSid = resolve(o.list, created);
      const { friendlyName, ipAddress, cidrPrefixLength } = o;
      return (
        await run('add the address to the IP access control list', (c) =>
          c.sip.ipAccessControlLists(listSid).ipAddresses.create({ friendlyName, ipAddress, cidrPrefixLength }),
        )
      ).sid;
    }
    case 'update-ip-address': {
      const { ipAddress, cidrPrefixLength } = o;
      return (
        await run('change the address in the IP access control list', (c) =>
          c.sip.ipAccessControlLists(o.listSid).ipAddresses(o.sid).update({ ipAddress, cidrPrefixLength }),
        )
      ).sid;
    }
    case 'delete-ip-address':
      await run('remove the address from the IP access control list', (c) => c.sip.ipAccessControlLists(o.listSid).ipAddresses(o.sid).remove());
      return o.sid;
    case 'associate-credential-list': {
      const trunkSid = resolve(o.trunk, created);
      const credentialListSid = resolve(o.list, created);
      await run('associate the credential list with the trunk', (c) => c.trunking.v1.trunks(trunkSid).credentialsLists.create({ credentialListSid }));
      return null;
    }
    case 'dissociate-credential-list':
      await run('dissociate the credential list from the trunk', (c) => c.trunking.v1.trunks(o.trunkSid).credentialsLists(o.listSid).remove());
      return null;
    case 'associate-ip-access-control-list': {
      const trunkSid = resolve(o.trunk, created);
      const ipAccessControlListSid = resolve(o.list, created);
      await run('associate the IP access control list with the trunk', (c) =>
        c.trunking.v1.trunks(trunkSid).ipAccessControlLists.create({ ipAccessControlListSid }),
      );
      return null;
    }
    case 'dissociate-ip-access-control-list':
      await run('dissociate the IP access control list from the trunk', (c) => c.trunking.v1.trunks(o.trunkSid).ipAccessControlLists(o.listSid).remove());
      return null;
  }
}
