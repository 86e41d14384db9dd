import { readText } from '../host/host.js';
import { UFW_USER_RULES } from '../host/bbb-paths.js';
import type { FirewallChange, FirewallRule, PlanWarning } from '../plan/change.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';
import {
  RULE_COMMENT,
  coversPort,
  coversProto,
  isAnywhere,
  parseUfwTuples,
  ufwAllowArgv,
  ufwDeleteArgv,
} from './ufw-rules.js';

/** The SIP port Twilio sends calls to: the dedicated profile's, or the external profile's (5060). */
export function sipPort(ctx: PlanContext): number {
  return ctx.config.sip.profile === 'dedicated' ? ctx.config.sip.port : ctx.facts.externalSipPort;
}

export function firewallBackend(ctx: PlanContext): 'ufw' | 'none' {
  return ctx.config.firewall.backend ?? (ctx.facts.ufwInstalled ? 'ufw' : 'none');
}

/** SIP from Twilio's signalling ranges only, udp and tcp, each rule tagged so we can find ours again. */
export const firewall: Resource = {
  id: 'firewall',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const warnings: PlanWarning[] = [];
    if (firewallBackend(ctx) === 'none') {
      if (ctx.mode === 'install') {
        warnings.push({
          level: 'note',
          message: `firewall backend is "none": allow udp and tcp port ${sipPort(ctx)} from Twilio's signalling ranges yourself`,
          hint: 'or install ufw and set firewall.backend: ufw',
        });
      }
      return { changes: [], warnings };
    }
    const tuples = parseUfwTuples((await readText(ctx.host, UFW_USER_RULES)) ?? '');
    const ours = tuples.filter((t) => t.comment === RULE_COMMENT && t.action === 'allow');
    const port = sipPort(ctx);
    const wanted: FirewallRule[] =
      ctx.mode === 'install'
        ? ctx.config.twilio.signalingCidrs.flatMap((from) =>
            (['udp', 'tcp'] as const).map((proto) => ({ proto, port, from, comment: RULE_COMMENT })),
          )
        : [];
    const key = (r: { proto: string; port: number | string; from: string }): string => `${r.proto} ${r.port} ${r.from}`;
    const have = new Set(ours.map((t) => key({ proto: t.proto, port: t.dport, from: t.src })));
    const want = new Set(wanted.map(key));

    const changes: FirewallChange[] = [];
    for (const rule of wanted) {
      if (have.has(key(rule))) continue;
      changes.push(ruleChange('create', rule, `allow ${rule.proto} ${rule.port} from ${rule.from} (Twilio signalling)`));
    }
    for (const t of ours) {
      if (want.has(key({ proto: t.proto, port: t.dport, from: t.src }))) continue;
      if ((t.proto !== 'udp' && t.proto !== 'tcp') || !/^\d+$/.test(t.dport)) continue;
      const rule: FirewallRule = { proto: t.proto, port: Number(t.dport), from: t.src, comment: RULE_COMMENT };
      changes.push(ruleChange('delete', rule, `remove allow ${rule.proto} ${rule.port} from ${rule.from}`));
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
