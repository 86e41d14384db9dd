// The simulation as a person reads it: a first line saying it is a simulation, the call, a numbered timeline
// (extension matched, application and its data, what it did, digits taken, variables set), what could not
// be emulated, and one final outcome line. Colour only when asked (a terminal).

import * as path from 'node:path';
import pc from 'picocolors';
import type { SimulationReport, TimelineEntry } from './types.js';

const LOCATION_WIDTH = 44;

function shortFile(file: string | null, confDir: string): string | null {
  if (file === null) return null;
  return file.startsWith(`${confDir}/`) ? path.posix.relative(confDir, file) : file;
}

function location(e: TimelineEntry): string {
  // The call service's steps carry their simulated time instead of a place in the dialplan.
  if (e.kind === 'service' && e.seconds !== undefined) return `call service +${e.seconds.toFixed(1)}s`;
  if (e.context && e.extension) return `${e.context} › ${e.extension}`;
  if (e.context) return e.context;
  return e.kind === 'arrive' ? 'sofia' : e.kind === 'acl' ? 'sofia acl' : '';
}

export interface RenderOptions {
  color: boolean;
  /** Server path of the configuration directory (file names are shown relative to it). */
  confDir: string;
  /** The --root the files were read under. */
  root: string;
  /** How many files the configuration was read from. */
  files?: number;
}

export function renderSimulation(report: SimulationReport, opts: RenderOptions): string {
  const c = pc.createColors(opts.color);
  const { result, call } = report;
  const lines: string[] = [];
  const timing = (call.meetings ?? []).length > 0 ? "the call service's time simulated" : 'no timing';
  lines.push(c.bold(`Simulated call: nothing was dialled; FreeSWITCH's dialplan files under ${opts.root} were run by bbb-twilio's emulator (no SIP, no media, ${timing})`));
  lines.push(`  ${call.from} "${call.callerName}" at ${call.fromIp} calls ${call.to}; keys: ${call.dtmf === '' ? '(none)' : call.dtmf}; active conferences: ${call.active.length > 0 ? call.active.join(', ') : '(none)'}`);
  const meetings = call.meetings ?? [];
  if (meetings.length > 0) {
    const list = meetings.map((m) => (m.waiting ? `${m.voiceBridge} (nobody joined yet)` : m.voiceBridge)).join(', ');
    lines.push(`  call service: run in-process at \`socket\`, in simulated time, with default settings; BBB meetings: ${list}`);
  }
  lines.push(c.dim(`  configuration: ${opts.confDir}${opts.files !== undefined ? ` (${opts.files} files)` : ''}`));
  const width = Math.min(LOCATION_WIDTH, Math.max(8, ...result.timeline.map((e) => location(e).length)));
  const numWidth = String(result.timeline.length).length;
  for (const e of result.timeline) {
    const num = String(e.step).padStart(numWidth);
    const loc = location(e).padEnd(width);
    const file = shortFile(e.file, opts.confDir);
    let text: string;
    if (e.app !== null) {
      const call = `${e.app}${e.data ? ` ${e.data}` : ''}`;
      const say = e.result && e.result !== call && e.result !== e.data ? `  ${c.dim('→')} ${e.result}` : '';
      text = `${c.cyan(call)}${e.kind === 'inline' ? c.dim(' [inline]') : ''}${say}`;
    } else if (e.kind === 'match') {
      text = `${c.green(e.result)}${file ? c.dim(`  (${file}:${e.line})`) : ''}`;
    } else if (e.kind === 'no-route') {
      text = c.yellow(e.result);
    } else {
      text = e.result;
    }
    lines.push(` ${c.dim(num)}  ${c.dim(loc)}  ${text}`);
    const pad = ' '.repeat(numWidth + width + 5);
    for (const d of e.details ?? []) lines.push(`${pad}${c.dim('·')} ${d}`);
    if (e.app === 'play_and_get_digits' && e.variables) {
      const vars = Object.entries(e.variables).map(([k, v]) => (v === null ? `${k} unset` : `${k}=${v}`));
      if (vars.length > 0) lines.push(`${pad}${c.dim('·')} ${vars.join(', ')}`);
    }
    if (e.kind === 'match') {
      for (const cond of e.conditions ?? []) {
        const text = cond.field === null ? 'condition without a field: true' : `${cond.field} = ${JSON.stringify(cond.value ?? '')} ~ /${cond.expression}/ ${cond.matched ? 'yes' : 'no'}`;
        lines.push(`${pad}${c.dim('·')} ${c.dim(text)}`);
      }
    }
  }
  if (result.notEmulated.length > 0) {
    lines.push(c.yellow(`Not emulated (${result.notEmulated.length}):`));
    for (const n of result.notEmulated) {
      const file = shortFile(n.file, opts.confDir);
      const where = [file && n.line !== null ? `${file}:${n.line}` : file, n.context && n.extension ? `${n.context} › ${n.extension}` : n.context]
        .filter(Boolean)
        .join(', ');
      lines.push(`  - ${n.what}${where ? ` (${where})` : ''}: ${n.detail}`);
    }
  }
  const kind = result.outcome.kind;
  const color = kind === 'conference' || kind === 'bridge' ? c.green : kind === 'hangup' ? c.yellow : c.red;
  lines.push(`${c.bold('Outcome:')} ${color(report.summary)}`);
  return `${lines.join('\n')}\n`;
}
