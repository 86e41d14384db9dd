// Step 6: into the meeting's audio. Where that is (BBB's FreeSWITCH conference today) is the audio destination's
// decision; this step only records it.

import type { CallContext } from '../call-context.js';
import type { CallerIdentity } from '../caller-identity.js';
import { enterStep } from '../call-record.js';

export async function joinMeeting(ctx: CallContext, voiceBridge: string, identity: CallerIdentity, lockoutKey: string): Promise<void> {
  enterStep(ctx.record, 'joining', ctx.now());
  ctx.record.voiceBridge = voiceBridge;
  await ctx.destination.join(ctx.channel, voiceBridge, identity);
  ctx.lockouts.recordJoin(lockoutKey);
  ctx.record.joinedAt = ctx.now();
  enterStep(ctx.record, 'joined', ctx.now());
}
