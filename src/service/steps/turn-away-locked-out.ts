// Step 2: a number locked out for guessing PINs hears "please try later" and is hung up before any PIN prompt.

import type { CallContext } from '../call-context.js';
import { hangUp } from './say-goodbye.js';

/** True when the caller was turned away. */
export async function turnAwayLockedOut(ctx: CallContext, key: string): Promise<boolean> {
  const until = ctx.lockouts.isLockedOut(key);
  if (until === undefined || until <= ctx.now()) return false;
  await ctx.channel.execute('playback', ctx.settings.prompts.tryLater);
  await hangUp(ctx, 'CALL_REJECTED');
  return true;
}
