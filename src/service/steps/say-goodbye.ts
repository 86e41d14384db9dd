// The last step of a call the service ends itself: a prompt that says why, then the hang-up.

import type { CallContext } from '../call-context.js';

export async function sayGoodbye(ctx: CallContext, prompt: string, cause = 'NORMAL_CLEARING'): Promise<void> {
  await ctx.channel.execute('playback', prompt);
  await ctx.channel.execute('hangup', cause);
}
