// FreeSWITCH dialplan conditions match strings, not networks: turn IPv4 CIDRs into one anchored regex
// for `network_addr`. Each octet becomes an exact number, an enumerated range, or "any".
import { parseIpv4Range, toOctets } from '../net/ipv4.js';

export function cidrToRange(cidr: string): { first: number[]; last: number[] } {
  const range = parseIpv4Range(cidr);
  if (range === null) throw new Error(`not an IPv4 CIDR: ${cidr}`); // the config schema admits only valid ones
  return { first: toOctets(range.first), last: toOctets(range.last) };
}

function octetPattern(lo: number, hi: number): string {
  if (lo === hi) return String(lo);
  if (lo === 0 && hi === 255) return '\\d{1,3}';
  const values: string[] = [];
  for (let v = lo; v <= hi; v++) values.push(String(v));
  return `(?:${values.join('|')})`;
}

/** The pattern (unanchored, no group) for the addresses of one CIDR. */
export function cidrPattern(cidr: string): string {
  const { first, last } = cidrToRange(cidr);
  // Octets before the one that varies are fixed; after it every value occurs (CIDR blocks are aligned).
  return first.map((lo, i) => octetPattern(lo, last[i] ?? lo)).join('\\.');
}

/** `^(?:a|b|...)$` matching exactly the addresses inside any of the CIDRs. */
export function cidrsToRegex(cidrs: readonly string[]): string {
  return `^(?:${cidrs.map(cidrPattern).join('|')})$`;
}
