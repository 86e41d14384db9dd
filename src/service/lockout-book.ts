// PLACEHOLDER until the lockout branch lands (replaced by the merge).
export function lockoutKey(callerNumber: string): string {
  return /^\+?(?!266696687$)\d{4,15}$/.test(callerNumber.trim()) ? callerNumber.trim().replace(/^\+/, '') : 'withheld';
}
import type { Host } from '../host/host.js';
export class LockoutBook {
  static async open(_host: Host, _limits: { failures: number; minutes: number; globalPerMinute: number }, _warn: (p: string) => void): Promise<LockoutBook> { return new LockoutBook(); }
  lockedUntil(_k: string): number | undefined { return undefined; }
  recordFailure(_k: string): { lockedOut: boolean; delayMs: number } { return { lockedOut: false, delayMs: 0 }; }
  recordJoin(_k: string): void {}
  updateLimits(_l: unknown): void {}
  async close(): Promise<void> {}
}
