// Reads of the Twilio account that the Twilio resources of one plan share, each made once (memoised on the
// access). Everything bbb-twilio manages is found by its friendly name, `twilio.trunkName`, so a re-run adopts
// what an earlier run (or an interrupted one) created instead of making a second one.

import type { NumberRouting } from '../../model/number-routing.js';
import type { IncomingPhoneNumberInstance } from 'twilio/lib/rest/api/v2010/account/incomingPhoneNumber.js';
import { ConflictError } from '../../errors.js';
import { type TwilioAccess, twilioCall } from '../twilio-access.js';
import { TwilioError } from '../twilio-error.js';

export interface TrunkView {
  sid: string;
  friendlyName: string;
  domainName: string | null;
  /** Secure Trunking: TLS signalling and SRTP media, which the plain-SIP profile cannot answer. */
  secure: boolean;
}

export interface OriginationUrlView {
  sid: string;
  friendlyName: string;
  sipUrl: string;
  priority: number;
  weight: number;
  enabled: boolean;
}


export interface IncomingNumberView extends NumberRouting {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
}

export interface NamedView {
  sid: string;
  friendlyName: string;
}

export interface CredentialView {
  sid: string;
  username: string;
}

export interface IpAddressView {
  sid: string;
  friendlyName: string;
  ipAddress: string;
  cidrPrefixLength: number;
}

const blank = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value);

/** Exactly one thing may carry bbb-twilio's name: with two, which one is ours cannot be told. */
function single<T extends NamedView>(found: T[], what: string, name: string): T | undefined {
  if (found.length > 1) {
    throw new ConflictError(
      `the Twilio account has ${found.length} ${what}s named "${name}" (${found.map((f) => f.sid).join(', ')}); nothing was changed`,
      `delete or rename the extra ones in the Twilio Console, or set twilio.trunkName to another name`,
    );
  }
  return found[0];
}

export function findTrunk(access: TwilioAccess, name: string): Promise<TrunkView | undefined> {
  return access.memo(`trunk:${name}`, async () => {
    const trunks = await twilioCall(access, 'list the Elastic SIP trunks', (c) => c.trunking.v1.trunks.list());
    const views = trunks
      .map((t) => ({ sid: t.sid, friendlyName: t.friendlyName ?? '', domainName: blank(t.domainName), secure: t.secure === true }))
      .filter((t) => t.friendlyName === name);
    return single(views, 'Elastic SIP trunk', name);
  });
}

export function trunkOriginationUrls(access: TwilioAccess, trunkSid: string): Promise<OriginationUrlView[]> {
  return access.memo(`origination-urls:${trunkSid}`, async () => {
    const urls = await twilioCall(access, 'list the origination URLs of the trunk', (c) =>
      c.trunking.v1.trunks(trunkSid).originationUrls.list(),
    );
    return urls.map((u) => ({
      sid: u.sid,
      friendlyName: u.friendlyName ?? '',
      sipUrl: u.sipUrl,
      priority: u.priority,
      weight: u.weight,
      enabled: u.enabled,
    }));
  });
}

/** The numbers on a trunk, as the trunk lists them (SID and E.164). */
export function trunkNumbers(access: TwilioAccess, trunkSid: string): Promise<{ sid: string; phoneNumber: string }[]> {
  return access.memo(`trunk-numbers:${trunkSid}`, async () => {
    const numbers = await twilioCall(access, 'list the phone numbers of the trunk', (c) => c.trunking.v1.trunks(trunkSid).phoneNumbers.list());
    return numbers.map((n) => ({ sid: n.sid, phoneNumber: n.phoneNumber }));
  });
}

/** A number bought in the account, by E.164; a number not in the account is an error that says so. */
export function findIncomingNumber(access: TwilioAccess, e164: string): Promise<IncomingNumberView> {
  return access.memo(`number:${e164}`, async () => {
    const found = await twilioCall(access, `look up ${e164} in the account`, (c) => c.incomingPhoneNumbers.list({ phoneNumber: e164 }));
    const number = found.find((n) => n.phoneNumber === e164);
    if (number === undefined) {
      throw new TwilioError(`${e164} is not a phone number of Twilio account ${access.accountSid}`, {
        failure: 'number',
        hint: 'buy it (or port it) in the Twilio Console > Phone Numbers, or remove it from numbers in the config',
      });
    }
    return numberView(number);
  });
}

