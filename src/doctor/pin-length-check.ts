// meeting-pin-length: the PIN a caller types is the meeting's voiceBridge, so the dialplan's PIN length must be the
// length of the voiceBridges meetings really get. Greenlight and Scalelite make their own (9 digits by default),
// whatever bbb-web's defaultNumDigitsForTelVoice says, and a breakout room's is its parent's plus one digit.

import { plural } from '../apply/wait-for-idle.js';
import type { BbbMeeting } from '../bbb/bbb-api-client.js';
import { meetings } from './bbb-checks.js';
import type { DoctorCheck } from './check.js';
import type { DoctorContext } from './doctor-context.js';

export const meetingPinLength: DoctorCheck<DoctorContext> = {
  id: 'meeting-pin-length',
  title: 'running meetings have PINs of the length dial-in asks for',
  async run(ctx, c) {
    if (!ctx.config || !ctx.facts) return c.skip('needs a valid config and the FreeSWITCH configuration (see above)');
    const pinLength = ctx.config.dialin.pinLength ?? ctx.facts.pinLength.value;
    const answer = await meetings(ctx);
    if (!answer.ok) return c.skip('needs BigBlueButton\'s API (see bbb-api-reachable)');
    if (answer.meetings.length === 0) return c.ok(`no meeting is running to compare with the ${pinLength}-digit PIN dial-in asks for`);

    const { others, breakouts } = mismatches(answer.meetings, pinLength);
    if (others.length > 0) {
      const lengths = [...new Set(others.map((m) => m.voiceBridge.length))].sort((a, b) => a - b);
      const example = others[0];
      const shown = example ? ` (e.g. "${example.meetingName}": ${example.voiceBridge})` : '';
      return c.warn(
        `${plural(others.length, 'running meeting')} ${others.length === 1 ? 'has' : 'have'} a ${lengths.join(' or ')}-digit voiceBridge${shown}, ` +
          `but dial-in asks for ${pinLength} digits: those callers cannot enter their PIN`,
        lengths.length === 1
          ? `set dialin.pinLength: ${lengths[0]} in ${ctx.configFile} (Greenlight and Scalelite create 9-digit voiceBridges), then bbb-twilio apply`
          : `make every front end (Greenlight, Scalelite, LMS plugins) create voiceBridges of one length, and set dialin.pinLength to it`,
      );
    }
    if (breakouts.length > 0) {
      return c.warn(
        `${plural(breakouts.length, 'breakout room')} ${breakouts.length === 1 ? 'has' : 'have'} a ${pinLength + 1}-digit voiceBridge ` +
          `(the parent's PIN plus one digit): dial-in asks for ${pinLength} digits, so phone callers cannot join breakout rooms`,
        'phone callers stay in the main room; a moderator can bring them back there when the breakout rooms end',
      );
    }
    return c.ok(`${plural(answer.meetings.length, 'running meeting')}: every voiceBridge has the ${pinLength} digits dial-in asks for`);
  },
};

/** Meetings whose voiceBridge is not `pinLength` digits: breakout rooms (parent's voiceBridge plus one digit) apart. */
export function mismatches(list: readonly BbbMeeting[], pinLength: number): { others: BbbMeeting[]; breakouts: BbbMeeting[] } {
  const bridges = new Set(list.map((m) => m.voiceBridge));
  const wrong = list.filter((m) => m.voiceBridge.length !== pinLength);
  const isBreakout = (m: BbbMeeting): boolean => m.voiceBridge.length === pinLength + 1 && bridges.has(m.voiceBridge.slice(0, -1));
  return { others: wrong.filter((m) => !isBreakout(m)), breakouts: wrong.filter(isBreakout) };
}
