// A plan is data: the list of changes that `plan` renders and `apply` executes. No second code path.

import type { AttachedNumber } from './number-routing.js';
import type { TwilioOperation, TwilioResourceKind } from './twilio-operation.js';

export type ChangeKind = 'create' | 'update' | 'delete';

/** What a change needs from running services before it takes effect. */
export type ServiceNeed =
  | 'reloadxml' // dialplan or gateway files: re-read, drops no call
  | 'profile-start' // a new dedicated sofia profile: starts it, drops no call
  | 'profile-rescan' // changed params of a running profile: drops no call
  | 'profile-restart' // changed sip-ip/port of the dedicated profile: drops its phone calls only
  | 'external-restart' // the external profile: drops every web-audio user on the server
  | 'profile-stop' // the dedicated profile is removed: drops its phone calls only
  | 'gateway-kill' // a gateway was removed from the external profile: drops calls through it only
  | 'bbb-web-restart' // bbb-web re-reads its properties: the API is briefly unavailable
  | 'systemd-reload' // systemd re-reads the call service's unit
  | 'call-service-enable' // a new unit: the call service starts, and starts at boot
  | 'call-service-restart' // its unit or config changed: callers typing a PIN go on in the static flow
  | 'call-service-disable'; // the unit is removed: the call service stops, calls take the static flow

export interface Owner {
  user: string;
  group: string;
  /** Resolved from the tree's /etc/passwd and /etc/group; null when the user or group does not exist there. */
  uid: number | null;
  gid: number | null;
}

interface ChangeBase {
  /** Stable id of the resource that produced the change (`sip-profile`, `firewall`, ...). */
  resource: string;
  kind: ChangeKind;
  /** One line for people: what this is and why. */
  title: string;
  /** Strings that must never be shown: replaced by `********` in every rendering. */
  secrets: string[];
  needs: ServiceNeed[];
}

export interface FileChange extends ChangeBase {
  type: 'file';
  /** Server path, symlinks resolved. */
  path: string;
  /** Current content (null: the file does not exist). */
  before: string | null;
  /** Desired content (null: delete the file). */
  after: string | null;
  /** Desired permission bits, and the current ones (null when absent). */
  mode: number;
  modeBefore: number | null;
  owner: Owner | null;
  ownerBefore: { uid: number; gid: number } | null;
  /** Whether the file must be re-parsed as XML after it is written. */
  xml: boolean;
  /** Whether the file is wholly owned by bbb-twilio (created by it), as opposed to an edit of someone else's file. */
  managedWhole: boolean;
  /** Set when the file was edited by hand since bbb-twilio wrote it: apply refuses without --force. */
  conflict?: string;
  /** Values as they were before bbb-twilio first changed them, kept so uninstall can restore them. */
  originals?: Record<string, string | null>;
  /** Keys of originals that this change restores, to be forgotten once it is made. */
  forgetOriginals?: string[];
}

export interface FirewallRule {
  proto: 'udp' | 'tcp';
  port: number;
  /** Set for a port range (FreeSWITCH's RTP ports): `port` to `portEnd`, both included. */
  portEnd?: number;
  from: string;
  comment: string;
}

export interface FirewallChange extends ChangeBase {
  type: 'firewall';
  rule: FirewallRule;
  /** The command that makes the change, and the one that undoes it. */
  argv: string[];
  undoArgv: string[];
}

/** One attribute of a Twilio resource, before and after, for rendering (`null`: absent or not known). */
export interface TwilioAttribute {
  name: string;
  before: string | null;
  after: string | null;
}

export interface TwilioChange extends ChangeBase {
  type: 'twilio';
  twilioKind: TwilioResourceKind;
  /** What people call it: the friendly name, the phone number, the user name. */
  name: string;
  /** The Twilio SID when the thing exists already. */
  sid: string | null;
  /** Attribute by attribute, as the plan shows them (secrets masked on rendering). */
  attributes: TwilioAttribute[];
  /** The SDK call that apply makes. */
  operation: TwilioOperation;
  /** Said under the change: why making it may surprise someone (a number moved away from its TwiML app). */
  warning?: string;
  /**
   * A salted hash of a secret this change sets (a SIP credential's password), remembered in the state so the
   * next plan sees whether the configured secret changed without Twilio ever returning it.
   */
  remember?: { key: string; hash: string | null };
  /**
   * Set when Twilio refusing this change breaks only that feature: apply reports the failure, goes on with the
   * rest and exits 1 (a taken termination domain must not stop dial-in).
   */
  failsOnly?: 'dial-out';
  /** A number attached to bbb-twilio's trunk (with its previous routing) or released from it, for the state. */
  rememberNumber?: { sid: string; attached: AttachedNumber | null };
}

export type Change = FileChange | FirewallChange | TwilioChange;

export type Impact = 'none' | 'hands-back-pin-callers' | 'drops-phone-calls' | 'drops-web-audio' | 'restarts-bbb-web';

export interface ServiceAction {
  need: ServiceNeed;
  /** What will be run, for people and for recording hosts: for FreeSWITCH, the fs_cli command to run by hand. */
  argv: string[];
  /**
   * Set for FreeSWITCH commands: the API command sent over the event socket (`sofia profile bbb-twilio start`),
   * to the FreeSWITCH that the tree's event_socket.conf.xml names. Unset for system commands (systemctl).
   */
  eslCommand?: string;
  description: string;
  impact: Impact;
  /** Actions that drop calls only run when the admin allows it. */
  requiresConsent: boolean;
}

export type WarningLevel = 'risk' | 'conflict' | 'note';

export interface PlanWarning {
  level: WarningLevel;
  message: string;
  hint?: string;
}

export interface Plan {
  changes: Change[];
  actions: ServiceAction[];
  warnings: PlanWarning[];
  /** True when a conflict (a hand-edited managed file) blocks apply unless --force. */
  blocked: boolean;
}

export function countChanges(changes: readonly Change[]): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { create: 0, update: 0, delete: 0 };
  for (const c of changes) counts[c.kind] += 1;
  return counts;
}
