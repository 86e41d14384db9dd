// What `GET /calls` and `GET /lockouts` answer (the JSON `bbb-twilio calls` reads). Numbers are masked; nothing
// else about a caller is shown. The shapes are a contract for scripts.

import type { CallRecord, CallStep } from './call-record.js';

export interface LiveCall {
  id: string;
  /** xxx-xxx-1234, or "withheld". */
  number: string;
  /** pin (typing), waiting (for the meeting to start), joined (in the meeting), ending (being told goodbye). */
  step: 'pin' | 'waiting' | 'joined' | 'ending';
  meetingId: string | null;
  voiceBridge: string | null;
  /** When the call reached the service (ISO 8601). */
  since: string;
  /** When it entered its step. */
  stepSince: string;
  muted: boolean;
}

export interface LiveLockout {
  number: string;
  until: string;
  secondsLeft: number;
}

const STEP: Record<CallStep, LiveCall['step']> = {
  answer: 'pin',
  pin: 'pin',
  lookup: 'pin',
  waiting: 'waiting',
  joining: 'joined',
  joined: 'joined',
  ending: 'ending',
};

export function liveCalls(records: readonly CallRecord[]): { calls: LiveCall[] } {
  return {
    calls: [...records]
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((r) => ({
        id: r.id,
        number: r.maskedNumber,
        step: STEP[r.step],
        meetingId: r.meetingId ?? null,
        voiceBridge: r.voiceBridge ?? null,
        since: new Date(r.startedAt).toISOString(),
        stepSince: new Date(r.stepSince).toISOString(),
        muted: r.muted,
      })),
  };
}

export function liveLockouts(list: readonly { key: string; until: number }[], now: number): { lockouts: LiveLockout[] } {
  return {
    lockouts: list.map((l) => ({ number: l.key, until: new Date(l.until).toISOString(), secondsLeft: Math.max(0, Math.ceil((l.until - now) / 1000)) })),
  };
}

/** The book's keys a number an admin typed may be stored under (+ or not; spaces, dashes and brackets dropped). */
export function unlockCandidates(typed: string): string[] {
  const digits = typed.replace(/[\s().-]/g, '');
  if (!/^\+?\d{3,15}$/.test(digits)) return [];
  const bare = digits.replace(/^\+/, '');
  return [`+${bare}`, bare];
}
