// Trunking v1 endpoints of the emulator: Trunks and, under a trunk, OriginationUrls, PhoneNumbers,
// IpAccessControlLists and CredentialLists.

import {
  TRUNKING_BASE,
  originationUrlJson,
  trunkJson,
  trunkListJson,
  trunkPhoneNumberJson,
  trunkUrl,
} from './twilio-emulator-json.js';
import { v1ListPage } from './twilio-emulator-paging.js';
import { TERMINATION_DOMAIN_TAKEN } from '../twilio-error.js';
import {
  ApiFailure,
  type ApiRequest,
  type Route,
  boolParam,
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
} from './twilio-emulator-routing.js';
import type { CredentialListRecord, IpAccessControlListRecord, TrunkRecord, TwilioState } from './twilio-emulator-state.js';

const SID = '([^/]+)';

export function trunkingRoutes(state: TwilioState): Route[] {
  const trunkOf = (req: ApiRequest, sid: string | undefined): TrunkRecord => found(state.trunks.get(sid ?? ''), req);

  return [
    // ---- Trunks
    route('GET', /^\/v1\/Trunks$/, (req) =>
      ok(v1ListPage('trunks', `${TRUNKING_BASE}/v1/Trunks`, [...state.trunks.values()], req.query, (t) => trunkJson(state, t))),
    ),
    route('POST', /^\/v1\/Trunks$/, (req) => {
      const trunk = found(state.trunks.get(state.addTrunk()), req);
      try {
        updateTrunk(state, trunk, req);
      } catch (err) {
        state.trunks.delete(trunk.sid);
        throw err;
      }
      return created(trunkJson(state, trunk));
    }),
    route('GET', new RegExp(`^/v1/Trunks/${SID}$`), (req, [sid]) => ok(trunkJson(state, trunkOf(req, sid)))),
    route('POST', new RegExp(`^/v1/Trunks/${SID}$`), (req, [sid]) => {
      const trunk = trunkOf(req, sid);
      updateTrunk(state, trunk, req);
      trunk.dateUpdated = state.now();
      return ok(trunkJson(state, trunk));
    }),
    route('DELETE', new RegExp(`^/v1/Trunks/${SID}$`), (req, [sid]) => {
      if (!state.deleteTrunk(sid ?? '')) throw notFound(req.path);
      return noContent();
    }),

    // ---- OriginationUrls
    route('GET', new RegExp(`^/v1/Trunks/${SID}/OriginationUrls$`), (req, [sid]) => {
      const trunk = trunkOf(req, sid);
      return ok(
        v1ListPage('origination_urls', `${trunkUrl(trunk.sid)}/OriginationUrls`, state.originationUrlsOf(trunk.sid), req.query, (u) =>
          originationUrlJson(state, u),
        ),
      );
    }),
    route('POST', new RegExp(`^/v1/Trunks/${SID}/OriginationUrls$`), (req, [sid]) => {
      const trunk = trunkOf(req, sid);
      for (const name of ['Weight', 'Priority', 'Enabled']) requiredParam(req, name);
      const friendlyName = requiredParam(req, 'FriendlyName');
      const sipUrl = checkSipUrl(requiredParam(req, 'SipUrl'));
      const ouSid = state.addOriginationUrl(trunk.sid, {
        sipUrl,
        friendlyName,
        weight: intParam(req, 'Weight', 0, 65535),
        priority: intParam(req, 'Priority', 0, 65535),
        enabled: boolParam(req, 'Enabled'),
      });
      const url = found(state.originationUrls.get(ouSid), req);
      return created(originationUrlJson(state, url));
    }),
    route('GET', new RegExp(`^/v1/Trunks/${SID}/OriginationUrls/${SID}$`), (req, [sid, ouSid]) => {
      const url = state.originationUrls.get(ouSid ?? '');
      if (url === undefined || url.trunkSid !== trunkOf(req, sid).sid) throw notFound(req.path);
      return ok(originationUrlJson(state, url));
    }),
    route('POST', new RegExp(`^/v1/Trunks/${SID}/OriginationUrls/${SID}$`), (req, [sid, ouSid]) => {
      const url = state.originationUrls.get(ouSid ?? '');
      if (url === undefined || url.trunkSid !== trunkOf(req, sid).sid) throw notFound(req.path);
      url.weight = intParam(req, 'Weight', 0, 65535) ?? url.weight;
      url.priority = intParam(req, 'Priority', 0, 65535) ?? url.priority;
      url.enabled = boolParam(req, 'Enabled') ?? url.enabled;
      url.friendlyName = req.body.FriendlyName ?? url.friendlyName;
      if (req.body.SipUrl !== undefined) url.sipUrl = checkSipUrl(req.body.SipUrl);
      url.dateUpdated = state.now();
      return ok(originationUrlJson(state, url));
    }),
    route('DELETE', new RegExp(`^/v1/Trunks/${SID}/OriginationUrls/${SID}$`), (req, [sid, ouSid]) => {
      const url = state.originationUrls.get(ouSid ?? '');
      if (url === undefined || url.trunkSid !== trunkOf(req, sid).sid) throw notFound(req.path);
      state.originationUrls.delete(url.sid);
      return noContent();
    }),

    // ---- PhoneNumbers: attaching sets the IncomingPhoneNumber's trunk_sid, detaching clears it
    route('GET', new RegExp(`^/v1/Trunks/${SID}/PhoneNumbers$`), (req, [sid]) => {
      const trunk = trunkOf(req, sid);
      return ok(
        v1ListPage('phone_numbers', `${trunkUrl(trunk.sid)}/PhoneNumbers`, state.numbersOf(trunk.sid), req.query, (n) =>
          trunkPhoneNumberJson(state, trunk.sid, n),
        ),
      );
    }),
    route('POST', new RegExp(`^/v1/Trunks/${SID}/PhoneNumbers$`), (req, [sid]) => {
      const trunk = trunkOf(req, sid);
      const number = found(state.incomingNumbers.get(requiredParam(req, 'PhoneNumberSid')), req);
      number.trunkSid = trunk.sid;
      number.voiceApplicationSid = null; // as when TrunkSid is set on the number itself
      number.dateUpdated = state.now();
      return created(trunkPhoneNumberJson(state, trunk.sid, number));
    }),
    route('GET', new RegExp(`^/v1/Trunks/${SID}/PhoneNumbers/${SID}$`), (req, [sid, pnSid]) => {
      const trunk = trunkOf(req, sid);
      const number = state.incomingNumbers.get(pnSid ?? '');
      if (number === undefined || number.trunkSid !== trunk.sid) throw notFound(req.path);
      return ok(trunkPhoneNumberJson(state, trunk.sid, number));
    }),
    route('DELETE', new RegExp(`^/v1/Trunks/${SID}/PhoneNumbers/${SID}$`), (req, [sid, pnSid]) => {
      const trunk = trunkOf(req, sid);
      const number = state.incomingNumbers.get(pnSid ?? '');
      if (number === undefined || number.trunkSid !== trunk.sid) throw notFound(req.path);
      number.trunkSid = null;
      number.dateUpdated = state.now();
      return noContent();
    }),

    // ---- IpAccessControlLists and CredentialLists associated with a trunk
    ...associationRoutes(state, trunkOf, 'IpAccessControlLists', 'ip_access_control_lists', 'IpAccessControlListSid', {
      lists: state.ipAccessControlLists,
      associations: (t) => t.ipAccessControlLists,
    }),
    ...associationRoutes(state, trunkOf, 'CredentialLists', 'credential_lists', 'CredentialListSid', {
      lists: state.credentialLists,
      associations: (t) => t.credentialLists,
    }),
  ];
}

