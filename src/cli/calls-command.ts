// `bbb-twilio calls`: the calls the call service is handling now (from its GET /calls), as a table or JSON;
// `--watch` redraws it in place every second; `--lockouts` lists locked-out numbers. `bbb-twilio unlock <number>`
// lifts one lockout. All through the service's HTTP endpoint on callService.metrics (127.0.0.1:9466 by default).

import pc from 'picocolors';
import { formatHostPort, type HostPort } from '../config/schema.js';
import { hostPortOption } from './host-port-option.js';
import { BbbTwilioError, ConfigError } from '../errors.js';
import { maskNumber } from '../service/caller-identity.js';
import type { LiveCall, LiveLockout } from '../service/live-view.js';
import { loadConfig, openHost, useColor, type CliIo } from './io.js';

export interface CallsOptions {
  root?: string;
  config?: string;
  metrics?: string;
  json?: boolean;
  watch?: boolean;
  lockouts?: boolean;
  /** Tests: stop watching after this many screens. */
  maxRefreshes?: number;
  intervalMs?: number;
}

class ServiceUnreachable extends BbbTwilioError {
  constructor(at: string, why: string) {
    super('host', `cannot reach the call service at ${at}: ${why}`, 'is it running? systemctl status bbb-twilio (or check callService.metrics in the config, or pass --metrics HOST:PORT)');
  }
}

async function serviceAddress(opts: CallsOptions, io: CliIo): Promise<HostPort> {
  if (opts.metrics !== undefined) return hostPortOption('--metrics', opts.metrics, '127.0.0.1:9466');
  const host = openHost(io, opts.root);
  return (await loadConfig(host, opts.config, io)).callService.metrics;
}

async function request(at: HostPort, path: string, method: 'GET' | 'POST' = 'GET'): Promise<{ status: number; body: unknown }> {
  const where = formatHostPort(at);
  let res: Response;
  try {
    res = await fetch(`http://${where}${path}`, { method, signal: AbortSignal.timeout(3000) });
  } catch (err) {
    const cause: unknown = err instanceof Error ? err.cause : undefined;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : '';
    throw new ServiceUnreachable(where, code === 'ECONNREFUSED' ? 'connection refused' : err instanceof Error && err.name === 'TimeoutError' ? 'no answer within 3s' : code || String(err));
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new ServiceUnreachable(where, `HTTP ${res.status} with an answer that is not the call service's JSON`);
  }
}

export async function runCalls(opts: CallsOptions, io: CliIo): Promise<number> {
  const at = await serviceAddress(opts, io);
  const color = useColor(io);
  if (opts.lockouts) {
    const { body } = await request(at, '/lockouts');
    const lockouts = (body as { lockouts: LiveLockout[] }).lockouts;
    io.stdout.write(opts.json ? `${JSON.stringify({ lockouts }, null, 2)}\n` : renderLockouts(lockouts, color));
    return 0;
  }
  const interval = opts.intervalMs ?? 1000;
  for (let screen = 1; ; screen++) {
    const { body } = await request(at, '/calls');
    const calls = (body as { calls: LiveCall[] }).calls;
    if (opts.json) {
      io.stdout.write(`${JSON.stringify({ calls }, opts.watch ? undefined : null, opts.watch ? undefined : 2)}\n`);
    } else {
      // In place on a terminal: cursor home, clear to the end, then the table.
      const redraw = opts.watch && io.stdout.isTTY ? '\x1b[H\x1b[J' : '';
      const stamp = opts.watch ? `${new Date().toISOString().slice(11, 19)}  ` : '';
      io.stdout.write(`${redraw}${stamp}${renderCalls(calls, Date.now(), color)}`);
    }
    if (!opts.watch || (opts.maxRefreshes !== undefined && screen >= opts.maxRefreshes)) return 0;
    await new Promise((r) => setTimeout(r, interval));
  }
}

export async function runUnlock(number: string, opts: CallsOptions, io: CliIo): Promise<number> {
  if (!/^\+?[\d\s().-]{3,20}$/.test(number)) {
    throw new ConfigError(`unlock ${number}: not a phone number`, { hint: 'give the caller\'s number as Twilio shows it, e.g. +15551234567' });
  }
  const at = await serviceAddress(opts, io);
  const { body } = await request(at, `/lockouts/unlock?number=${encodeURIComponent(number)}`, 'POST');
  const masked = maskNumber(number.replace(/\D/g, ''));
  if ((body as { unlocked?: boolean }).unlocked) {
    io.stdout.write(`${masked} can call again.\n`);
    return 0;
  }
  io.stderr.write(`error: ${masked} is not locked out\nhint: bbb-twilio calls --lockouts lists the numbers that are\n`);
  return 1;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function renderCalls(calls: readonly LiveCall[], now: number, color = false): string {
  const c = pc.createColors(color);
  const count = { pin: 0, waiting: 0, joined: 0, ending: 0 };
  for (const call of calls) count[call.step] += 1;
  const head = `${calls.length} call${calls.length === 1 ? '' : 's'}: ${count.joined} in meetings, ${count.waiting} waiting, ${count.pin} typing a PIN\n`;
  if (calls.length === 0) return `${head}${c.dim('  no calls right now')}\n`;
  const rows = calls.map((call) => [
    call.number,
    call.step,
    call.meetingId ?? '-',
    duration(now - Date.parse(call.stepSince)),
    duration(now - Date.parse(call.since)),
    call.step === 'joined' ? (call.muted ? 'muted' : 'open') : '',
  ]);
  return head + table(['NUMBER', 'STEP', 'MEETING', 'IN STEP', 'IN CALL', 'MIC'], rows, c);
}

export function renderLockouts(lockouts: readonly LiveLockout[], color = false): string {
  const c = pc.createColors(color);
  if (lockouts.length === 0) return 'No number is locked out.\n';
  const rows = lockouts.map((l) => [l.number, duration(l.secondsLeft * 1000), l.until]);
  return `${lockouts.length} number${lockouts.length === 1 ? '' : 's'} locked out (bbb-twilio unlock <number> lifts one):\n${table(['NUMBER', 'TIME LEFT', 'UNTIL'], rows, c)}`;
}

function table(header: string[], rows: string[][], c: ReturnType<typeof pc.createColors>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `  ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`;
  return c.bold(line(header)) + rows.map(line).join('');
}
