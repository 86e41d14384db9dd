// Reading the kernel's socket tables /proc/net/udp, udp6, tcp and tcp6: one line per socket,
//   sl  local_address rem_address   st tx_queue:rx_queue ...
//   12: 0500000A:13C4 00000000:0000 07 00000000:00000000 ...
// addresses in hex, each 32-bit word in host (little-endian) byte order, ports in hex, the state in hex.

export interface UdpSocket {
  address: string;
  port: number;
}

export function parseProcNetUdp(text: string, family: 4 | 6): UdpSocket[] {
  return parseSocketTable(text, family).map(({ address, port }) => ({ address, port }));
}

/** TCP_LISTEN in the kernel's tcp_states.h. */
const TCP_LISTEN = 0x0a;

/** The listening sockets of /proc/net/tcp or tcp6 (connected ones share the port and are left out). */
export function parseProcNetTcpListeners(text: string, family: 4 | 6): UdpSocket[] {
  return parseSocketTable(text, family)
    .filter((s) => s.state === TCP_LISTEN)
    .map(({ address, port }) => ({ address, port }));
}

function parseSocketTable(text: string, family: 4 | 6): (UdpSocket & { state: number })[] {
  const sockets: (UdpSocket & { state: number })[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const m = local ? /^([0-9A-Fa-f]+):([0-9A-Fa-f]{4})$/.exec(local) : null;
    if (!m?.[1] || !m[2]) continue;
    const address = family === 4 ? ipv4FromHex(m[1]) : ipv6FromHex(m[1]);
    if (address !== null) sockets.push({ address, port: parseInt(m[2], 16), state: parseInt(fields[3] ?? '', 16) });
  }
  return sockets;
}

function ipv4FromHex(hex: string): string | null {
  if (hex.length !== 8) return null;
  const bytes = Buffer.from(hex, 'hex');
  return [bytes[3], bytes[2], bytes[1], bytes[0]].join('.');
}

function ipv6FromHex(hex: string): string | null {
  if (hex.length !== 32) return null;
  const words = Buffer.from(hex, 'hex');
  // Each 4-byte word is little-endian: reverse it to get network order.
  const net = Buffer.alloc(16);
  for (let w = 0; w < 4; w++) for (let b = 0; b < 4; b++) net[w * 4 + b] = words[w * 4 + (3 - b)] ?? 0;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(net.readUInt16BE(i).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (/^0:0:0:0:0:ffff:/.test(text)) return `::ffff:${net[12]}.${net[13]}.${net[14]}.${net[15]}`;
  return text.replace(/(^|:)0(:0)+(:|$)/, '::');
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}
