// How the Twilio API emulator writes its resources: snake_case JSON as Twilio returns it (Trunking v1
// with ISO 8601 dates and absolute `url`s, API 2010 with RFC 2822 dates and relative `uri`s), and
// Twilio's error body. List pages are in twilio-emulator-paging.ts.
// Absent values are `null`, as the OpenAPI schemas allow. (The live API sometimes sends "" for an empty
// voice_url or application SID; code reading these fields should treat "" and null alike.)

import type {
  CredentialListRecord,
  CredentialRecord,
  IncomingNumberRecord,
  IpAccessControlListRecord,
  IpAddressRecord,
  OriginationUrlRecord,
  TrunkRecord,
  TwilioState,
} from './twilio-emulator-state.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const TRUNKING_BASE = 'https://trunking.twilio.com';
export const API_BASE = 'https://api.twilio.com';

export function isoDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `Thu, 30 Jul 2015 20:00:00 +0000`, the date format of API 2010. */
export function rfc2822Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export function twilioErrorBody(status: number, code: number, message: string): JsonObject {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

const CAPABILITIES: JsonObject = { voice: true, sms: true, mms: true, fax: false };

// ---- Trunking v1 ---------------------------------------------------------------------------------

export function trunkUrl(sid: string): string {
  return `${TRUNKING_BASE}/v1/Trunks/${sid}`;
}

export function trunkJson(state: TwilioState, t: TrunkRecord): JsonObject {
  const authTypes = [
    ...(t.credentialLists.size > 0 ? ['CREDENTIAL_LIST'] : []),
    ...(t.ipAccessControlLists.size > 0 ? ['IP_ACL'] : []),
  ];
  const url = trunkUrl(t.sid);
  return {
    account_sid: state.accountSid,
    domain_name: t.domainName,
    disaster_recovery_method: t.disasterRecoveryMethod,
    disaster_recovery_url: t.disasterRecoveryUrl,
    friendly_name: t.friendlyName,
    secure: t.secure,
    recording: { mode: 'do-not-record', trim: 'do-not-trim' },
    transfer_mode: t.transferMode,
    transfer_caller_id: t.transferCallerId,
    cnam_lookup_enabled: t.cnamLookupEnabled,
    symmetric_rtp_enabled: false,
    auth_type: authTypes.join(','),
    auth_type_set: authTypes,
    date_created: isoDate(t.dateCreated),
    date_updated: isoDate(t.dateUpdated),
    sid: t.sid,
    url,
    links: {
      origination_urls: `${url}/OriginationUrls`,
      credential_lists: `${url}/CredentialLists`,
      ip_access_control_lists: `${url}/IpAccessControlLists`,
      phone_numbers: `${url}/PhoneNumbers`,
      recording: `${url}/Recording`,
    },
  };
}

export function originationUrlJson(state: TwilioState, u: OriginationUrlRecord): JsonObject {
  return {
    account_sid: state.accountSid,
    sid: u.sid,
    trunk_sid: u.trunkSid,
    weight: u.weight,
    enabled: u.enabled,
    sip_url: u.sipUrl,
    friendly_name: u.friendlyName,
    priority: u.priority,
    date_created: isoDate(u.dateCreated),
    date_updated: isoDate(u.dateUpdated),
    url: `${trunkUrl(u.trunkSid)}/OriginationUrls/${u.sid}`,
  };
}

/** A number as listed under a trunk (Trunking v1's PhoneNumber resource). */
export function trunkPhoneNumberJson(state: TwilioState, trunkSid: string, n: IncomingNumberRecord): JsonObject {
  return {
    account_sid: state.accountSid,
    address_requirements: 'none',
    api_version: '2010-04-01',
    beta: false,
    capabilities: CAPABILITIES,
    date_created: isoDate(n.dateCreated),
    date_updated: isoDate(n.dateUpdated),
    friendly_name: n.friendlyName,
    links: { phone_number: `${API_BASE}${incomingNumberUri(state, n.sid)}` },
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: null,
    sms_fallback_method: 'POST',
    sms_fallback_url: null,
    sms_method: 'POST',
    sms_url: null,
    status_callback: null,
    status_callback_method: 'POST',
    trunk_sid: trunkSid,
    url: `${trunkUrl(trunkSid)}/PhoneNumbers/${n.sid}`,
    voice_application_sid: n.voiceApplicationSid,
    voice_caller_id_lookup: false,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_method: n.voiceMethod,
    voice_url: n.voiceUrl,
  };
}

/** An IP access control list or credential list as associated with a trunk. */
export function trunkListJson(
  state: TwilioState,
  trunkSid: string,
  kind: 'IpAccessControlLists' | 'CredentialLists',
  list: IpAccessControlListRecord | CredentialListRecord,
  associatedAt: Date,
): JsonObject {
  return {
    account_sid: state.accountSid,
    sid: list.sid,
    trunk_sid: trunkSid,
    friendly_name: list.friendlyName,
    date_created: isoDate(associatedAt),
    date_updated: isoDate(associatedAt),
    url: `${trunkUrl(trunkSid)}/${kind}/${list.sid}`,
  };
}

// ---- API 2010 ------------------------------------------------------------------------------------

export function accountUri(state: TwilioState): string {
  return `/2010-04-01/Accounts/${state.accountSid}`;
}

export function incomingNumberUri(state: TwilioState, sid: string): string {
  return `${accountUri(state)}/IncomingPhoneNumbers/${sid}.json`;
}

export function incomingNumberJson(state: TwilioState, n: IncomingNumberRecord): JsonObject {
  return {
    account_sid: state.accountSid,
    address_sid: null,
    address_requirements: 'none',
    api_version: '2010-04-01',
    beta: false,
    capabilities: CAPABILITIES,
    date_created: rfc2822Date(n.dateCreated),
    date_updated: rfc2822Date(n.dateUpdated),
    friendly_name: n.friendlyName,
    identity_sid: null,
    phone_number: n.phoneNumber,
    origin: 'twilio',
    sid: n.sid,
    sms_application_sid: null,
    sms_fallback_method: 'POST',
    sms_fallback_url: null,
    sms_method: 'POST',
    sms_url: null,
    status_callback: null,
    status_callback_method: 'POST',
    trunk_sid: n.trunkSid,
    uri: incomingNumberUri(state, n.sid),
    voice_receive_mode: 'voice',
    voice_application_sid: n.voiceApplicationSid,
    voice_caller_id_lookup: false,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_method: n.voiceMethod,
    voice_url: n.voiceUrl,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    bundle_sid: null,
    status: 'in-use',
    type: 'local',
  };
}

export function ipAccessControlListJson(state: TwilioState, l: IpAccessControlListRecord): JsonObject {
  const uri = `${accountUri(state)}/SIP/IpAccessControlLists/${l.sid}`;
  return {
    sid: l.sid,
    account_sid: state.accountSid,
    friendly_name: l.friendlyName,
    date_created: rfc2822Date(l.dateCreated),
    date_updated: rfc2822Date(l.dateUpdated),
    subresource_uris: { ip_addresses: `${uri}/IpAddresses.json` },
    uri: `${uri}.json`,
  };
}

export function ipAddressJson(state: TwilioState, a: IpAddressRecord): JsonObject {
  return {
    sid: a.sid,
    account_sid: state.accountSid,
    friendly_name: a.friendlyName,
    ip_address: a.ipAddress,
    cidr_prefix_length: a.cidrPrefixLength,
    ip_access_control_list_sid: a.ipAccessControlListSid,
    date_created: rfc2822Date(a.dateCreated),
    date_updated: rfc2822Date(a.dateUpdated),
    uri: `${accountUri(state)}/SIP/IpAccessControlLists/${a.ipAccessControlListSid}/IpAddresses/${a.sid}.json`,
  };
}

export function credentialListJson(state: TwilioState, l: CredentialListRecord): JsonObject {
  const uri = `${accountUri(state)}/SIP/CredentialLists/${l.sid}`;
  return {
    account_sid: state.accountSid,
    date_created: rfc2822Date(l.dateCreated),
    date_updated: rfc2822Date(l.dateUpdated),
    friendly_name: l.friendlyName,
    sid: l.sid,
    subresource_uris: { credentials: `${uri}/Credentials.json` },
    uri: `${uri}.json`,
  };
}

export function credentialJson(state: TwilioState, c: CredentialRecord): JsonObject {
  return {
    sid: c.sid,
    account_sid: state.accountSid,
    credential_list_sid: c.credentialListSid,
    username: c.username,
    date_created: rfc2822Date(c.dateCreated),
    date_updated: rfc2822Date(c.dateUpdated),
    uri: `${accountUri(state)}/SIP/CredentialLists/${c.credentialListSid}/Credentials/${c.sid}.json`,
  };
}
