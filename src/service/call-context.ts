// What every call step gets: the call, the service's shared parts (the meeting directory, the lockout book, where
// audio lives) and the call's own record. The steps are small functions over this; call-session.ts sequences them.

import type { CallChannel } from './call-channel.js';
import type { AudioDestination } from './audio-destination.js';
import type { CallRecord } from './call-record.js';
import type { ServiceClock } from './service-clock.js';
import type { ServiceSettings } from './service-settings.js';

/** A meeting as the call service needs it (from getMeetings). */
export interface MeetingInfo {
  meetingId: string;
  voiceBridge: string;
  hasUserJoined: boolean;
  running: boolean;
  isBreakout: boolean;
}

export type MeetingLookup =
  | { kind: 'found'; meeting: MeetingInfo }
  | { kind: 'not-found' }
  | { kind: 'unavailable'; reason: string };

/** The meeting directory as the steps use it (meeting-directory.ts implements it over getMeetings). */
export interface Meetings {
  lookup(pin: string): Promise<MeetingLookup>;
  /** From what is known now, without asking BBB. */
  peek(digits: string): MeetingInfo | undefined;
  /** The digits are the start of another meeting's PIN (a breakout room's is its parent's plus one digit). */
  extendsAnother(digits: string): boolean;
  /** The meeting as it changes, while the caller waits; undefined once it is gone. */
  watch(voiceBridge: string, signal: AbortSignal): AsyncIterable<MeetingInfo | undefined>;
}

/** Brute-force protection as the steps use it (lockout-book.ts). Keys come from lockoutKey(). */
export interface Lockouts {
  /** Until when (ms) the key is locked out, or undefined. */
  isLockedOut(key: string): number | undefined;
  /** An invalid PIN: `lockedUntil` when this one locked the number out; how long to hold before "not valid". */
  recordFailure(key: string): { lockedUntil?: number; delayMs: number };
  /** A caller joined: its earlier failures no longer count. */
  recordJoin(key: string): void;
}

export interface CallContext {
  channel: CallChannel;
  settings: ServiceSettings;
  meetings: Meetings;
  lockouts: Lockouts;
  destination: AudioDestination;
  record: CallRecord;
  /** Aborted when the service stops: steps that wait end at once, and the session hands the call back. */
  stopping: AbortSignal;
  /** Rejects with CallEndedError or StoppingError: race it against anything that waits for the caller. */
  interrupted: Promise<never>;
  /** The wall clock in the service, a virtual one in simulate-call. */
  clock: ServiceClock;
  /** clock.now(), for brevity. */
  now(): number;
  /** A caller muted or unmuted from the keypad (metrics). */
  onKeypad(action: 'mute' | 'unmute'): void;
}

export class StoppingError extends Error {
  constructor() {
    super('the service is stopping');
    this.name = 'StoppingError';
  }
}

export class CallEndedError extends Error {
  constructor(readonly why: string) {
    super(`the call ended: ${why}`);
    this.name = 'CallEndedError';
  }
}

/** The promise behind `interrupted`, made once per call. */
export function interruption(channelEnded: Promise<string>, stopping: AbortSignal): Promise<never> {
  const p = new Promise<never>((_, reject) => {
    const onStop = (): void => reject(new StoppingError());
    if (stopping.aborted) return onStop();
    stopping.addEventListener('abort', onStop, { once: true });
    void channelEnded.then((why) => {
      stopping.removeEventListener('abort', onStop);
      reject(new CallEndedError(why));
    });
  });
  p.catch(() => undefined); // observed by whoever races it; never an unhandled rejection
  return p;
}

/** Wait, ending early with the call or the service. */
export async function pause(ctx: Pick<CallContext, 'interrupted' | 'clock'>, ms: number): Promise<void> {
  let cancel = (): void => undefined;
  try {
    await Promise.race([new Promise<void>((resolve) => (cancel = ctx.clock.after(ms, resolve))), ctx.interrupted]);
  } finally {
    cancel();
  }
}
