// Where the init wizard looks for the server's public IPv4 address: vars.xml's external_sip_ip (bbb-install
// writes the server's address there) and local_ip_v4 when it is a public address, then, on the server itself
// (root /), the addresses of its network interfaces. Private, loopback, link-local and shared (CGNAT)
// ranges are never offered: Twilio cannot reach them.

import * as os from 'node:os';
import * as path from 'node:path';
import { isPublicIpv4 } from '../net/ipv4.js';
import { getPreprocessedVar } from '../edit/preprocessed-vars.js';
import { readText, type Host } from '../host/host.js';

export interface AddressCandidate {
  address: string;
  /** Where it was found, for people: `vars.xml external_sip_ip`, `interface eth0`. */
  source: string;
}

/** A routable IPv4 address: the wizard offers no other. */
export { isPublicIpv4 };

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
