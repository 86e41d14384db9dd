// Time as the call steps see it. The service runs on the wall clock; simulate-call runs the same steps on a
// virtual clock, so a 5-second pause or a 20-minute wait costs it nothing.

export interface ServiceClock {
  now(): number;
  /** Call fn after ms; returns the cancel function. */
  after(ms: number, fn: () => void): () => void;
}

export const WALL_CLOCK: ServiceClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
