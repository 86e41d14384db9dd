// firewall-twilio-only: ufw admits Twilio's signalling ranges on the SIP port, udp and tcp, and nobody else.

import { readText } from '../host/host.js';
import { UFW_USER_RULES } from '../host/bbb-paths.js';
import { admitsSource, coversPort, coversProto, isAnywhere, parseUfwTuples, type UfwTuple } from '../resources/ufw-rules.js';
import type { DoctorCheck } from './check.js';
import { profileInUse, type DoctorContext } from './doctor-context.js';
import { parseIpv4Range, rangeContains, type Ipv4Range } from '../net/ipv4.js';
import { wideSignalingFinding } from '../plan/config-risks.js';

const UFW_USER6_RULES = '/etc/ufw/user6.rules';
const UFW_CONF = '/etc/ufw/ufw.conf';

export const firewallTwilioOnly: DoctorCheck<DoctorContext> = {
  id: 'firewall-twilio-only',
  title: 'the firewall admits only Twilio on the SIP port',
  async run(ctx, c) {
    if (!ctx.config || !ctx.facts) return c.skip('needs a valid config and the FreeSWITCH configuration (see above)');
    const { port } = profileInUse(ctx.config, ctx.facts);
    // Rules made from such a range pass as Twilio's below, and deleting them only brings them back on apply.
    const wide = wideSignalingFinding(ctx.config, port);
    if (wide) return c.fail(wide.message, wide.hint);
    const backend = ctx.config.firewall.backend ?? (ctx.facts.ufwInstalled ? 'ufw' : 'none');
    if (backend === 'none') {
      return c.warn(
        `bbb-twilio manages no firewall here (firewall.backend: none): who may reach port ${port} is up to your own firewall`,
        `allow udp and tcp ${port} only from Twilio's signalling ranges (cloud security group or firewall), or install ufw and set firewall.backend: ufw`,
      );
    }
    if (await ufwDisabled(ctx)) {
      return c.fail(
        `ufw is installed but disabled (ENABLED=no in ${UFW_CONF}): no rule applies, port ${port} is open to anyone`,
        'allow SSH first (ufw allow OpenSSH), then ufw enable',
      );
    }
    const rules = await readText(ctx.host, UFW_USER_RULES);
    if (rules === null) return c.fail(`${UFW_USER_RULES} does not exist: ufw has no rules`, 'run bbb-twilio apply to add the Twilio rules');
    const tuples = [...parseUfwTuples(rules), ...parseUfwTuples((await readText(ctx.host, UFW_USER6_RULES)) ?? '')].filter(
      (t) => t.action === 'allow' && t.direction === 'in' && coversPort(t.dport, port),
    );

    const twilio = ctx.config.twilio.signalingCidrs.map((cidr) => ({ cidr, range: parseIpv4Range(cidr) }));
    const isTwilio = (t: UfwTuple): boolean => {
      const src = parseIpv4Range(t.src);
      return src !== null && !isAnywhere(t.src) && twilio.some((tw) => tw.range !== null && rangeContains(tw.range, src));
    };
    const others = tuples.filter((t) => (coversProto(t.proto, 'udp') || coversProto(t.proto, 'tcp')) && !isTwilio(t));
    const missing: string[] = [];
    for (const tw of twilio) {
      const protos = (['udp', 'tcp'] as const).filter((proto) => !tuples.some((t) => coversProto(t.proto, proto) && admitsSource(t, tw.range)));
      if (protos.length > 0) missing.push(`${tw.cidr} (${protos.join(', ')})`);
    }

    const problems: string[] = [];
    if (others.length > 0) {
      const who = others.map((t) => `${t.proto === 'any' ? 'udp+tcp' : t.proto} from ${isAnywhere(t.src) ? 'anywhere' : t.src}`);
      problems.push(`ufw also admits ${[...new Set(who)].join(', ')} on port ${port}`);
    }
    if (missing.length > 0) {
      const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
      problems.push(`Twilio's ${shown} ${missing.length === 1 ? 'is' : 'are'} not admitted`);
    }
    if (problems.length > 0) {
      const fixes = [
        others.length > 0 ? 'delete the other rules on that port (ufw status numbered; ufw delete N)' : '',
        missing.length > 0 ? 'run bbb-twilio apply to add the missing Twilio rules' : '',
      ].filter(Boolean);
      return c.fail(problems.join('; '), fixes.join('; '));
    }
    return c.ok(`ufw admits udp and tcp ${port} from Twilio's ${twilio.length} signalling ranges only`);
  },
};

/** ufw is installed but switched off (ENABLED=no): no rule applies. */
export async function ufwDisabled(ctx: DoctorContext): Promise<boolean> {
  const conf = await readText(ctx.host, UFW_CONF);
  return conf !== null && /^\s*ENABLED\s*=\s*no\s*$/m.test(conf);
}
