// IPv4 arithmetic shared by the config checks, the generated dialplan regex, the firewall check, the simulator's
// ACL and the wizard. IPv4 only: Twilio's signalling ranges and BBB's public address are IPv4.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A dotted-quad address written the way FreeSWITCH and ufw write them (no leading zeros). */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** An IPv4 CIDR with its `/bits`, like `54.172.60.0/30`. */
export function isIpv4Cidr(value: string): boolean {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(value);
  return m !== null && isIpv4(m[1] ?? '') && Number(m[2]) <= 32;
}

export interface Ipv4Range {
  first: number;
  last: number;
}

/** `54.172.60.0/30`, `1.2.3.4` (a /32), `0.0.0.0/0`; null for anything else (IPv6, names, bad octets). */
export function parseIpv4Range(text: string): Ipv4Range | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  if (octets.some((o) => o > 255)) return null;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return null;
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const first = Math.floor(value / size) * size;
  return { first, last: first + size - 1 };
}

export function rangeContains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** Whether `ip` lies in `cidr`; false when either is not IPv4. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const outer = parseIpv4Range(cidr);
  const inner = parseIpv4Range(ip);
  return outer !== null && inner !== null && rangeContains(outer, inner);
}

/** The four octets of an address as a number (inverse of the dotted quad). */
export function toOctets(n: number): [number, number, number, number] {
  return [Math.floor(n / 2 ** 24) % 256, Math.floor(n / 2 ** 16) % 256, Math.floor(n / 2 ** 8) % 256, n % 256];
}

interface NonPublicRange {
  range: Ipv4Range;
  /** For messages: `server.publicIp 10.0.0.5 is a private address`. */
  what: string;
  /** No host takes calls at it (an error in the config), as opposed to a lab or NAT address (a risk). */
  unusable: boolean;
}

/**
 * Ranges Twilio cannot send to, the first match naming an address. (The documentation ranges count as public,
 * so examples and tests read naturally.)
 */
const NOT_PUBLIC: readonly NonPublicRange[] = (
  [
    ['0.0.0.0/8', 'an unspecified ("this network") address', true],
    ['10.0.0.0/8', 'a private address', false],
    ['100.64.0.0/10', 'a shared (carrier-grade NAT) address', false],
    ['127.0.0.0/8', 'a loopback address', false],
    ['169.254.0.0/16', 'a link-local address', false],
    ['172.16.0.0/12', 'a private address', false],
    ['192.0.0.0/24', 'an IETF protocol address', false],
    ['192.168.0.0/16', 'a private address', false],
    ['198.18.0.0/15', 'a benchmarking address', false],
    ['224.0.0.0/4', 'a multicast address', true],
    ['255.255.255.255/32', 'the broadcast address', true],
    ['240.0.0.0/4', 'a reserved address', false],
  ] as const
).map(([cidr, what, unusable]) => ({ range: parseIpv4Range(cidr) as Ipv4Range, what, unusable })); // valid CIDRs

/** What kind of non-public address this is, or undefined for a routable address (or one that is not IPv4). */
export function nonPublicIpv4(address: string): { what: string; unusable: boolean } | undefined {
  const r = isIpv4(address) ? parseIpv4Range(address) : null;
  const found = r === null ? undefined : NOT_PUBLIC.find((p) => rangeContains(p.range, r));
  return found === undefined ? undefined : { what: found.what, unusable: found.unusable };
}

/** A routable IPv4 address. */
export function isPublicIpv4(address: string): boolean {
  return isIpv4(address) && nonPublicIpv4(address) === undefined;
}

/** An IPv4 address that is not routable: private, carrier-grade NAT, loopback, link-local, reserved. */
export function isPrivateIpv4(address: string): boolean {
  return isIpv4(address) && !isPublicIpv4(address);
}

/** The number of prefix bits of a CIDR (`/30` → 30); a bare address is a /32; undefined when it is not IPv4. */
export function cidrBits(cidr: string): number | undefined {
  const r = parseIpv4Range(cidr);
  return r === null ? undefined : 32 - Math.log2(r.last - r.first + 1);
}
