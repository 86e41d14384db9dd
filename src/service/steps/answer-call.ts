// Step 1: answer, and bound the call's length whatever happens later (a forgotten phone costs money).

import type { CallContext } from '../call-context.js';

export async function answerCall(ctx: CallContext): Promise<void> {
  await ctx.channel.execute('answer');
  // Any key ends a prompt (the key is still reported as a DTMF event): callers who know their PIN type at once.
  await ctx.channel.setVariable('playback_terminators', 'any');
  await ctx.channel.execute('sched_hangup', `+${ctx.settings.maxCallMinutes * 60} ALLOTTED_TIMEOUT`);
}
