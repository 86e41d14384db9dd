// Step 4: which meeting owns the PIN, from the meeting directory (getMeetings). Only a 5-11 digit PIN is looked
// up: BBB's bbb_conferences extension joins nothing else.

import type { CallContext, MeetingLookup } from '../call-context.js';

export async function findMeeting(ctx: CallContext, pin: string): Promise<MeetingLookup> {
  if (!/^\d{5,11}$/.test(pin)) return { kind: 'not-found' };
  return Promise.race([ctx.meetings.lookup(pin), ctx.interrupted]);
}
