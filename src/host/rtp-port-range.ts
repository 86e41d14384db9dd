// FreeSWITCH's RTP port range: `rtp-start-port` / `rtp-end-port` in autoload_configs/switch.conf.xml (a value may
// be a `$${var}` from vars.xml), FreeSWITCH's own defaults where the file or a param is absent. BBB sets
// 16384-24576 (mediasoup takes the ports above).

import * as path from 'node:path';
import { getPreprocessedVar } from '../edit/preprocessed-vars.js';
import { findParams } from '../edit/xml-params.js';
import { readText, type Host } from './host.js';

export const SWITCH_CONF = 'autoload_configs/switch.conf.xml';

/** FreeSWITCH's defaults (RTP_START_PORT / RTP_END_PORT in switch_rtp.h) when switch.conf.xml sets no range. */
export const FREESWITCH_RTP_PORTS = { start: 16384, end: 32768 } as const;

export interface RtpPortRange {
  start: number;
  end: number;
  /** Where the range comes from, for messages. */
  source: string;
}

export async function readRtpPortRange(host: Host, confDir: string): Promise<RtpPortRange> {
  const file = path.posix.join(confDir, SWITCH_CONF);
  const text = await readText(host, file);
  if (text === null) return { ...FREESWITCH_RTP_PORTS, source: `FreeSWITCH's default: there is no ${file}` };
  const varsFile = path.posix.join(confDir, 'vars.xml');
  const vars = (await readText(host, varsFile)) ?? '';
  const port = (name: string): number | undefined => {
    // The last definition wins, as FreeSWITCH reads the settings in order.
    const raw = findParams(text, file, name).at(-1)?.value;
    const variable = raw === undefined ? null : /^\$\$\{([\w.-]+)\}$/.exec(raw);
    const value = variable ? getPreprocessedVar(vars, varsFile, variable[1] ?? '') : raw;
    return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
  };
  const start = port('rtp-start-port');
  const end = port('rtp-end-port');
  const source =
    start === undefined && end === undefined
      ? `FreeSWITCH's default: ${file} sets no rtp-start-port or rtp-end-port`
      : `rtp-start-port/rtp-end-port in ${file}`;
  return { start: start ?? FREESWITCH_RTP_PORTS.start, end: end ?? FREESWITCH_RTP_PORTS.end, source };
}
