// One call through the service: the steps in order, nothing else. Each step is its own file under steps/.
//
//   answer -> locked out? -> PIN -> meeting? -- joined web user --------------------------> join
//                              ^        |------ nobody joined yet -> hold until one does -> join
//                              |        |------ no such meeting -> "not valid" (tries, lockout)
//                              |        '------ BBB API down -> static rule (a member in the conference)
//                              '--------------------------------------'
//
// The service stopping (SIGTERM) hands a caller who is typing or waiting back to the dialplan, which goes on with
// the static PIN flow. A joined caller does not depend on the service any more.

import type { CallContext } from './call-context.js';
import { CallEndedError, StoppingError } from './call-context.js';
import { callerIdentity } from './caller-identity.js';
import { enterStep, type CallOutcome } from './call-record.js';
import { answerCall } from './steps/answer-call.js';
import { collectPin } from './steps/collect-pin.js';
import { findMeeting } from './steps/find-meeting.js';
import { joinMeeting } from './steps/join-meeting.js';
import { rejectPin } from './steps/reject-pin.js';
import { sayGoodbye } from './steps/say-goodbye.js';
import { conferenceHasMember } from './steps/static-rule.js';
import { turnAwayLockedOut } from './steps/turn-away-locked-out.js';
import { waitForStart } from './steps/wait-for-start.js';
import { inMeetingKeypad } from './steps/in-meeting-keypad.js';
import { lockoutKey } from './lockout-book.js';

export async function runCall(ctx: CallContext): Promise<CallOutcome> {
  const { record, settings, channel } = ctx;
  const identity = callerIdentity(channel.callerNumber, { maskCallerId: settings.maskCallerId });
  const key = lockoutKey(channel.callerNumber);
  const end = (outcome: CallOutcome): CallOutcome => {
    record.outcome = outcome;
    enterStep(record, record.step === 'joined' ? 'joined' : 'ending', ctx.now());
    return outcome;
  };
  /** Joined: the outcome is known; the service stays for the keypad until the call ends or the service stops. */
  const inMeeting = async (outcome: CallOutcome, voiceBridge: string): Promise<CallOutcome> => {
    record.outcome = outcome;
    await inMeetingKeypad(ctx, voiceBridge);
    return outcome;
  };
  try {
    if (identity.number === undefined && !settings.allowAnonymous) {
      // The dialplan turns withheld numbers away before the hand-over; this is the service's own guard.
      await sayGoodbye(ctx, settings.prompts.goodbye, 'CALL_REJECTED');
      return end('hung_up');
    }
    await answerCall(ctx);
    if (await turnAwayLockedOut(ctx, key)) return end('locked_out');

    for (let attempt = 1; attempt <= settings.tries; attempt++) {
      const lastTry = attempt === settings.tries;
      enterStep(record, 'pin', ctx.now());
      const entry = await collectPin(ctx, attempt === 1 ? settings.prompts.enterPin : settings.prompts.enterPinAgain);
      if (entry.digits === '') {
        // Silence is a lost caller, not a guess: it uses a try but does not count towards a lockout.
        if (!lastTry) await ctx.channel.execute('playback', settings.prompts.pinNotValid);
        continue;
      }
      enterStep(record, 'lookup', ctx.now());
      const found = await findMeeting(ctx, entry.digits);
      if (found.kind === 'found') {
        record.meetingId = found.meeting.meetingId;
        if (found.meeting.hasUserJoined) {
          await joinMeeting(ctx, found.meeting.voiceBridge, identity, key);
          return await inMeeting('joined', found.meeting.voiceBridge);
        }
        enterStep(record, 'waiting', ctx.now());
        const waited = await waitForStart(ctx, found.meeting);
        if (waited.kind === 'started') {
          await joinMeeting(ctx, waited.meeting.voiceBridge, identity, key);
          return await inMeeting('joined_after_wait', waited.meeting.voiceBridge);
        }
        await sayGoodbye(ctx, waited.kind === 'ended' ? settings.prompts.meetingEnded : settings.prompts.waitedTooLong);
        return end('hung_up');
      }
      if (found.kind === 'unavailable') {
        if (await conferenceHasMember(ctx, entry.digits)) {
          await joinMeeting(ctx, entry.digits, identity, key);
          return await inMeeting('api_fallback', entry.digits);
        }
        // The PIN may be right: BBB could not say. Not held against the caller.
        if (!lastTry) await ctx.channel.execute('playback', settings.prompts.pinNotValid);
        continue;
      }
      if (await rejectPin(ctx, key, { lastTry })) return end('locked_out');
    }
    await sayGoodbye(ctx, settings.prompts.goodbye);
    return end('invalid_pin');
  } catch (err) {
    if (record.step === 'joined' && (err instanceof StoppingError || err instanceof CallEndedError || channel.gone)) {
      // In the meeting the call no longer depends on the service: a stop leaves it there (socket_resume is false).
      return record.outcome ?? 'joined';
    }
    if (err instanceof StoppingError) {
      await channel.handBack();
      return end('handed_back');
    }
    if (err instanceof CallEndedError || channel.gone) return end('hung_up');
    // A fault of ours must not cost the caller the call: the static flow takes over.
    await channel.handBack().catch(() => undefined);
    end('error');
    throw err;
  }
}
