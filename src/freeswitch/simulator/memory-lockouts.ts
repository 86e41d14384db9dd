// simulate-call's lockout book: the call service's brute-force rule (callService.lockout: failures within 10
// minutes lock a number out for a while) kept in memory for the one simulated call, on the simulation's clock.

import type { Lockouts } from '../../service/call-context.js';
import type { ServiceClock } from '../../service/service-clock.js';

const WINDOW_MS = 10 * 60_000;

export class MemoryLockouts implements Lockouts {
  private readonly failures = new Map<string, number[]>();
  private readonly locked = new Map<string, number>();

  constructor(
    private readonly clock: ServiceClock,
    private readonly limits: { failures: number; minutes: number },
  ) {}

  isLockedOut(key: string): number | undefined {
    return this.locked.get(key);
  }

  recordFailure(key: string): { lockedUntil?: number; delayMs: number } {
    const now = this.clock.now();
    const recent = [...(this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS), now];
    this.failures.set(key, recent);
    if (recent.length < this.limits.failures) return { delayMs: 0 };
    const lockedUntil = now + this.limits.minutes * 60_000;
    this.locked.set(key, lockedUntil);
    return { lockedUntil, delayMs: 0 };
  }

  recordJoin(key: string): void {
    this.failures.delete(key);
  }
}
