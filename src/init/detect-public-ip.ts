// Where the init wizard looks for the server's public IPv4 address: vars.xml's external_sip_ip (bbb-install
// writes the server's address there) and local_ip_v4 when it is a public address, then, on the server itself
// (root /), the addresses of its network interfaces. Private, loopback, link-local and shared (CGNAT)
// ranges are never offered: Twilio cannot reach them.

import * as os from 'node:os';
import * as path from 'node:path';
import { isIpv4 } from '../config/schema.js';
import { getPreprocessedVar } from '../edit/preprocessed-vars.js';
import { readText, type Host } from '../host/host.js';

export interface AddressCandidate {
  address: string;
  /** Where it was found, for people: `vars.xml external_sip_ip`, `interface eth0`. */
  source: string;
}

const NOT_PUBLIC: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10.0.0.0/8
  [0x64400000, 10], // 100.64.0.0/10 shared address space (CGNAT)
  [0x7f000000, 8], // 127.0.0.0/8 loopback
  [0xa9fe0000, 16], // 169.254.0.0/16 link-local
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0000000, 24], // 192.0.0.0/24 IETF protocol assignments
  [0xc0a80000, 16], // 192.168.0.0/16
  [0xc6120000, 15], // 198.18.0.0/15 benchmarking
  [0xe0000000, 3], // 224.0.0.0/3 multicast and reserved
];

/** A routable IPv4 address. (The documentation ranges count as public, so examples and tests read naturally.) */
export function isPublicIpv4(address: string): boolean {
  if (!isIpv4(address)) return false;
  const value = address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  return !NOT_PUBLIC.some(([base, bits]) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));
}

export async function publicIpCandidates(host: Host, confDir: string): Promise<AddressCandidate[]> {
  const found: AddressCandidate[] = [];
  const varsFile = path.posix.join(confDir, 'vars.xml');
  const vars = await readText(host, varsFile);
  for (const name of ['external_sip_ip', 'external_rtp_ip', 'local_ip_v4']) {
    let value: string | undefined;
    try {
      value = vars === null ? undefined : getPreprocessedVar(vars, varsFile, name);
    } catch {
      value = undefined; // defined twice: plan says so; the wizard just does not offer it
    }
    if (value !== undefined && isPublicIpv4(value)) found.push({ address: value, source: `vars.xml ${name}` });
  }
  if (host.root === '/') {
    for (const [name, addresses] of Object.entries(os.networkInterfaces())) {
      for (const a of addresses ?? []) {
        if (a.family === 'IPv4' && !a.internal && isPublicIpv4(a.address)) found.push({ address: a.address, source: `interface ${name}` });
      }
    }
  }
  const seen = new Set<string>();
  return found.filter((c) => (seen.has(c.address) ? false : (seen.add(c.address), true)));
}
