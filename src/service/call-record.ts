// One call's record: where it is (for the live view and for SIGTERM), and what it came to (for the summary log
// line and the metrics). Holds only masked caller numbers.

export type CallStep = 'answer' | 'pin' | 'lookup' | 'waiting' | 'joining' | 'joined' | 'ending';

export type CallOutcome = 'joined' | 'joined_after_wait' | 'invalid_pin' | 'locked_out' | 'hung_up' | 'api_fallback' | 'error' | 'handed_back';

export interface CallRecord {
  id: string;
  /** xxx-xxx-1234, or "withheld". */
  maskedNumber: string;
  step: CallStep;
  /** When the call reached the service (ms). */
  startedAt: number;
  /** When it entered its current step (ms). */
  stepSince: number;
  meetingId: string | undefined;
  voiceBridge: string | undefined;
  outcome: CallOutcome | undefined;
  /** Time the caller spent typing or waiting: not the service's doing, left out of the setup time. */
  callerMs: number;
  invalidPins: number;
  /** Set when the caller was put into the meeting (ms). */
  joinedAt: number | undefined;
  /** In the meeting: the caller's microphone is muted (from the conference's own events). */
  muted: boolean;
}

export function newCallRecord(id: string, maskedNumber: string, now: number): CallRecord {
  return {
    id,
    maskedNumber,
    step: 'answer',
    startedAt: now,
    stepSince: now,
    meetingId: undefined,
    voiceBridge: undefined,
    outcome: undefined,
    callerMs: 0,
    invalidPins: 0,
    joinedAt: undefined,
    muted: false,
  };
}

export function enterStep(record: CallRecord, step: CallStep, now: number): void {
  record.step = step;
  record.stepSince = now;
}