function numberView(n: IncomingPhoneNumberInstance): IncomingNumberView {
  return {
    sid: n.sid,
    phoneNumber: n.phoneNumber,
    friendlyName: n.friendlyName ?? '',
    voiceUrl: blank(n.voiceUrl),
    voiceMethod: blank(n.voiceMethod),
    voiceFallbackUrl: blank(n.voiceFallbackUrl),
    voiceFallbackMethod: blank(n.voiceFallbackMethod),
    voiceApplicationSid: blank(n.voiceApplicationSid),
    trunkSid: blank(n.trunkSid),
  };
}

/** Every number bought in the account (the init wizard offers them). */
export async function listIncomingNumbers(access: TwilioAccess): Promise<IncomingNumberView[]> {
  const numbers = await twilioCall(access, 'list the phone numbers of the account', (c) => c.incomingPhoneNumbers.list());
  return numbers.map(numberView);
}

export function findCredentialList(access: TwilioAccess, name: string): Promise<NamedView | undefined> {
  return access.memo(`credential-list:${name}`, async () => {
    const lists = await twilioCall(access, 'list the SIP credential lists', (c) => c.sip.credentialLists.list());
    return single(
      lists.map((l) => ({ sid: l.sid, friendlyName: l.friendlyName })).filter((l) => l.friendlyName === name),
      'SIP credential list',
      name,
    );
  });
}

export function listCredentials(access: TwilioAccess, listSid: string): Promise<CredentialView[]> {
  return access.memo(`credentials:${listSid}`, async () => {
    const credentials = await twilioCall(access, 'list the credentials of the credential list', (c) => c.sip.credentialLists(listSid).credentials.list());
    return credentials.map((cr) => ({ sid: cr.sid, username: cr.username }));
  });
}

export function findIpAccessControlList(access: TwilioAccess, name: string): Promise<NamedView | undefined> {
  return access.memo(`ip-acl:${name}`, async () => {
    const lists = await twilioCall(access, 'list the SIP IP access control lists', (c) => c.sip.ipAccessControlLists.list());
    return single(
      lists.map((l) => ({ sid: l.sid, friendlyName: l.friendlyName })).filter((l) => l.friendlyName === name),
      'SIP IP access control list',
      name,
    );
  });
}

export function listIpAddresses(access: TwilioAccess, listSid: string): Promise<IpAddressView[]> {
  return access.memo(`ip-addresses:${listSid}`, async () => {
    const addresses = await twilioCall(access, 'list the addresses of the IP access control list', (c) =>
      c.sip.ipAccessControlLists(listSid).ipAddresses.list(),
    );
    return addresses.map((a) => ({ sid: a.sid, friendlyName: a.friendlyName, ipAddress: a.ipAddress, cidrPrefixLength: a.cidrPrefixLength }));
  });
}

/** SIDs of the credential lists and IP access control lists associated with a trunk. */
export function trunkAssociations(access: TwilioAccess, trunkSid: string): Promise<{ credentialLists: string[]; ipAccessControlLists: string[] }> {
  return access.memo(`associations:${trunkSid}`, async () => {
    const [credentialLists, ipAccessControlLists] = await Promise.all([
      twilioCall(access, 'list the credential lists of the trunk', (c) => c.trunking.v1.trunks(trunkSid).credentialsLists.list()),
      twilioCall(access, 'list the IP access control lists of the trunk', (c) => c.trunking.v1.trunks(trunkSid).ipAccessControlLists.list()),
    ]);
    return { credentialLists: credentialLists.map((l) => l.sid), ipAccessControlLists: ipAccessControlLists.map((l) => l.sid) };
  });
}

export type { NumberRouting };
