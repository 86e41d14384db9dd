// ufw keeps its user rules in /etc/ufw/user.rules as `### tuple ###` lines:
//   ### tuple ### allow udp 5080 0.0.0.0/0 any 54.172.60.0/30 in comment=6262622d7477696c696f
// fields: action proto dport dst sport src [app names] direction, then an optional hex-encoded comment.
import type { FirewallRule } from '../plan/change.js';

export interface UfwTuple {
  action: string;
  proto: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  direction: string;
  comment: string | undefined;
}

export const RULE_COMMENT = 'bbb-twilio';

export function parseUfwTuples(text: string): UfwTuple[] {
  const tuples: UfwTuple[] = [];
  for (const raw of text.split('\n')) {
    const m = /^### tuple ### (.*)$/.exec(raw.trim());
    if (!m?.[1]) continue;
    let body = m[1];
    let comment: string | undefined;
    const at = body.indexOf(' comment=');
    if (at >= 0) {
      comment = Buffer.from(body.slice(at + ' comment='.length).trim(), 'hex').toString('utf8');
      body = body.slice(0, at);
    }
    const f = body.trim().split(/\s+/);
    if (f.length < 7) continue;
    const [action = '', proto = '', dport = '', dst = '', sport = '', src = ''] = f;
    tuples.push({ action, proto, dport, dst, sport, src, direction: f[f.length - 1] ?? 'in', comment });
  }
  return tuples;
}

/** Whether a tuple's destination ports include `port` (`5060`, `5060:5061`, `80,5060`, `any`). */
export function coversPort(dport: string, port: number): boolean {
  if (dport === 'any') return true;
  return dport.split(',').some((part) => {
    const [lo, hi] = part.split(':').map(Number);
    return lo !== undefined && (hi === undefined ? lo === port : port >= lo && port <= hi);
  });
}

export function coversProto(proto: string, want: 'udp' | 'tcp'): boolean {
  return proto === 'any' || proto === want;
}

export function isAnywhere(src: string): boolean {
  return src === '0.0.0.0/0' || src === '::/0' || src === 'any';
}

export function ufwAllowArgv(rule: FirewallRule): string[] {
  return ['ufw', 'allow', 'proto', rule.proto, 'from', rule.from, 'to', 'any', 'port', String(rule.port), 'comment', rule.comment];
}

export function ufwDeleteArgv(rule: FirewallRule): string[] {
  return ['ufw', 'delete', ...ufwAllowArgv(rule).slice(1)];
}

export function tupleLine(rule: FirewallRule): string {
  const hex = Buffer.from(rule.comment, 'utf8').toString('hex');
  return `### tuple ### allow ${rule.proto} ${rule.port} 0.0.0.0/0 any ${rule.from} in comment=${hex}`;
}