function associationRoutes(
  state: TwilioState,
  trunkOf: (req: ApiRequest, sid: string | undefined) => TrunkRecord,
  kind: 'IpAccessControlLists' | 'CredentialLists',
  key: string,
  sidParamName: string,
  store: {
    lists: Map<string, IpAccessControlListRecord | CredentialListRecord>;
    associations: (t: TrunkRecord) => Map<string, Date>;
  },
): Route[] {
  const associated = (trunk: TrunkRecord) =>
    [...store.associations(trunk).entries()].flatMap(([sid, at]) => {
      const list = store.lists.get(sid);
      return list === undefined ? [] : [{ sid, list, at }];
    });
  return [
    route('GET', new RegExp(`^/v1/Trunks/${SID}/${kind}$`), (req, [sid]) => {
      const trunk = trunkOf(req, sid);
      return ok(
        v1ListPage(key, `${trunkUrl(trunk.sid)}/${kind}`, associated(trunk), req.query, (a) =>
          trunkListJson(state, trunk.sid, kind, a.list, a.at),
        ),
      );
    }),
    route('POST', new RegExp(`^/v1/Trunks/${SID}/${kind}$`), (req, [sid]) => {
      const trunk = trunkOf(req, sid);
      const list = found(store.lists.get(requiredParam(req, sidParamName)), req);
      const at = store.associations(trunk).get(list.sid) ?? state.now();
      store.associations(trunk).set(list.sid, at);
      return created(trunkListJson(state, trunk.sid, kind, list, at));
    }),
    route('GET', new RegExp(`^/v1/Trunks/${SID}/${kind}/${SID}$`), (req, [sid, listSid]) => {
      const trunk = trunkOf(req, sid);
      const at = store.associations(trunk).get(listSid ?? '');
      const list = store.lists.get(listSid ?? '');
      if (at === undefined || list === undefined) throw notFound(req.path);
      return ok(trunkListJson(state, trunk.sid, kind, list, at));
    }),
    route('DELETE', new RegExp(`^/v1/Trunks/${SID}/${kind}/${SID}$`), (req, [sid, listSid]) => {
      if (!store.associations(trunkOf(req, sid)).delete(listSid ?? '')) throw notFound(req.path);
      return noContent();
    }),
  ];
}

