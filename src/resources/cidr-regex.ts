// FreeSWITCH dialplan conditions match strings, not networks: turn IPv4 CIDRs into one anchored regex
// for `network_addr`. Each octet becomes an exact number, an enumerated range, or "any".

export function cidrToRange(cidr: string): { first: number[]; last: number[] } {
  const [ip = '', bitsText = '32'] = cidr.split('/');
  const bits = Number(bitsText);
  const value = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - bits);
  const start = Math.floor(value / size) * size;
  const end = start + size - 1;
  return { first: toOctets(start), last: toOctets(end) };
}

function toOctets(n: number): number[] {
  return [Math.floor(n / 2 ** 24) % 256, Math.floor(n / 2 ** 16) % 256, Math.floor(n / 2 ** 8) % 256, n % 256];
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

export function ipInCidr(ip: string, cidr: string): boolean {
  const { first, last } = cidrToRange(cidr);
  const octets = ip.split('.').map(Number);
  const n = (o: number[]): number => o.reduce((acc, x) => acc * 256 + x, 0);
  return n(octets) >= n(first) && n(octets) <= n(last);
}
