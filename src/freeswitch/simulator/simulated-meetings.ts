// The fake BBB behind simulate-call's `--meeting PIN[:waiting]`: the meeting directory the call service asks,
// answered from the list given. `PIN` is a meeting a web user has joined; `PIN:waiting` one that exists but that
// nobody has joined yet, until a web user joins it JOIN_AFTER_MS of simulated time after the first caller starts
// to hold (so the timeline shows the hold and the join).

import type { MeetingInfo, MeetingLookup, Meetings } from '../../service/call-context.js';
import type { ServiceClock } from '../../service/service-clock.js';

export const JOIN_AFTER_MS = 30_000;

export interface MeetingSpec {
  voiceBridge: string;
  waiting: boolean;
}

/** `12345` or `12345:waiting`; null when it is neither. */
export function parseMeetingSpec(text: string): MeetingSpec | null {
  const m = /^(\d{5,11})(?::(waiting))?$/.exec(text.trim());
  return m ? { voiceBridge: m[1] as string, waiting: m[2] !== undefined } : null;
}

export class SimulatedMeetings implements Meetings {
  private readonly meetings = new Map<string, MeetingInfo>();
  /** When a web user joins each waiting meeting (set when a caller starts to hold). */
  private readonly joinAt = new Map<string, number>();

  constructor(
    specs: readonly MeetingSpec[],
    private readonly clock: ServiceClock,
    private readonly joinAfterMs = JOIN_AFTER_MS,
  ) {
    for (const s of specs) {
      this.meetings.set(s.voiceBridge, {
        meetingId: `simulated-${s.voiceBridge}`,
        voiceBridge: s.voiceBridge,
        hasUserJoined: !s.waiting,
        running: !s.waiting,
        isBreakout: false,
      });
    }
  }

  async lookup(pin: string): Promise<MeetingLookup> {
    const meeting = this.current(pin);
    return meeting ? { kind: 'found', meeting } : { kind: 'not-found' };
  }

  peek(digits: string): MeetingInfo | undefined {
    return this.current(digits);
  }

  extendsAnother(digits: string): boolean {
    return [...this.meetings.keys()].some((k) => k.length > digits.length && k.startsWith(digits));
  }

  async *watch(voiceBridge: string, signal: AbortSignal): AsyncIterable<MeetingInfo | undefined> {
    if (!this.joinAt.has(voiceBridge)) this.joinAt.set(voiceBridge, this.clock.now() + this.joinAfterMs);
    // This BBB changes only when the web user joins: wake then (or when the caller stops waiting), not on a rhythm.
    while (!signal.aborted) {
      const wake = Math.max(0, (this.joinAt.get(voiceBridge) ?? this.clock.now()) - this.clock.now());
      await new Promise<void>((resolve) => {
        const onAbort = (): void => (cancel(), resolve());
        const cancel = this.clock.after(wake, () => (signal.removeEventListener('abort', onAbort), resolve()));
        signal.addEventListener('abort', onAbort, { once: true });
      });
      if (signal.aborted) return;
      yield this.current(voiceBridge);
    }
  }

  callStarted(): void {}
  callEnded(): void {}

  private current(voiceBridge: string): MeetingInfo | undefined {
    const meeting = this.meetings.get(voiceBridge);
    if (!meeting || meeting.hasUserJoined) return meeting;
    const at = this.joinAt.get(voiceBridge);
    if (at === undefined || this.clock.now() < at) return meeting;
    const started = { ...meeting, hasUserJoined: true, running: true };
    this.meetings.set(voiceBridge, started);
    return started;
  }
}
