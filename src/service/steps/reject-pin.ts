// Step 7: a PIN no meeting owns. It counts against the number (brute force: the lockout book), may be slowed down
// when many callers guess at once, and the caller hears "that PIN is not valid".

import { pause, type CallContext } from '../call-context.js';
import { hangUp } from './say-goodbye.js';

/** True when this failure locked the number out (the caller has been told and hung up). */
export async function rejectPin(ctx: CallContext, lockoutKey: string, opts: { lastTry: boolean }): Promise<boolean> {
  ctx.record.invalidPins += 1;
  const { lockedUntil, delayMs } = ctx.lockouts.recordFailure(lockoutKey);
  if (delayMs > 0) await pause(ctx, delayMs);
  if (lockedUntil !== undefined) {
    await ctx.channel.execute('playback', ctx.settings.prompts.tryLater);
    await hangUp(ctx, 'CALL_REJECTED');
    return true;
  }
  if (!opts.lastTry) await ctx.channel.execute('playback', ctx.settings.prompts.pinNotValid);
  return false;
}
