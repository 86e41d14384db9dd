// Which trunk is this server's. Everything is found by `twilio.trunkName`, so a second server with the same
// name in the same account would find the first one's trunk and re-point it at itself, detaching the first
// server's numbers. A trunk found by name is taken as this server's when the state remembers its SID (this
// server created or adopted it), or when none of bbb-twilio's origination URLs on it points at another
// address; otherwise the plan stops, with the way out.

import { ConflictError } from '../../errors.js';
import { hostOfSipUrl } from '../../freeswitch/sofia-status.js';
import { type TrunkView, findTrunk, trunkOriginationUrls } from './account-reads.js';
import { type TwilioPlanContext, managedName } from './twilio-change.js';

export function findOwnTrunk(ctx: TwilioPlanContext): Promise<TrunkView | undefined> {
  const name = managedName(ctx);
  return ctx.twilio.memo(`own-trunk:${name}`, async () => {
    const trunk = await findTrunk(ctx.twilio, name);
    if (trunk === undefined || ctx.state.twilio.trunkSid === trunk.sid) return trunk;
    const ip = ctx.config.server.publicIp;
    const elsewhere = (await trunkOriginationUrls(ctx.twilio, trunk.sid)).filter((u) => u.friendlyName === name && hostOfSipUrl(u.sipUrl) !== ip);
    if (elsewhere.length === 0) return trunk;
    throw new ConflictError(
      `Twilio trunk "${name}" (${trunk.sid}) sends its calls to ${elsewhere.map((u) => u.sipUrl).join(', ')}, not to this server (${ip}): ` +
        'another server set it up with the same twilio.trunkName; nothing was changed',
      `give this server a trunk of its own: set twilio.trunkName to a name no other server uses (e.g. "bbb-twilio-${ip.replace(/\./g, '-')}") in ${ctx.config.file}; ` +
        "if that address was this server's before it moved, remove the old origination URL in the Twilio Console and run plan again",
    );
  });
}
