// The check sofia makes against `apply-inbound-acl` before a call reaches the dialplan
// (switch_check_network_list_ip_port_token in src/switch_core.c): a list named in acl.conf or one of the
// core's ".auto" lists (names case-sensitive: a plain switch_core_hash), else, when the value holds a '/',
// an inline comma-separated list of CIDRs; anything else matches nothing. IPv4 only; anything the simulator
// cannot decide is reported.

import { isIpv4 } from '../../net/ipv4.js';
import { separateString, switchTrue } from './switch-string.js';
import type { XmlNode } from './xml-tree.js';
import { childElements, firstChild } from './xml-tree.js';

/** One parsed IPv4 node, as switch_network_list_perform_add_cidr_token stores it (address not masked). */
export interface AclNode {
  allow: boolean;
  net: number;
  mask: number;
  bits: number;
  text: string;
}

export interface AclList {
  name: string;
  defaultAllow: boolean;
  /** In the order switch_network_list_validate_ip_port_token visits them (each add prepends). */
  nodes: AclNode[];
  /** Nodes the simulator cannot evaluate (domain=), as written. */
  undecidable: string[];
}

export type AclVerdict = { ok: boolean; decided: true; reason: string } | { ok: true; decided: false; reason: string };

function ipv4Number(text: string): number | null {
  if (!isIpv4(text)) return null;
  return text.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

type ParsedCidr = { kind: 'v4'; net: number; mask: number; bits: number } | { kind: 'v6' } | { kind: 'error'; why: string };

/**
 * switch_parse_cidr (src/switch_utils.c): no '/' is an error, bits outside 0..32 too. The mask is
 * `0xFFFFFFFF & ~(0xFFFFFFFF >> bits)`: x86 shifts by bits mod 32, so /32 (like /0) gives mask 0, which
 * switch_test_subnet reads as "this exact address" (or everything, for 0.0.0.0).
 */
function parseCidr(text: string): ParsedCidr {
  const slash = text.indexOf('/');
  if (slash < 0) return { kind: 'error', why: `"${text}" has no /bits` };
  if (text.includes(':')) return { kind: 'v6' };
  const bitsText = text.slice(slash + 1);
  const m = /^[ \t\n\r\f\v]*([-+]?\d+)/.exec(bitsText);
  const bits = m?.[1] !== undefined ? Number.parseInt(m[1], 10) : 0;
  if (bits < 0 || bits > 32) return { kind: 'error', why: `"${text}" has bits outside 0..32` };
  const net = ipv4Number(text.slice(0, slash));
  if (net === null) return { kind: 'error', why: `"${text}" is not a dotted-quad address` };
  const mask = bits === 0 || bits === 32 ? 0 : (0xffffffff & ~(0xffffffff >>> bits)) >>> 0;
  return { kind: 'v4', net, mask, bits };
}

/** switch_test_subnet (switch_utils.h): a zero mask means "equal to net", or everything when net is 0. */
function testSubnet(ip: number, net: number, mask: number): boolean {
  if (mask !== 0) return ((net & mask) >>> 0) === ((ip & mask) >>> 0);
  return net !== 0 ? net === ip : true;
}

/** <configuration name="acl.conf"><network-lists><list name default><node type cidr/>... (switch_load_network_lists). */
export function parseAclConf(config: XmlNode | null): Map<string, AclList> {
  const lists = new Map<string, AclList>();
  const networkLists = config ? firstChild(config, 'network-lists') : null;
  if (!networkLists) return lists;
  for (const list of childElements(networkLists, 'list')) {
    const name = list.attrs.get('name');
    if (!name) continue;
    // A list without default= allows (default_type starts SWITCH_TRUE); a node without type= takes the list's default.
    const dft = list.attrs.get('default');
    const defaultAllow = dft === undefined ? true : switchTrue(dft);
    const parsed: AclList = { name, defaultAllow, nodes: [], undecidable: [] };
    for (const n of childElements(list, 'node')) {
      const type = n.attrs.get('type');
      const allow = type === undefined ? defaultAllow : switchTrue(type);
      const cidr = n.attrs.get('cidr');
      const host = n.attrs.get('host');
      const mask = n.attrs.get('mask');
      if (n.attrs.has('domain')) {
        parsed.undecidable.push([...n.attrs].map(([k, v]) => `${k}=${v}`).join(' '));
      } else if (cidr !== undefined) {
        const parts = cidr.includes(',') ? separateString(cidr, ',', 32) : [cidr];
        for (const part of parts) {
          const c = parseCidr(part);
          if (c.kind === 'v4') parsed.nodes.unshift({ allow, net: c.net, mask: c.mask, bits: c.bits, text: part });
        }
      } else if (host !== undefined && mask !== undefined) {
        const h = ipv4Number(host);
        const m = ipv4Number(mask);
        if (h !== null && m !== null) parsed.nodes.unshift({ allow, net: h, mask: m, bits: 0, text: `${host}/${mask}` });
        else parsed.undecidable.push(`host=${host} mask=${mask}`);
      }
    }
    lists.set(name, parsed);
  }
  return lists;
}

function list(name: string, defaultAllow: boolean, nodes: Array<[string, boolean]>): AclList {
  const parsed: AclList = { name, defaultAllow, nodes: [], undecidable: [] };
  for (const [cidr, allow] of nodes) {
    const c = parseCidr(cidr);
    if (c.kind === 'v4') parsed.nodes.unshift({ allow, net: c.net, mask: c.mask, bits: c.bits, text: cidr });
  }
  return parsed;
}

// The core's fixed lists (switch_load_network_lists); nat.auto and localnet.auto depend on the host's interfaces.
const PRIVATE: Array<[string, boolean]> = [
  ['0.0.0.0/8', false],
  ['10.0.0.0/8', false],
  ['172.16.0.0/12', false],
  ['192.168.0.0/16', false],
  ['169.254.0.0/16', false],
  ['100.64.0.0/10', false],
];
const AUTO = new Map<string, AclList>(
  [
    list('rfc6598.auto', false, [['100.64.0.0/10', true]]),
    list('rfc1918.auto', false, [['10.0.0.0/8', true], ['172.16.0.0/12', true], ['192.168.0.0/16', true]]),
    list('wan.auto', true, PRIVATE),
    list('wan_v4.auto', true, PRIVATE),
    list('wan_v6.auto', true, [['0.0.0.0/0', false]]),
    list('any_v4.auto', true, []),
    list('any_v6.auto', true, [['0.0.0.0/0', false]]),
    list('loopback.auto', false, [['127.0.0.0/8', true]]),
  ].map((l) => [l.name, l]),
);

/** switch_network_list_validate_ip_port_token: the longest prefix wins; on a tie, the node visited last. */
function evalList(l: AclList, ip: number, ipText: string): AclVerdict {
  if (l.undecidable.length > 0) {
    return { ok: true, decided: false, reason: `list ${l.name} has a node (${l.undecidable[0]}) the simulator cannot evaluate` };
  }
  let ok = l.defaultAllow;
  let bits = 0;
  for (const node of l.nodes) {
    if (node.bits >= bits && testSubnet(ip, node.net, node.mask)) {
      ok = node.allow;
      bits = node.bits;
    }
  }
  return { ok, decided: true, reason: `${ipText} ${ok ? 'allowed' : 'denied'} by list ${l.name}` };
}

/** An inline list: each entry parsed in turn into the same net/mask, so one that fails to parse re-tests the previous one. */
function evalInline(entry: string, ip: number, ipText: string): AclVerdict {
  const parts = entry.includes(',') ? separateString(entry, ',', 100) : [entry];
  let current: { net: number; mask: number } | null = null;
  for (const part of parts) {
    const c = parseCidr(part);
    if (c.kind === 'v6') return { ok: true, decided: false, reason: `${part} is IPv6` };
    if (c.kind === 'v4') current = { net: c.net, mask: c.mask };
    // A part that does not parse leaves net/mask as they were; before any valid part they are uninitialised stack
    // memory, which on the 1.10.12 build tested was zero: mask 0 and net 0 admit every address.
    if (current === null) {
      return { ok: true, decided: false, reason: `${c.kind === 'error' ? c.why : part}: FreeSWITCH tests uninitialised memory instead, which admitted every address on the 1.10.12 build tested` };
    }
    if (testSubnet(ip, current.net, current.mask)) {
      return { ok: true, decided: true, reason: `${ipText} is in ${c.kind === 'v4' ? part : `${part} (which FreeSWITCH cannot parse, so it re-tests the entry before it)`}` };
    }
  }
  return { ok: false, decided: true, reason: `${ipText} is in none of the ${parts.length} CIDR${parts.length === 1 ? '' : 's'} listed` };
}

/** Evaluate one apply-inbound-acl entry (without its ":pass:fail" contexts) for `ip`. */
export function checkAcl(entry: string, ip: string, lists: Map<string, AclList>): AclVerdict {
  const ipNumber = ipv4Number(ip);
  if (ipNumber === null) return { ok: true, decided: false, reason: `${ip} is not an IPv4 address` };
  const named = lists.get(entry) ?? AUTO.get(entry);
  if (named) return evalList(named, ipNumber, ip);
  if (entry === 'nat.auto' || entry === 'localnet.auto') {
    return { ok: true, decided: false, reason: `${entry} is built from the server's own network interfaces` };
  }
  if (entry.includes('/')) return evalInline(entry, ipNumber, ip);
  return { ok: false, decided: true, reason: `no ACL list named ${entry} (and no "/" to make it a CIDR), so it matches nothing` };
}
