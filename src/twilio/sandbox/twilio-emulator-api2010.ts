// API 2010 endpoints of the emulator: IncomingPhoneNumbers (the account's bought numbers) and the SIP
// IP access control lists and credential lists with their entries. Paths end in `.json`.

import {
  accountUri,
  credentialJson,
  credentialListJson,
  incomingNumberJson,
  ipAccessControlListJson,
  ipAddressJson,
} from './twilio-emulator-json.js';
import { v2010ListPage } from './twilio-emulator-paging.js';
import {
  ApiFailure,
  type ApiRequest,
  type Route,
  clearableParam,
  created,
  found,
  intParam,
  invalidParam,
  noContent,
  notFound,
  ok,
  requiredParam,
  route,
  sidParam,
} from './twilio-emulator-routing.js';
import type { IncomingNumberRecord, TwilioState } from './twilio-emulator-state.js';

const SID = '([^/]+)';

export function api2010Routes(state: TwilioState): Route[] {
  const base = `^/2010-04-01/Accounts/${SID}`;
  const at = (suffix: string): RegExp => new RegExp(`${base}${suffix}$`);
  /** The account in the path must be the authenticated one. */
  const account = (req: ApiRequest, accountSid: string | undefined): string => {
    if (accountSid !== state.accountSid) throw notFound(req.path);
    return accountUri(state);
  };

  return [
    // ---- IncomingPhoneNumbers
    route('GET', at('/IncomingPhoneNumbers\\.json'), (req, [ac]) => {
      const uri = `${account(req, ac)}/IncomingPhoneNumbers.json`;
      const numbers = [...state.incomingNumbers.values()].filter((n) => matchesNumberFilters(n, req.query));
      return ok(v2010ListPage('incoming_phone_numbers', uri, numbers, req.query, (n) => incomingNumberJson(state, n)));
    }),
    route('GET', at(`/IncomingPhoneNumbers/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      return ok(incomingNumberJson(state, found(state.incomingNumbers.get(sid ?? ''), req)));
    }),
    route('POST', at(`/IncomingPhoneNumbers/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      const number = found(state.incomingNumbers.get(sid ?? ''), req);
      updateIncomingNumber(state, number, req);
      return ok(incomingNumberJson(state, number));
    }),
    route('DELETE', at(`/IncomingPhoneNumbers/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      if (!state.incomingNumbers.delete(sid ?? '')) throw notFound(req.path);
      return noContent();
    }),

    // ---- SIP IpAccessControlLists and their IpAddresses
    route('GET', at('/SIP/IpAccessControlLists\\.json'), (req, [ac]) =>
      ok(
        v2010ListPage(
          'ip_access_control_lists',
          `${account(req, ac)}/SIP/IpAccessControlLists.json`,
          [...state.ipAccessControlLists.values()],
          req.query,
          (l) => ipAccessControlListJson(state, l),
        ),
      ),
    ),
    route('POST', at('/SIP/IpAccessControlLists\\.json'), (req, [ac]) => {
      account(req, ac);
      const sid = state.addIpAccessControlList(requiredParam(req, 'FriendlyName'));
      return created(ipAccessControlListJson(state, found(state.ipAccessControlLists.get(sid), req)));
    }),
    route('GET', at(`/SIP/IpAccessControlLists/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      return ok(ipAccessControlListJson(state, found(state.ipAccessControlLists.get(sid ?? ''), req)));
    }),
    route('POST', at(`/SIP/IpAccessControlLists/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      const list = found(state.ipAccessControlLists.get(sid ?? ''), req);
      list.friendlyName = requiredParam(req, 'FriendlyName');
      list.dateUpdated = state.now();
      return ok(ipAccessControlListJson(state, list));
    }),
    route('DELETE', at(`/SIP/IpAccessControlLists/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      if (!state.deleteIpAccessControlList(sid ?? '')) throw notFound(req.path);
      return noContent();
    }),
    route('GET', at(`/SIP/IpAccessControlLists/${SID}/IpAddresses\\.json`), (req, [ac, sid]) => {
      const uri = `${account(req, ac)}/SIP/IpAccessControlLists/${sid}/IpAddresses.json`;
      const list = found(state.ipAccessControlLists.get(sid ?? ''), req);
      return ok(
        v2010ListPage('ip_addresses', uri, [...list.ipAddresses.values()], req.query, (a) => ipAddressJson(state, a)),
      );
    }),
    route('POST', at(`/SIP/IpAccessControlLists/${SID}/IpAddresses\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      const list = found(state.ipAccessControlLists.get(sid ?? ''), req);
      const friendlyName = requiredParam(req, 'FriendlyName');
      const ipAddress = checkIpv4(requiredParam(req, 'IpAddress'));
      const address = {
        ...state.stamp('IP'),
        ipAccessControlListSid: list.sid,
        friendlyName,
        ipAddress,
        cidrPrefixLength: intParam(req, 'CidrPrefixLength', 8, 32) ?? 32,
      };
      list.ipAddresses.set(address.sid, address);
      return created(ipAddressJson(state, address));
    }),
    route('GET', at(`/SIP/IpAccessControlLists/${SID}/IpAddresses/${SID}\\.json`), (req, [ac, sid, ipSid]) => {
      account(req, ac);
      const list = found(state.ipAccessControlLists.get(sid ?? ''), req);
      return ok(ipAddressJson(state, found(list.ipAddresses.get(ipSid ?? ''), req)));
    }),
    route('POST', at(`/SIP/IpAccessControlLists/${SID}/IpAddresses/${SID}\\.json`), (req, [ac, sid, ipSid]) => {
      account(req, ac);
      const address = found(found(state.ipAccessControlLists.get(sid ?? ''), req).ipAddresses.get(ipSid ?? ''), req);
      if (req.body.IpAddress !== undefined) address.ipAddress = checkIpv4(req.body.IpAddress);
      address.friendlyName = req.body.FriendlyName ?? address.friendlyName;
      address.cidrPrefixLength = intParam(req, 'CidrPrefixLength', 8, 32) ?? address.cidrPrefixLength;
      address.dateUpdated = state.now();
      return ok(ipAddressJson(state, address));
    }),
    route('DELETE', at(`/SIP/IpAccessControlLists/${SID}/IpAddresses/${SID}\\.json`), (req, [ac, sid, ipSid]) => {
      account(req, ac);
      if (!found(state.ipAccessControlLists.get(sid ?? ''), req).ipAddresses.delete(ipSid ?? '')) throw notFound(req.path);
      return noContent();
    }),

    // ---- SIP CredentialLists and their Credentials
    route('GET', at('/SIP/CredentialLists\\.json'), (req, [ac]) =>
      ok(
        v2010ListPage(
          'credential_lists',
          `${account(req, ac)}/SIP/CredentialLists.json`,
          [...state.credentialLists.values()],
          req.query,
          (l) => credentialListJson(state, l),
        ),
      ),
    ),
    route('POST', at('/SIP/CredentialLists\\.json'), (req, [ac]) => {
      account(req, ac);
      const sid = state.addCredentialList(requiredParam(req, 'FriendlyName'));
      return created(credentialListJson(state, found(state.credentialLists.get(sid), req)));
    }),
    route('GET', at(`/SIP/CredentialLists/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      return ok(credentialListJson(state, found(state.credentialLists.get(sid ?? ''), req)));
    }),
    route('POST', at(`/SIP/CredentialLists/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      const list = found(state.credentialLists.get(sid ?? ''), req);
      list.friendlyName = requiredParam(req, 'FriendlyName');
      list.dateUpdated = state.now();
      return ok(credentialListJson(state, list));
    }),
    route('DELETE', at(`/SIP/CredentialLists/${SID}\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      if (!state.deleteCredentialList(sid ?? '')) throw notFound(req.path);
      return noContent();
    }),
    route('GET', at(`/SIP/CredentialLists/${SID}/Credentials\\.json`), (req, [ac, sid]) => {
      const uri = `${account(req, ac)}/SIP/CredentialLists/${sid}/Credentials.json`;
      const list = found(state.credentialLists.get(sid ?? ''), req);
      return ok(v2010ListPage('credentials', uri, [...list.credentials.values()], req.query, (c) => credentialJson(state, c)));
    }),
    route('POST', at(`/SIP/CredentialLists/${SID}/Credentials\\.json`), (req, [ac, sid]) => {
      account(req, ac);
      const list = found(state.credentialLists.get(sid ?? ''), req);
      const username = requiredParam(req, 'Username');
      const password = checkPassword(requiredParam(req, 'Password'));
      if ([...list.credentials.values()].some((c) => c.username === username)) {
        throw new ApiFailure(409, 20001, `Username ${username} already exists in this credential list`);
      }
      const credential = { ...state.stamp('CR'), credentialListSid: list.sid, username, password };
      list.credentials.set(credential.sid, credential);
      return created(credentialJson(state, credential));
    }),
    route('GET', at(`/SIP/CredentialLists/${SID}/Credentials/${SID}\\.json`), (req, [ac, sid, crSid]) => {
      account(req, ac);
      const list = found(state.credentialLists.get(sid ?? ''), req);
      return ok(credentialJson(state, found(list.credentials.get(crSid ?? ''), req)));
    }),
    route('POST', at(`/SIP/CredentialLists/${SID}/Credentials/${SID}\\.json`), (req, [ac, sid, crSid]) => {
      account(req, ac);
      const credential = found(found(state.credentialLists.get(sid ?? ''), req).credentials.get(crSid ?? ''), req);
      credential.password = checkPassword(requiredParam(req, 'Password'));
      credential.dateUpdated = state.now();
      return ok(credentialJson(state, credential));
    }),
    route('DELETE', at(`/SIP/CredentialLists/${SID}/Credentials/${SID}\\.json`), (req, [ac, sid, crSid]) => {
      account(req, ac);
      if (!found(state.credentialLists.get(sid ?? ''), req).credentials.delete(crSid ?? '')) throw notFound(req.path);
      return noContent();
    }),
  ];
}

