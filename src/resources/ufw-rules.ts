// ufw keeps its user rules in /etc/ufw/user.rules as `### tuple ###` lines:
//   ### tuple ### allow udp 5080 0.0.0.0/0 any 54.172.60.0/30 in comment=6262622d7477696c696f
// fields: action proto dport dst sport src [app names] direction, then an optional hex-encoded comment.
import { parseIpv4Range, rangeContains, type Ipv4Range } from '../net/ipv4.js';
import type { FirewallRule } from '../model/change.js';

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

/** Whether a tuple's destination ports include every port from `start` to `end`. */
export function coversPortRange(dport: string, start: number, end: number): boolean {
  if (dport === 'any') return true;
  return dport.split(',').some((part) => {
    const [lo, hi] = part.split(':').map(Number);
    return lo !== undefined && lo <= start && (hi ?? lo) >= end;
  });
}

/** Whether a rule lets the whole of `range` in (its source contains the range; anywhere does). */
export function admitsSource(t: UfwTuple, range: Ipv4Range | null): boolean {
  if (range === null) return false;
  if (isAnywhere(t.src)) return true;
  const src = parseIpv4Range(t.src);
  return src !== null && rangeContains(src, range);
}

/** An incoming allow rule that admits udp from all of `cidr` to every port from `start` to `end`, if any. */
export function udpAdmitted(tuples: readonly UfwTuple[], cidr: string, start: number, end: number): UfwTuple | undefined {
  const range = parseIpv4Range(cidr);
  return tuples.find(
    (t) => t.action === 'allow' && t.direction === 'in' && coversProto(t.proto, 'udp') && coversPortRange(t.dport, start, end) && admitsSource(t, range),
  );
}

export function coversProto(proto: string, want: 'udp' | 'tcp'): boolean {
  return proto === 'any' || proto === want;
}

export function isAnywhere(src: string): boolean {
  return src === '0.0.0.0/0' || src === '::/0' || src === 'any';
}

/** The rule's port as ufw writes it: `5080`, or a range `16384:32768`. */
export function ufwPort(rule: Pick<FirewallRule, 'port' | 'portEnd'>): string {
  return rule.portEnd === undefined ? String(rule.port) : `${rule.port}:${rule.portEnd}`;
}

/** Reads back what ufwPort wrote; null for anything else (a list, `any`). */
export function parseUfwPort(text: string): Pick<FirewallRule, 'port' | 'portEnd'> | null {
  const m = /^(\d+)(?::(\d+))?$/.exec(text);
  if (!m) return null;
  return m[2] === undefined ? { port: Number(m[1]) } : { port: Number(m[1]), portEnd: Number(m[2]) };
}

export function ufwAllowArgv(rule: FirewallRule): string[] {
  return ['ufw', 'allow', 'proto', rule.proto, 'from', rule.from, 'to', 'any', 'port', ufwPort(rule), 'comment', rule.comment];
}

export function ufwDeleteArgv(rule: FirewallRule): string[] {
  return ['ufw', 'delete', ...ufwAllowArgv(rule).slice(1)];
}

export function tupleLine(rule: FirewallRule): string {
  const hex = Buffer.from(rule.comment, 'utf8').toString('hex');
  return `### tuple ### allow ${rule.proto} ${ufwPort(rule)} 0.0.0.0/0 any ${rule.from} in comment=${hex}`;
}
