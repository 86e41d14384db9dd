// sip-port-listening, public-ip-local: the host's sockets and addresses.

import * as os from 'node:os';
import * as path from 'node:path';
import { getPreprocessedVar } from '../edit/preprocessed-vars.js';
import { readText } from '../host/host.js';
import type { DoctorCheck } from './check.js';
import { profileInUse, type DoctorContext } from './doctor-context.js';
import { isPrivateIpv4 } from '../net/ipv4.js';
import { isLoopback, parseProcNetUdp, type UdpSocket } from './proc-net-udp.js';

export const sipPortListening: DoctorCheck<DoctorContext> = {
  id: 'sip-port-listening',
  title: 'something listens on the SIP port (UDP)',
  async run(ctx, c) {
    if (!ctx.config || !ctx.facts) return c.skip('needs a valid config and the FreeSWITCH configuration (see above)');
    const { name, port } = profileInUse(ctx.config, ctx.facts);
    const v4 = await readText(ctx.host, '/proc/net/udp');
    const v6 = await readText(ctx.host, '/proc/net/udp6');
    if (v4 === null && v6 === null) {
      return c.skip(`no /proc/net/udp under ${ctx.host.root}: a copied tree has no live sockets`, 'run doctor on the server itself (without --root)');
    }
    const sockets: UdpSocket[] = [...parseProcNetUdp(v4 ?? '', 4), ...parseProcNetUdp(v6 ?? '', 6)].filter((s) => s.port === port);
    const bound = [...new Set(sockets.map((s) => s.address))];
    if (bound.length === 0) {
      return c.fail(
        `nothing listens on UDP port ${port}: Twilio's INVITEs would get no answer`,
        `start the "${name}" profile: fs_cli -x 'sofia profile ${name} start' (then see sip-profile-running)`,
      );
    }
    if (bound.every(isLoopback)) {
      return c.warn(
        `UDP port ${port} is bound only on loopback (${bound.join(', ')}): Twilio cannot reach it`,
        `set the "${name}" profile's sip-ip to the server's address (bbb-twilio apply writes it) and restart the profile`,
      );
    }
    return c.ok(`UDP port ${port} is bound on ${bound.join(', ')}`);
  },
};

export const publicIpLocal: DoctorCheck<DoctorContext> = {
  id: 'public-ip-local',
  title: 'server.publicIp belongs to this server (or its NAT)',
  async run(ctx, c) {
    if (!ctx.config) return c.skip('needs a valid config (see config-valid)');
    const publicIp = ctx.config.server.publicIp;
    if (isPrivateIpv4(publicIp)) {
      return c.fail(
        `server.publicIp ${publicIp} is a private address: Twilio cannot send calls to it`,
        'set server.publicIp to the public IPv4 address Twilio reaches this server at',
      );
    }
    if (!ctx.live) {
      return c.skip(`this host's addresses are only known on the server itself (--root ${ctx.host.root})`, 'run doctor on the server (without --root)');
    }
    const interfaces = (ctx.options.networkInterfaces ?? os.networkInterfaces)();
    const addresses = Object.entries(interfaces).flatMap(([nic, infos]) =>
      (infos ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => ({ nic, address: i.address })),
    );
    const own = addresses.find((a) => a.address === publicIp);
    if (own) return c.ok(`${publicIp} is an address of this server (${own.nic})`);

    const localIp = ctx.facts ? await localIpV4(ctx, ctx.facts.confDir) : undefined;
    const privateOnes = [...new Set([...(localIp && isPrivateIpv4(localIp) ? [localIp] : []), ...addresses.map((a) => a.address).filter(isPrivateIpv4)])];
    const listed = addresses.map((a) => a.address).join(', ') || 'none';
    if (privateOnes.length > 0) {
      const port = ctx.facts ? profileInUse(ctx.config, ctx.facts).port : ctx.config.sip.port;
      return c.warn(
        `${publicIp} is not on this server, which has the private address ${privateOnes.join(', ')}${localIp ? ` (local_ip_v4 in vars.xml: ${localIp})` : ''}: ` +
          'a NAT setup (a cloud 1:1 NAT, or a router) — fine if the NAT maps the public address to this server',
        `make sure the NAT or security group forwards udp and tcp ${port} from Twilio's signalling ranges and udp 16384-32768 (RTP) to this server`,
      );
    }
    return c.fail(
      `${publicIp} is not an address of this server (it has ${listed}), and nothing points to a NAT`,
      'set server.publicIp to this server\'s public IPv4 address (ip -4 addr), then bbb-twilio apply',
    );
  },
};

/** `local_ip_v4` as vars.xml sets it (BBB sets it behind NAT); undefined when it is not set there. */
async function localIpV4(ctx: DoctorContext, confDir: string): Promise<string | undefined> {
  const file = path.posix.join(confDir, 'vars.xml');
  const text = await readText(ctx.host, file);
  if (text === null) return undefined;
  try {
    return getPreprocessedVar(text, file, 'local_ip_v4');
  } catch {
    return undefined; // a vars.xml the pre-processor reader refuses is reported by files-in-desired-state
  }
}
