// IPv4 arithmetic for the doctor: CIDR containment (firewall rules against Twilio's ranges), private ranges (NAT).

export interface Ipv4Range {
  first: number;
  last: number;
}

/** `54.172.60.0/30`, `1.2.3.4` (a /32), `0.0.0.0/0`; null for anything else (IPv6, names). */
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

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'].map(
  (c) => parseIpv4Range(c) as Ipv4Range, // constants above are valid CIDRs
);

/** RFC 1918, carrier-grade NAT, loopback, link-local: addresses Twilio cannot send to. */
export function isPrivateIpv4(ip: string): boolean {
  const r = parseIpv4Range(ip);
  return r !== null && PRIVATE.some((p) => rangeContains(p, r));
}
