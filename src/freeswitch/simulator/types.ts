// What a simulation produces: a numbered timeline, one outcome, the channel's variables at the end and the
// list of things the simulator could not reproduce (never skipped silently). This is also the --json shape.

import type { CallOutcome } from '../../service/call-record.js';
import type { MeetingSpec } from './simulated-meetings.js';

/** Where in the configuration something happened. */
export interface Where {
  file: string | null;
  line: number | null;
  context: string | null;
  extension: string | null;
}

export interface NotEmulated extends Where {
  /** What was not emulated: "application lua", "api system", "regex", "time condition", ... */
  what: string;
  detail: string;
}

export interface ConditionTrace {
  /** The field as written (a caller-profile field name or a ${...} expansion); null for a field-less condition. */
  field: string | null;
  /** The value tested, after expansion. */
  value: string | null;
  expression: string;
  matched: boolean;
  break: string;
}

/** 'service': a step of the call service that `socket` handed the call to, or an application it ran. */
export type TimelineKind = 'arrive' | 'acl' | 'match' | 'app' | 'inline' | 'transfer' | 'no-route' | 'end' | 'service';

export interface TimelineEntry {
  step: number;
  kind: TimelineKind;
  context: string | null;
  extension: string | null;
  /** Application name; null for entries that are not an application (arrival, extension matched). */
  app: string | null;
  /** Application data as it ran (after $n substitution and ${} expansion). */
  data: string | null;
  file: string | null;
  line: number | null;
  /** One line saying what happened. */
  result: string;
  /** Further lines (each play_and_get_digits attempt, for instance). */
  details?: string[];
  /** Channel variables and caller-profile fields this step set (null = unset). */
  variables?: Record<string, string | null>;
  /** For extension matches: the conditions evaluated. */
  conditions?: ConditionTrace[];
  /** For 'service' entries: simulated seconds since the call service took the call. */
  seconds?: number;
}

export type OutcomeKind = 'conference' | 'bridge' | 'rejected' | 'hangup' | 'no-match' | 'not-answered';

export interface Outcome {
  kind: OutcomeKind;
  /** Conference or bridge target ("12345@cdquality"), else null. */
  target: string | null;
  /** Hangup cause or SIP response, else null. */
  cause: string | null;
  /** The caller-ID name the far end sees at the end (the caller profile's). */
  callerIdName: string | null;
  /** Present when `socket` handed the call to the call service: its outcome (as bbb_twilio_calls_total counts it). */
  service?: CallOutcome | 'stopped';
}

export interface SimulationResult {
  simulated: true;
  timeline: TimelineEntry[];
  outcome: Outcome;
  variables: Record<string, string>;
  notEmulated: NotEmulated[];
}

/** The simulated INVITE: who calls what, from where, on which sofia profile. */
export interface CallSpec {
  to: string;
  from: string;
  callerName: string;
  fromIp: string;
  /** Scripted DTMF: digits 0-9 * # A-D; ',' or ' ' separates what the caller types at separate prompts. */
  dtmf: string;
  /** Conferences that already have a web-audio member. */
  active: string[];
  /** The call service's fake BBB (--meeting): when given, `socket` hands the call to the service in-process. */
  meetings?: MeetingSpec[];
  /** Sofia profile the call arrives on. */
  profile: string;
  /** Extra channel variables (tests and special cases: privacy flags, SIP headers). */
  variables?: Record<string, string>;
  /** Clock for strftime; defaults to now. */
  now?: Date;
}

export interface SimulationReport {
  result: SimulationResult;
  /** The outcome as one human line: `joined conference 12345@cdquality as "xxx-xxx-0142"`. */
  summary: string;
  call: CallSpec;
  /** The context the profile routes to. */
  context: string;
}
