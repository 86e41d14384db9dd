// A ServiceClock for simulate-call: time moves only when the simulation says so. Timers fire in the order of
// their time (then of their creation), each after everything the previous one set off has settled, so the call
// steps behave as on the wall clock while a 5-second digit pause or a 30-minute hold costs no real time.

import type { ServiceClock } from './service-clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Let every promise chain that does not wait for a timer run to its end (one macrotask drains them all). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class VirtualClock implements ServiceClock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Move time to the next timer and fire it; false when no timer is left. */
  advance(): boolean {
    if (this.timers.length === 0) return false;
    let next = this.timers[0] as Timer;
    for (const t of this.timers) if (t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
    this.timers = this.timers.filter((t) => t !== next);
    this.current = Math.max(this.current, next.at);
    next.fn();
    return true;
  }

  /**
   * Run `work` to its end, firing timers whenever it has nothing else to do. Stops (and says so) when nothing is
   * left to happen, or when the virtual time passes `limitMs`: a safety net, never reached by a call that ends.
   */
  async run<T>(work: Promise<T>, limitMs: number): Promise<{ done: true; value: T } | { done: false; why: string }> {
    let result: { value: T } | undefined;
    let failure: { error: unknown } | undefined;
    work.then(
      (value) => (result = { value }),
      (error: unknown) => (failure = { error }),
    );
    for (;;) {
      await settle();
      if (failure) throw failure.error;
      if (result) return { done: true, value: result.value };
      if (this.current > limitMs) return { done: false, why: `still running after ${Math.round(limitMs / 60_000)} simulated minutes` };
      if (!this.advance()) return { done: false, why: 'waiting for something that never happens (no timer left)' };
    }
  }
}