/** `PhoneNumber` matches digits anywhere in the number (`*` is any digit), `FriendlyName` exactly. */
function matchesNumberFilters(n: IncomingNumberRecord, query: URLSearchParams): boolean {
  const wanted = query.get('PhoneNumber');
  if (wanted !== null) {
    const pattern = wanted.replace(/[^\d*]/g, '').replace(/\*/g, '\\d');
    if (!new RegExp(pattern).test(n.phoneNumber.replace(/\D/g, ''))) return false;
  }
  const friendlyName = query.get('FriendlyName');
  return friendlyName === null || n.friendlyName === friendlyName;
}

function updateIncomingNumber(state: TwilioState, n: IncomingNumberRecord, req: ApiRequest): void {
  const trunkSid = sidParam(req, 'TrunkSid', 'TK');
  if (typeof trunkSid === 'string' && !state.trunks.has(trunkSid)) {
    throw invalidParam('TrunkSid', `${trunkSid} is not a trunk of this account`);
  }
  const applicationSid = sidParam(req, 'VoiceApplicationSid', 'AP');
  const voiceUrl = clearableParam(req, 'VoiceUrl');
  const fallbackUrl = clearableParam(req, 'VoiceFallbackUrl');
  // Twilio's rule (IncomingPhoneNumber, TrunkSid): setting a trunk deletes the voice application, and the
  // other way round. The voice URLs stay, unused while the number is on a trunk.
  if (trunkSid !== undefined) n.trunkSid = trunkSid;
  if (typeof trunkSid === 'string') n.voiceApplicationSid = null;
  if (applicationSid !== undefined) n.voiceApplicationSid = applicationSid;
  if (typeof applicationSid === 'string') n.trunkSid = null;
  if (voiceUrl !== undefined) n.voiceUrl = voiceUrl;
  if (fallbackUrl !== undefined) n.voiceFallbackUrl = fallbackUrl;
  n.voiceMethod = req.body.VoiceMethod ?? n.voiceMethod;
  n.voiceFallbackMethod = req.body.VoiceFallbackMethod ?? n.voiceFallbackMethod;
  n.friendlyName = req.body.FriendlyName ?? n.friendlyName;
  n.dateUpdated = state.now();
}

function checkIpv4(value: string): string {
  if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(value) || value.split('.').some((part) => Number(part) > 255)) {
    throw invalidParam('IpAddress', `${value} is not an IPv4 address`);
  }
  return value;
}

/** Twilio's SIP credential rules: at least 12 characters, a digit, upper and lower case. */
function checkPassword(value: string): string {
  if (value.length < 12 || !/\d/.test(value) || !/[a-z]/.test(value) || !/[A-Z]/.test(value)) {
    throw invalidParam('Password', 'must be at least 12 characters with a digit and mixed case');
  }
  return value;
}
