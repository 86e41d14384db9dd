// The check sofia makes against `apply-inbound-acl` before a call reaches the dialplan
// (switch_check_network_list_ip_token): a list named in acl.conf, one of the core's ".auto" lists, or an
// inline comma-separated list of CIDRs. IPv4 only; anything the simulator cannot decide is reported.

import { parseIpv4Range, rangeContains } from '../../net/ipv4.js';
import type { XmlNode } from './xml-tree.js';
import { childElements, firstChild } from './xml-tree.js';

export interface AclNode {
  allow: boolean;
  cidr: string | null;
  /** A node the simulator cannot evaluate (domain=, host=), as written. */
  other: string | null;
}

export interface AclList {
  name: string;
  defaultAllow: boolean;
  nodes: AclNode[];
}

export type AclVerdict = { ok: boolean; decided: true; reason: string } | { ok: true; decided: false; reason: string };

/** Whether `ip` is inside `cidr` (a bare address counts as /32); null when either is not IPv4. */
export function inCidr(ip: string, cidr: string): boolean | null {
  const inner = parseIpv4Range(ip);
  const outer = parseIpv4Range(cidr);
  if (inner === null || outer === null || inner.first !== inner.last) return null;
  return rangeContains(outer, inner);
}

/** <configuration name="acl.conf"><network-lists><list name default><node type cidr/>... */
export function parseAclConf(config: XmlNode | null): Map<string, AclList> {
  const lists = new Map<string, AclList>();
  const networkLists = config ? firstChild(config, 'network-lists') : null;
  if (!networkLists) return lists;
  for (const list of childElements(networkLists, 'list')) {
    const name = list.attrs.get('name');
    if (!name) continue;
    const nodes: AclNode[] = childElements(list, 'node').map((n) => {
      const cidr = n.attrs.get('cidr') ?? null;
      const other = cidr ? null : [...n.attrs].filter(([k]) => k !== 'type').map(([k, v]) => `${k}=${v}`).join(' ');
      return { allow: (n.attrs.get('type') ?? 'allow').toLowerCase() === 'allow', cidr, other };
    });
    lists.set(name.toLowerCase(), { name, defaultAllow: (list.attrs.get('default') ?? 'deny').toLowerCase() === 'allow', nodes });
  }
  return lists;
}

const AUTO: Record<string, string[]> = {
  'rfc1918.auto': ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  'loopback.auto': ['127.0.0.0/8'],
  'any_v4.auto': ['0.0.0.0/0'],
};

function evalList(list: AclList, ip: string): AclVerdict {
  let verdict: boolean | null = null;
  let bestBits = -1;
  for (const node of list.nodes) {
    if (node.cidr === null) {
      return { ok: true, decided: false, reason: `list ${list.name} has a node (${node.other}) the simulator cannot evaluate` };
    }
    const hit = inCidr(ip, node.cidr);
    const bits = Number(node.cidr.split('/')[1] ?? 32);
    if (hit && bits >= bestBits) {
      verdict = node.allow;
      bestBits = bits;
    }
  }
  const ok = verdict ?? list.defaultAllow;
  return { ok, decided: true, reason: `${ip} ${ok ? 'allowed' : 'denied'} by list ${list.name}` };
}

/** Evaluate one apply-inbound-acl entry (without its ":pass:fail" contexts) for `ip`. */
export function checkAcl(entry: string, ip: string, lists: Map<string, AclList>): AclVerdict {
  const named = lists.get(entry.toLowerCase());
  if (named) return evalList(named, ip);
  const auto = AUTO[entry.toLowerCase()];
  if (auto) {
    const ok = auto.some((c) => inCidr(ip, c) === true);
    return { ok, decided: true, reason: `${ip} ${ok ? 'in' : 'not in'} ${entry}` };
  }
  if (entry.toLowerCase().endsWith('.auto')) {
    return { ok: true, decided: false, reason: `${entry} is built from the server's own network interfaces` };
  }
  if (entry.includes('/') || parseIpv4Range(entry.split(',')[0] ?? '') !== null) {
    const cidrs = entry.split(',').map((c) => c.trim()).filter(Boolean);
    const results = cidrs.map((c) => inCidr(ip, c));
    if (results.some((r) => r === null)) return { ok: true, decided: false, reason: `${entry} is not a list of IPv4 CIDRs` };
    const hit = cidrs.find((_, i) => results[i] === true);
    const reason = hit ? `${ip} is in ${hit}` : `${ip} is in none of the ${cidrs.length} CIDR${cidrs.length === 1 ? '' : 's'} listed`;
    return { ok: hit !== undefined, decided: true, reason };
  }
  return { ok: false, decided: true, reason: `no ACL list named ${entry}` };
}
