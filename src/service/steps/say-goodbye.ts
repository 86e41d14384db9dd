// The last step of a call the service ends itself: a prompt that says why, then the hang-up.

import type { CallContext } from '../call-context.js';

export async function sayGoodbye(ctx: CallContext, prompt: string, cause = 'NORMAL_CLEARING'): Promise<void> {
  await ctx.channel.execute('playback', prompt);
  await hangUp(ctx, cause);
}

/** `hangup` never completes (the channel is gone before it could say so): the call ending is its success. */
export async function hangUp(ctx: CallContext, cause: string): Promise<void> {
  await ctx.channel.execute('hangup', cause).catch((err: unknown) => {
    if (!ctx.channel.gone) throw err;
  });
}