function updateTrunk(state: TwilioState, trunk: TrunkRecord, req: ApiRequest): void {
  const friendlyName = clearableParam(req, 'FriendlyName');
  if (friendlyName !== undefined) trunk.friendlyName = friendlyName;
  const domainName = clearableParam(req, 'DomainName');
  if (typeof domainName === 'string' && !/^[A-Za-z0-9-]+\.pstn\.twilio\.com$/.test(domainName)) {
    throw invalidParam('DomainName', `${domainName} must be <name>.pstn.twilio.com`);
  }
  // Termination domains are unique across Twilio; the emulator knows this account's trunks and `takenDomains`.
  const taken = [...state.trunks.values()].some((t) => t !== trunk && t.domainName === domainName) || state.takenDomains.has(domainName ?? '');
  if (typeof domainName === 'string' && taken) {
    throw new ApiFailure(400, TERMINATION_DOMAIN_TAKEN, `Domain name ${domainName} is already in use`);
  }
  if (domainName !== undefined) trunk.domainName = domainName;
  const recoveryUrl = clearableParam(req, 'DisasterRecoveryUrl');
  if (recoveryUrl !== undefined) trunk.disasterRecoveryUrl = recoveryUrl;
  trunk.disasterRecoveryMethod = req.body.DisasterRecoveryMethod ?? trunk.disasterRecoveryMethod;
  trunk.transferMode = req.body.TransferMode ?? trunk.transferMode;
  trunk.transferCallerId = req.body.TransferCallerId ?? trunk.transferCallerId;
  trunk.secure = boolParam(req, 'Secure') ?? trunk.secure;
  trunk.cnamLookupEnabled = boolParam(req, 'CnamLookupEnabled') ?? trunk.cnamLookupEnabled;
}

/** Origination URLs must be `sip:` URIs (not `sips:`), optionally with `;edge=<name>`. */
function checkSipUrl(value: string): string {
  if (!/^sip:[^\s;]+(;[A-Za-z]+=[A-Za-z0-9-]+)*$/.test(value)) {
    throw invalidParam('SipUrl', `${value} is not a sip: URI (like sip:203.0.113.10:5080)`);
  }
  return value;
}
