// FreeSWITCH's configuration pre-processor (preprocess() in src/switch_xml.c), line by line, before any XML
// parsing: every line has $${var} expanded with the globals set so far; lines containing "<include>",
// "</include>" or "<?" are dropped; a line with "<X-PRE-PROCESS" runs its command and is dropped whole
// (XML comments are not understood, so a commented-out X-PRE-PROCESS line still runs, and a line naming
// "X-PRE-PROCESS" after anything but '<' is dropped too); `data` is read raw up to the next '"'.
// "<!--#cmd arg-->" comments are the older form of the same commands.

import * as path from 'node:path';
import type { GlobalVariable } from './core-globals.js';
import { globFiles, type ReadHost } from './glob.js';
import { VarStore } from './var-store.js';

/** The part of the Host the loader needs: it only reads (defined beside the glob, which needs it too). */
export type { ReadHost };

export interface SourceLocation {
  file: string;
  line: number;
}

export type LoadNoteKind =
  | 'missing-include'
  | 'undefined-variable'
  | 'unresolved'
  | 'redefined'
  | 'recursion'
  | 'unknown-command';

export interface LoadNote extends SourceLocation {
  kind: LoadNoteKind;
  message: string;
}

export interface PreprocessState {
  globals: VarStore;
  globalInfo: Map<string, GlobalVariable>;
  notes: LoadNote[];
  /** Every file read, in the order read. */
  files: string[];
}

export interface PreprocessOutput {
  text: string;
  /** lineOrigins[n - 1] is where line n of `text` came from. */
  lineOrigins: SourceLocation[];
}

const MAX_DEPTH = 100;

export function newPreprocessState(seed: GlobalVariable[]): PreprocessState {
  const state: PreprocessState = { globals: new VarStore(), globalInfo: new Map(), notes: [], files: [] };
  for (const g of seed) {
    state.globals.set(g.name, g.value);
    state.globalInfo.set(g.name.toLowerCase(), g);
  }
  return state;
}

class Emitter {
  readonly chunks: Array<{ text: string; origin: SourceLocation }> = [];
  emit(text: string, origin: SourceLocation): void {
    if (text !== '') this.chunks.push({ text, origin });
  }
  result(): PreprocessOutput {
    const lineOrigins: SourceLocation[] = [];
    let text = '';
    let atLineStart = true;
    for (const { text: t, origin } of this.chunks) {
      for (let k = 0; k < t.length; k++) {
        if (atLineStart) {
          lineOrigins.push(origin);
          atLineStart = false;
        }
        if (t[k] === '\n') atLineStart = true;
      }
      text += t;
    }
    return { text, lineOrigins };
  }
}

function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Index of the '}' closing the '{' at `open`, counting nested braces (switch_find_end_paren). */
function endBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function expandGlobals(state: PreprocessState, line: string, where: SourceLocation): string {
  if (!line.includes('$${')) return line;
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line.startsWith('$${', i)) {
      const end = endBrace(line, i + 2);
      if (end >= 0) {
        const name = line.slice(i + 3, end);
        const value = state.globals.get(name);
        if (value === null) {
          state.notes.push({ kind: 'undefined-variable', message: `$\${${name}} is not defined here; FreeSWITCH puts an empty string`, ...where });
        } else {
          out += value;
        }
        i = end + 1;
        continue;
      }
    }
    out += line[i];
    i++;
  }
  return out;
}

function setGlobal(state: PreprocessState, keyval: string, where: SourceLocation, unresolved?: string): void {
  const eq = keyval.indexOf('=');
  if (eq < 0) return; // FreeSWITCH sets nothing without '='
  const name = keyval.slice(0, eq).replace(/ +$/, '');
  const value = keyval.slice(eq + 1).replace(/^ +/, '');
  const prev = state.globalInfo.get(name.toLowerCase());
  if (prev && prev.file !== null) {
    state.notes.push({ kind: 'redefined', message: `${name} is set again (first at ${prev.file}:${prev.line}); the later value wins from here on`, ...where });
  }
  const info: GlobalVariable = { name, value, file: where.file, line: where.line };
  if (unresolved) info.unresolved = unresolved;
  else if (value.toLowerCase().startsWith('stun:')) info.unresolved = 'a STUN lookup that sofia makes when it starts the profile';
  state.globals.set(name, value);
  state.globalInfo.set(name.toLowerCase(), info);
  if (info.unresolved) state.notes.push({ kind: 'unresolved', message: `${name}=${value}: ${info.unresolved}`, ...where });
}

function indexOfCi(haystack: string, needle: string, from = 0): number {
  return haystack.toLowerCase().indexOf(needle.toLowerCase(), from);
}

/** The value of `attr="..."` after `from`, read as FreeSWITCH does: raw up to the next '"'. */
function rawAttr(s: string, attr: string, from: number): { value: string; end: number } | null {
  const at = indexOfCi(s, attr, from);
  if (at < 0) return null;
  const eq = s.indexOf('=', at);
  if (eq < 0) return null;
  const q = s.indexOf('"', eq);
  if (q < 0) return null;
  const close = s.indexOf('"', q + 1);
  return close < 0 ? { value: s.slice(q + 1), end: s.length } : { value: s.slice(q + 1, close), end: close + 1 };
}

