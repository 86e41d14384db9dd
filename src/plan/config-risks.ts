// Config values that are valid but put the server at risk or cannot work with Twilio: plan shows them as risks
// (text and --json), doctor fails on the wide signalling ranges. A lab or a test rig may mean them.

import type { Config } from '../config/schema.js';
import { cidrBits, nonPublicIpv4 } from '../net/ipv4.js';
import type { PlanWarning } from '../model/change.js';

/** Twilio's signalling ranges are /30s; anything wider than this admits far more than a carrier. */
const WIDEST_SIGNALING_BITS = 16;

/** Configured signalling ranges wider than a /16. */
export function wideSignalingCidrs(config: Config): string[] {
  return config.twilio.signalingCidrs.filter((cidr) => (cidrBits(cidr) ?? 32) < WIDEST_SIGNALING_BITS);
}

/** The finding about wide signalling ranges (plan's risk, doctor's failure), or undefined when there are none. */
export function wideSignalingFinding(config: Config, port: number): { message: string; hint: string } | undefined {
  const wide = wideSignalingCidrs(config);
  if (wide.length === 0) return undefined;
  const world = wide.some((cidr) => cidrBits(cidr) === 0);
  return {
    message:
      `twilio.signalingCidrs has ${wide.join(', ')} (wider than /${WIDEST_SIGNALING_BITS}): the SIP ACL, the dialplan and the ` +
      `firewall let ${world ? 'anyone on the internet' : 'that whole range'} send calls to port ${port}, not only Twilio`,
    hint: "remove twilio.signalingCidrs to use Twilio's published /30 ranges, or list only your carrier's addresses",
  };
}

/** server.publicIp that Twilio cannot reach (a private, loopback or reserved address). */
function publicIpRisk(config: Config): PlanWarning[] {
  const ip = config.server.publicIp;
  const kind = nonPublicIpv4(ip);
  if (kind === undefined) return [];
  return [
    {
      level: 'risk',
      message: `server.publicIp ${ip} is ${kind.what}: Twilio cannot send calls or audio to it`,
      hint: "right only for a lab with its own SIP carrier; for Twilio set the server's public IPv4 address (behind a NAT: the NAT's)",
    },
  ];
}

export function configRisks(config: Config, port: number): PlanWarning[] {
  const wide = wideSignalingFinding(config, port);
  return [...publicIpRisk(config), ...(wide ? [{ level: 'risk' as const, ...wide }] : [])];
}
