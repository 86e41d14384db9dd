import { readText } from '../host/host.js';
import { UFW_USER_RULES } from '../host/bbb-paths.js';
import type { FirewallChange, FirewallRule, PlanWarning } from '../model/change.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';
import {
  RULE_COMMENT,
  coversPort,
  coversProto,
  isAnywhere,
  parseUfwPort,
  parseUfwTuples,
  udpAdmitted,
  ufwAllowArgv,
  ufwDeleteArgv,
  ufwPort,
  type UfwTuple,
} from './ufw-rules.js';

/** The SIP port Twilio sends calls to: the dedicated profile's, or the external profile's (5060). */
export function sipPort(ctx: PlanContext): number {
  return ctx.config.sip.profile === 'dedicated' ? ctx.config.sip.port : ctx.facts.externalSipPort;
}

export function firewallBackend(ctx: Pick<PlanContext, 'config' | 'facts'>): 'ufw' | 'none' {
  return ctx.config.firewall.backend ?? (ctx.facts.ufwInstalled ? 'ufw' : 'none');
}

/**
 * SIP from Twilio's signalling ranges only, udp and tcp, and Twilio's media to FreeSWITCH's RTP ports (unless a rule
 * of the admin's already admits it: BBB's installer opens the RTP ports to anyone), each rule tagged so we can find
 * ours again.
 */
export const firewall: Resource = {
  id: 'firewall',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const warnings: PlanWarning[] = [];
    if (firewallBackend(ctx) === 'none') {
      if (ctx.mode === 'install') {
        warnings.push({
          level: 'note',
          message:
            `firewall backend is "none": allow udp and tcp port ${sipPort(ctx)} from Twilio's signalling ranges yourself, ` +
            `and udp ${ctx.facts.rtpPorts.start}:${ctx.facts.rtpPorts.end} (FreeSWITCH's RTP ports) from ${ctx.config.twilio.mediaCidrs.join(', ')} (Twilio's media)`,
          hint: 'or install ufw and set firewall.backend: ufw',
        });
      }
      return { changes: [], warnings };
    }
    const tuples = parseUfwTuples((await readText(ctx.host, UFW_USER_RULES)) ?? '');
    const ours = tuples.filter((t) => t.comment === RULE_COMMENT && t.action === 'allow');
    const port = sipPort(ctx);
    const signalling: FirewallRule[] =
      ctx.mode === 'install'
        ? ctx.config.twilio.signalingCidrs.flatMap((from) =>
            (['udp', 'tcp'] as const).map((proto) => ({ proto, port, from, comment: RULE_COMMENT })),
          )
        : [];
    const media = ctx.mode === 'install' ? mediaRules(ctx, tuples) : [];
    const key = (r: { proto: string; port: string; from: string }): string => `${r.proto} ${r.port} ${r.from}`;
    const ruleKey = (r: FirewallRule): string => key({ proto: r.proto, port: ufwPort(r), from: r.from });
    const have = new Set(ours.map((t) => key({ proto: t.proto, port: t.dport, from: t.src })));
    const want = new Set([...signalling, ...media].map(ruleKey));

    const changes: FirewallChange[] = [];
    for (const [rules, why] of [[signalling, 'Twilio signalling'], [media, "Twilio media to FreeSWITCH's RTP ports"]] as const) {
      for (const rule of rules) {
        if (have.has(ruleKey(rule))) continue;
        changes.push(ruleChange('create', rule, `allow ${rule.proto} ${ufwPort(rule)} from ${rule.from} (${why})`));
      }
    }
    for (const t of ours) {
      if (want.has(key({ proto: t.proto, port: t.dport, from: t.src }))) continue;
      const ports = parseUfwPort(t.dport);
      if ((t.proto !== 'udp' && t.proto !== 'tcp') || ports === null) continue;
      const rule: FirewallRule = { proto: t.proto, ...ports, from: t.src, comment: RULE_COMMENT };
      changes.push(ruleChange('delete', rule, `remove allow ${rule.proto} ${ufwPort(rule)} from ${rule.from}`));
    }

    if (ctx.mode === 'install') {
      for (const proto of ['udp', 'tcp'] as const) {
        const open = tuples.find(
          (t) => t.action === 'allow' && t.direction === 'in' && isAnywhere(t.src) && coversProto(t.proto, proto) && coversPort(t.dport, port),
        );
        if (open) {
          warnings.push({
            level: 'risk',
            message: `ufw allows ${proto} port ${open.dport} from anywhere: SIP scanners reach FreeSWITCH on ${port}`,
            hint: `remove that rule (ufw status numbered; ufw delete N); bbb-twilio admits Twilio's ranges only`,
          });
        }
      }
    }
    return { changes, warnings };
  },
};

/**
 * udp from each of Twilio's media ranges to FreeSWITCH's RTP ports: one-way or no audio is the most common dial-in
 * failure. Not needed where a rule that is not ours admits it already.
 */
function mediaRules(ctx: PlanContext, tuples: readonly UfwTuple[]): FirewallRule[] {
  const { start, end } = ctx.facts.rtpPorts;
  const others = tuples.filter((t) => t.comment !== RULE_COMMENT);
  return ctx.config.twilio.mediaCidrs
    .filter((from) => udpAdmitted(others, from, start, end) === undefined)
    .map((from) => ({ proto: 'udp' as const, port: start, portEnd: end, from, comment: RULE_COMMENT }));
}

function ruleChange(kind: 'create' | 'delete', rule: FirewallRule, title: string): FirewallChange {
  const allow = ufwAllowArgv(rule);
  const del = ufwDeleteArgv(rule);
  return {
    type: 'firewall',
    resource: 'firewall',
    kind,
    title,
    rule,
    argv: kind === 'create' ? allow : del,
    undoArgv: kind === 'create' ? del : allow,
    secrets: [],
    needs: [],
  };
}