async function runCommand(
  host: ReadHost, state: PreprocessState, out: Emitter, cwd: string, cmd: string, arg: string, where: SourceLocation, depth: number,
): Promise<void> {
  switch (cmd.toLowerCase()) {
    case 'set':
      setGlobal(state, arg, where);
      return;
    case 'stun-set':
      setGlobal(state, arg, where, 'resolved by a STUN lookup when FreeSWITCH loads its configuration');
      return;
    case 'env-set':
      setGlobal(state, arg, where, 'read from FreeSWITCH\'s environment when it loads its configuration');
      return;
    case 'exec-set':
      setGlobal(state, arg, where, 'the output of a command FreeSWITCH runs when it loads (never run by the simulator)');
      return;
    case 'exec':
      state.notes.push({ kind: 'unresolved', message: `exec "${arg}" inserts a command's output here; not run by the simulator`, ...where });
      return;
    case 'include': {
      const pattern = arg.startsWith('/') ? arg : path.posix.join(cwd, arg);
      const { paths, matched } = await globFiles(host, pattern);
      if (!matched) {
        state.notes.push({ kind: 'missing-include', message: `include "${arg}" matches no file`, ...where });
        return;
      }
      for (const file of paths) await preprocessInto(host, state, out, path.posix.dirname(file), file, depth + 1, where);
      return;
    }
    default:
      state.notes.push({ kind: 'unknown-command', message: `unknown pre-process command "${cmd}" ignored`, ...where });
  }
}

async function preprocessLines(
  host: ReadHost, state: PreprocessState, out: Emitter, cwd: string, file: string, text: string, depth: number,
): Promise<void> {
  let inHashComment = false;
  let n = 0;
  for (const buf of lines(text)) {
    const where = { file, line: ++n };
    let bp = expandGlobals(state, buf, where);
    if (buf.includes('<include>') || buf.includes('</include>') || buf.includes('<?')) continue;
    if (inHashComment) {
      const e = buf.indexOf('-->');
      if (e < 0) continue;
      inHashComment = false;
      bp = buf.slice(e + 3);
    }
    const tcmd = indexOfCi(bp, 'X-pre-process');
    if (tcmd >= 0) {
      if (tcmd === 0 || bp[tcmd - 1] !== '<') continue;
      const close = bp.indexOf('/>', tcmd);
      const tag = close >= 0 ? bp.slice(tcmd, close) : bp.slice(tcmd);
      const cmd = rawAttr(tag, 'cmd', 0);
      const data = cmd ? rawAttr(tag, 'data', cmd.end) : null;
      if (cmd && data) await runCommand(host, state, out, cwd, cmd.value, data.value, where, depth);
      continue;
    }
    const hash = bp.indexOf('<!--#');
    if (hash >= 0) {
      out.emit(bp.slice(0, hash), where);
      const end = bp.indexOf('-->', hash);
      let body: string;
      if (end >= 0) {
        out.emit(bp.slice(end + 3), where);
        body = bp.slice(hash + 5, end);
      } else {
        inHashComment = true;
        body = bp.slice(hash + 5);
      }
      body = body.split(/[\r\n]/)[0] ?? '';
      const sp = body.indexOf(' ');
      if (sp >= 0) {
        let arg = body.slice(sp + 1);
        const q = arg.indexOf('"');
        const qq = q >= 0 ? arg.indexOf('"', q + 1) : -1;
        if (qq >= 0) arg = arg.slice(q + 1, qq);
        await runCommand(host, state, out, cwd, body.slice(0, sp), arg, where, depth);
      }
      continue;
    }
    out.emit(bp, where);
  }
}

async function preprocessInto(
  host: ReadHost, state: PreprocessState, out: Emitter, cwd: string, file: string, depth: number, from: SourceLocation | null,
): Promise<void> {
  if (depth > MAX_DEPTH) {
    state.notes.push({ kind: 'recursion', message: `including ${file} exceeds FreeSWITCH's limit of ${MAX_DEPTH} levels`, ...(from ?? { file, line: 0 }) });
    return;
  }
  const st = await host.lstat(await host.realpath(file));
  const bytes = st?.kind === 'file' ? await host.readBytes(file) : null;
  if (bytes === null) {
    if (from === null) throw new Error(`cannot open ${file}`);
    state.notes.push({ kind: 'missing-include', message: `cannot open ${file}`, ...from });
    return;
  }
  state.files.push(file);
  await preprocessLines(host, state, out, cwd, file, bytes.toString('utf8'), depth);
}

/** Pre-process `file` (a server path), including what it includes; relative includes start from `cwd`. */
export async function preprocessFile(host: ReadHost, state: PreprocessState, cwd: string, file: string): Promise<PreprocessOutput> {
  const out = new Emitter();
  await preprocessInto(host, state, out, cwd, file, 0, null);
  return out.result();
}

/** Pre-process text that is not a file on the server (a stand-in document), named `name` in locations. */
export async function preprocessText(host: ReadHost, state: PreprocessState, cwd: string, name: string, text: string): Promise<PreprocessOutput> {
  const out = new Emitter();
  await preprocessLines(host, state, out, cwd, name, text, 0);
  return out.result();
}
