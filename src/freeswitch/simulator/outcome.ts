// How a simulated call ended, as data (the --json outcome) and as the one line a person reads.
// Order of precedence: refused by sofia (never answered), joined a conference or bridged, no extension
// matched, then a hangup: "not-answered" when the call was never answered, "rejected" for a refusing cause
// (CALL_REJECTED, USER_BUSY, ...) or a SIP error response, else "hangup".

import { REJECTING_CAUSES } from './app-catalog.js';
import type { Channel } from './channel.js';
import type { PagdResult } from './play-and-get-digits.js';
import type { Outcome } from './types.js';

export interface OutcomeInput {
  channel: Channel;
  /** Set when sofia refused the INVITE before the dialplan. */
  refusal: { response: string; by: string } | null;
  /** Set when a hunt found nothing to run. */
  noRoute: { destination: string; context: string; ran?: string[] } | null;
  pinEntries: PagdResult[];
}

export function decideOutcome(input: OutcomeInput): { outcome: Outcome; summary: string } {
  const { channel, refusal, noRoute, pinEntries } = input;
  const callerIdName = channel.getProfileField('caller_id_name');
  const base = { target: null, cause: null, callerIdName };
  if (refusal) {
    return { outcome: { ...base, kind: 'not-answered', cause: refusal.response }, summary: `not answered: ${refusal.response} by ${refusal.by}` };
  }
  const end = channel.end;
  if (end?.kind === 'conference') {
    return { outcome: { ...base, kind: 'conference', target: end.detail }, summary: `joined conference ${end.detail} as "${callerIdName ?? ''}"` };
  }
  if (end?.kind === 'bridge') {
    return { outcome: { ...base, kind: 'bridge', target: end.detail }, summary: `bridged to ${end.detail}` };
  }
  if (noRoute) {
    return {
      outcome: { ...base, kind: 'no-match', cause: end?.detail ?? 'NO_ROUTE_DESTINATION' },
      summary: `no extension matched ${noRoute.destination} in context ${noRoute.context}${
        noRoute.ran && noRoute.ran.length > 0 ? ` (only continue="true" extensions ran: ${noRoute.ran.join(', ')})` : ''
      }`,
    };
  }
  const cause = end?.detail ?? 'NORMAL_CLEARING';
  const by = end?.where.extension ?? end?.by ?? 'the dialplan';
  const how = end?.by === 'end of dialplan' ? `${cause}: the dialplan ran out of applications in ${by}` : `${cause} by ${by}`;
  if (!channel.answered) {
    return { outcome: { ...base, kind: 'not-answered', cause }, summary: `not answered: ${how}` };
  }
  if (REJECTING_CAUSES.has(cause) || end?.by === 'respond') {
    return { outcome: { ...base, kind: 'rejected', cause }, summary: `rejected: ${cause} by ${by}` };
  }
  const attempts = pinEntries.reduce((n, r) => n + r.attempts.length, 0);
  const summary = attempts > 0 ? `hung up after ${attempts} invalid PIN${attempts === 1 ? '' : 's'} (${how})` : `hung up: ${how}`;
  return { outcome: { ...base, kind: 'hangup', cause }, summary };
}
