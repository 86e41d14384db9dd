// bbb-twilio simulate-call: run a phone call through the server's FreeSWITCH dialplan files as Twilio would
// deliver it, and show what FreeSWITCH would do. Exit 0 whenever the simulation ran, whatever its outcome;
// 1 when the files could not be loaded (or the options make no sense).

import * as path from 'node:path';
import pc from 'picocolors';
import { isIpv4 } from '../net/ipv4.js';
import { BbbTwilioError, TargetFileError, UsageError, describeLocation } from '../errors.js';
import { LocalHost } from '../host/local-host.js';
import { simulateCallWithService } from '../freeswitch/simulator/call-simulator.js';
import { DTMF_SCRIPT } from '../freeswitch/simulator/dtmf-script.js';
import { findSofiaProfile, loadFreeswitchConfig } from '../freeswitch/simulator/load-config.js';
import { renderSimulation } from '../freeswitch/simulator/render-timeline.js';
import { parseMeetingSpec, type MeetingSpec } from '../freeswitch/simulator/simulated-meetings.js';
import type { CallSpec } from '../freeswitch/simulator/types.js';

export interface SimulateCallOptions {
  root?: string;
  to: string;
  from?: string;
  callerName?: string;
  fromIp?: string;
  dtmf?: string;
  active?: string[];
  /** The call service's fake BBB: `PIN` (a web user joined) or `PIN:waiting` (nobody yet); `socket` then runs the service. */
  meeting?: string[];
  profile?: string;
  json?: boolean;
}

export interface SimulateCallOutput {
  write(s: string): void | unknown;
  isTTY?: boolean;
}

/** A Twilio signalling address (us1 edge): where Twilio's INVITEs come from. */
export const TWILIO_SIGNALLING_IP = '54.172.60.1';
/** The caller when --from is not given. */
export const DEFAULT_FROM = '+16135550142';

/** Drop the formatting people type in phone numbers (spaces, dashes, dots, parentheses); keep + and digits. */
function cleanNumber(n: string): string {
  return n.replace(/[\s\-.()]/g, '');
}

function callSpec(opts: SimulateCallOptions): Omit<CallSpec, 'profile'> {
  const to = cleanNumber(opts.to ?? '');
  if (to === '') throw new UsageError('--to needs the number dialled', 'for example --to +16135551234');
  const dtmf = opts.dtmf ?? '';
  if (!DTMF_SCRIPT.test(dtmf)) {
    throw new UsageError(`--dtmf "${dtmf}" has keys a phone cannot send`, 'use 0-9, *, #, A-D; "," or a space separates entries typed at separate prompts');
  }
  const from = opts.from !== undefined ? cleanNumber(opts.from) : DEFAULT_FROM;
  for (const pin of opts.active ?? []) {
    if (pin.trim() === '' || /\s/.test(pin)) throw new UsageError(`--active "${pin}" is not a conference name`, 'give the meeting\'s voice bridge, e.g. --active 12345');
  }
  const meetings: MeetingSpec[] = [];
  for (const text of opts.meeting ?? []) {
    const spec = parseMeetingSpec(text);
    if (!spec) throw new UsageError(`--meeting "${text}" is not a meeting`, 'give its PIN (voice bridge, 5 to 11 digits), with :waiting when nobody has joined it yet: --meeting 12345 or --meeting 55555:waiting');
    meetings.push(spec);
  }
  if (opts.fromIp !== undefined && !isIpv4(opts.fromIp)) {
    throw new UsageError(`--from-ip "${opts.fromIp}" is not an IPv4 address`, 'for example --from-ip 198.51.100.23 (leave it out for a Twilio address)');
  }
  return {
    to,
    from,
    callerName: opts.callerName ?? from,
    fromIp: opts.fromIp ?? TWILIO_SIGNALLING_IP,
    dtmf,
    active: opts.active ?? [],
    ...(meetings.length > 0 ? { meetings } : {}),
  };
}

function errorLine(err: BbbTwilioError, color: boolean): string {
  const c = pc.createColors(color);
  const where = err instanceof TargetFileError && !err.message.startsWith(err.file) ? `${describeLocation(err.file, err.line)}: ` : '';
  const message = `${where}${err.message}`.replace(/\s*\n\s*/g, ' ');
  return `${c.red('error:')} ${message}${err.hint ? ` ${c.dim(`(hint: ${err.hint})`)}` : ''}\n`;
}

/**
 * Run the command; returns the exit code. With `err`, a file that cannot be loaded or a bad option is reported
 * there as one `error:` line (exit 1), so --json output on `out` stays JSON; without it, errors are thrown for the
 * CLI's one error reporter.
 */
export async function runSimulateCall(opts: SimulateCallOptions, out: SimulateCallOutput, err?: SimulateCallOutput): Promise<number> {
  const color = Boolean(out.isTTY) && !process.env.NO_COLOR;
  const root = path.resolve(opts.root ?? '/');
  try {
    const spec = callSpec(opts);
    const host = new LocalHost(root);
    const config = await loadFreeswitchConfig(host);
    const profile = opts.profile ?? (findSofiaProfile(config, 'bbb-twilio') ? 'bbb-twilio' : 'external');
    const report = await simulateCallWithService(config, { ...spec, profile });
    if (opts.json) out.write(`${JSON.stringify(report.result, null, 2)}\n`);
    else out.write(renderSimulation(report, { color, confDir: config.confDir, root, files: config.files.length }));
    return 0;
  } catch (e) {
    if (e instanceof BbbTwilioError && err) {
      err.write(errorLine(e, Boolean(err.isTTY) && !process.env.NO_COLOR));
      return 1;
    }
    throw e;
  }
}
