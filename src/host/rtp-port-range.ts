// FreeSWITCH's RTP port range: the UDP ports a call's audio arrives on. Set by rtp-start-port / rtp-end-port in
// autoload_configs/switch.conf.xml (BBB ships 16384-24576); FreeSWITCH's built-in defaults apply when unset.

import * as path from 'node:path';
import { findParams } from '../edit/xml-params.js';
import { readText, type Host } from './host.js';

export const SWITCH_CONF = 'autoload_configs/switch.conf.xml';

/** switch_core.c: the range FreeSWITCH uses when switch.conf.xml does not set one. */
export const FREESWITCH_DEFAULT_RTP = { start: 16384, end: 32768 } as const;

export interface RtpPortRange {
  start: number;
  end: number;
  /** Where the range comes from, for messages: the file, or FreeSWITCH's default. */
  source: string;
}

export async function readRtpPortRange(host: Host, confDir: string): Promise<RtpPortRange> {
  const file = path.posix.join(confDir, SWITCH_CONF);
  const text = await readText(host, file);
  const param = (name: string): number | undefined => {
    if (text === null) return undefined;
    // FreeSWITCH keeps the last one it reads.
    const value = findParams(text, file, name).at(-1)?.value.trim();
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const start = param('rtp-start-port');
  const end = param('rtp-end-port');
  if (start === undefined && end === undefined) {
    return { ...FREESWITCH_DEFAULT_RTP, source: `FreeSWITCH's default (${file} sets no rtp-start-port / rtp-end-port)` };
  }
  return { start: start ?? FREESWITCH_DEFAULT_RTP.start, end: end ?? FREESWITCH_DEFAULT_RTP.end, source: file };
}
