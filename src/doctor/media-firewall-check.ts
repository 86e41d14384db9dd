// firewall-twilio-media: ufw lets Twilio's media in to FreeSWITCH's RTP ports. Signalling can work while the audio
// is blocked: the call connects and then nobody hears anything (the most common dial-in failure).

import { readText } from '../host/host.js';
import { UFW_USER_RULES } from '../host/bbb-paths.js';
import { parseUfwTuples, udpAdmitted } from '../resources/ufw-rules.js';
import { firewallBackend } from '../resources/firewall.js';
import type { DoctorCheck } from './check.js';
import type { DoctorContext } from './doctor-context.js';
import { ufwDisabled } from './firewall-check.js';

export const firewallTwilioMedia: DoctorCheck<DoctorContext> = {
  id: 'firewall-twilio-media',
  title: "the firewall admits Twilio's media to FreeSWITCH's RTP ports",
  async run(ctx, c) {
    if (!ctx.config || !ctx.facts) return c.skip('needs a valid config and the FreeSWITCH configuration (see above)');
    const { start, end, source } = ctx.facts.rtpPorts;
    const cidrs = ctx.config.twilio.mediaCidrs;
    const ports = `udp ${start}-${end} (FreeSWITCH's RTP ports, ${source})`;
    if (firewallBackend({ config: ctx.config, facts: ctx.facts }) === 'none') {
      return c.warn(
        `bbb-twilio manages no firewall here (firewall.backend: none): Twilio's media from ${cidrs.join(', ')} must reach ${ports}`,
        `allow udp ${start}:${end} from ${cidrs.join(', ')} in your own firewall or cloud security group`,
      );
    }
    if (await ufwDisabled(ctx)) return c.skip('ufw is disabled: it blocks no media (see firewall-twilio-only)');
    const tuples = parseUfwTuples((await readText(ctx.host, UFW_USER_RULES)) ?? '');
    const missing = cidrs.filter((cidr) => udpAdmitted(tuples, cidr, start, end) === undefined);
    if (missing.length > 0) {
      return c.fail(
        `ufw does not admit Twilio's media from ${missing.join(', ')} to ${ports}: callers would connect and hear nothing`,
        `run bbb-twilio apply (it adds: ufw allow proto udp from ${missing[0] ?? ''} to any port ${start}:${end})`,
      );
    }
    return c.ok(`ufw admits udp from Twilio's media ${cidrs.length === 1 ? 'range' : 'ranges'} ${cidrs.join(', ')} to ${ports}`);
  },
};
