import type { NumberRouting } from './number-routing.js';

// What apply does in the Twilio account, as data: one SDK call per operation. A plan may create a thing and
// then use it (a new trunk, then its origination URL), so an operation names what it works on either by SID
// or as "the one this apply creates" (`{ created: 'trunk' }`), resolved by the executor at apply time.

/** Twilio things bbb-twilio manages, for rendering and the journal. */
export type TwilioResourceKind =
  | 'trunk'
  | 'origination-url'
  | 'phone-number'
  | 'credential-list'
  | 'credential'
  | 'ip-access-control-list'
  | 'ip-address'
  | 'trunk-credential-list'
  | 'trunk-ip-access-control-list';

/** Things an apply may create and later operations use before their SID is known. */
export type CreatedThing = 'trunk' | 'credential-list' | 'ip-access-control-list';

export type SidRef = { sid: string } | { created: CreatedThing };

export type TwilioOperation =
  | { op: 'create-trunk'; friendlyName: string }
  /** Secure Trunking (TLS + SRTP) off: the profile speaks plain SIP and RTP. */
  | { op: 'update-trunk'; trunkSid: string; secure: false }
  /** Its own step after the dial-in steps: a domain Twilio refuses (21248, taken) then stops only dial-out. */
  | { op: 'set-trunk-domain'; trunk: SidRef; domainName: string | null }
  | { op: 'delete-trunk'; trunkSid: string }
  | {
      op: 'create-origination-url';
      trunk: SidRef;
      friendlyName: string;
      sipUrl: string;
      priority: number;
      weight: number;
      enabled: boolean;
    }
  | { op: 'update-origination-url'; trunkSid: string; sid: string; sipUrl: string; priority: number; weight: number; enabled: boolean }
  | { op: 'delete-origination-url'; trunkSid: string; sid: string }
  | { op: 'attach-number'; trunk: SidRef; numberSid: string }
  | { op: 'detach-number'; trunkSid: string; numberSid: string }
  /** Off bbb-twilio's trunk and back to the routing it had before it was attached (a trunk, a TwiML app, a voice URL). */
  | { op: 'restore-number'; numberSid: string; routing: NumberRouting }
  | { op: 'create-credential-list'; friendlyName: string }
  | { op: 'delete-credential-list'; sid: string }
  /** `password` is a secret: every rendering masks it (the change lists it in `secrets`), the journal omits it. */
  | { op: 'create-credential'; list: SidRef; username: string; password: string }
  | { op: 'update-credential'; listSid: string; sid: string; password: string }
  | { op: 'delete-credential'; listSid: string; sid: string }
  | { op: 'create-ip-access-control-list'; friendlyName: string }
  | { op: 'delete-ip-access-control-list'; sid: string }
  | { op: 'create-ip-address'; list: SidRef; friendlyName: string; ipAddress: string; cidrPrefixLength: number }
  | { op: 'update-ip-address'; listSid: string; sid: string; ipAddress: string; cidrPrefixLength: number }
  | { op: 'delete-ip-address'; listSid: string; sid: string }
  | { op: 'associate-credential-list'; trunk: SidRef; list: SidRef }
  | { op: 'dissociate-credential-list'; trunkSid: string; listSid: string }
  | { op: 'associate-ip-access-control-list'; trunk: SidRef; list: SidRef }
  | { op: 'dissociate-ip-access-control-list'; trunkSid: string; listSid: string };

/** The thing a create operation brings into being, so later operations can refer to it. */
export function createdBy(operation: TwilioOperation): CreatedThing | undefined {
  switch (operation.op) {
    case 'create-trunk':
      return 'trunk';
    case 'create-credential-list':
      return 'credential-list';
    case 'create-ip-access-control-list':
      return 'ip-access-control-list';
    default:
      return undefined;
  }
}

export function sidRef(sid: string | undefined, created: CreatedThing): SidRef {
  return sid === undefined ? { created } : { sid };
}
