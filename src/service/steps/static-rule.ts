// When BBB's API cannot be asked: the static dialplan's rule, a PIN whose conference has a web-audio member is a
// running meeting. Nothing can be known about a meeting nobody is in, so such a PIN counts as not valid, but not
// against the caller's lockout count (the PIN may well be right).

import type { CallContext } from '../call-context.js';

export async function conferenceHasMember(ctx: CallContext, pin: string): Promise<boolean> {
  if (!/^\d{5,11}$/.test(pin)) return false;
  try {
    return await Promise.race([ctx.destination.hasMembers(ctx.channel, pin), ctx.interrupted]);
  } catch (err) {
    if (ctx.channel.gone || ctx.stopping.aborted) throw err;
    return false;
  }
}
