// The FreeSWITCH APIs a dialplan may expand with ${api(...)}: regex and cond (mod_commands), conference
// (mod_conference, answered from the simulated conferences) and strftime (mod_dptools). Every other API is
// reported as not emulated and expands to nothing, as a failing API does in FreeSWITCH. An API whose module
// modules.conf.xml does not load does not exist, so it also expands to nothing (and says so).

import type { ConferenceState } from './conference-state.js';
import { regexPerform, performSubstitution } from './regex-perform.js';
import { strftime } from './strftime.js';
import { separateString } from './switch-string.js';

export interface ApiContext {
  conferences: ConferenceState;
  now: Date;
  /** Loaded modules, or null when unknown (then every emulated API is assumed present). */
  modules: string[] | null;
  /** Something FreeSWITCH would do that the simulator cannot reproduce exactly. */
  report(what: string, detail: string): void;
}

const API_MODULE: Record<string, string> = {
  regex: 'mod_commands',
  cond: 'mod_commands',
  conference: 'mod_conference',
  strftime: 'mod_dptools',
  expr: 'mod_expr',
  system: 'mod_commands',
  bg_system: 'mod_commands',
  curl: 'mod_curl',
  lua: 'mod_lua',
  luarun: 'mod_lua',
};

/**
 * ${regex(data|pattern[|substitution[|flags]])}, or with "m:X" first to use X (one of | ~ /) as the separator
 * (mod_commands.c, regex_function). Without a match, flag "n" gives "", "b" gives "false", else the subject.
 */
export function regexApi(cmd: string, ctx: Pick<ApiContext, 'report'>): string {
  let d = cmd;
  let delim = '|';
  if (d.startsWith('m:') && d.length > 2 && '|~/'.includes(d[2] as string)) {
    delim = d[2] as string;
    d = d.slice(3);
  }
  const argv = separateString(d, delim, 4);
  if (argv.length < 2) return '-ERR';
  const [subject, pattern, subst, flags = ''] = argv as [string, string, string | undefined, string | undefined];
  const outcome = regexPerform(subject, pattern);
  if (outcome.problem) ctx.report('regex', outcome.problem);
  const count = outcome.match?.count ?? 0;
  if (subst !== undefined) {
    if (count > 0 && outcome.match) return performSubstitution(subst.replace(/%/g, '$'), outcome.match, subject);
    if (flags.includes('n')) return '';
    if (flags.includes('b')) return 'false';
    return subject;
  }
  return count > 0 ? 'true' : 'false';
}

/** switch_is_number(): an optional sign, then only digits and dots (so "" counts as the number 0). */
function isNumber(s: string): boolean {
  return /^[-+]?[0-9.]*$/.test(s);
}

const SPACE = /[ \t\n\v\f\r]/;

/** One operand of cond_function: a '...' string (backslash escapes \\ and \') or text up to a blank; null on error. */
function condOperand(text: string, at: number): { value: string; quoted: boolean; next: number } | null {
  if (text[at] === "'") {
    let e = at + 1;
    for (; e < text.length; e++) {
      if (text[e] === '\\' && (text[e + 1] === '\\' || text[e + 1] === "'")) e++;
      else if (text[e] === "'") break;
    }
    if (e >= text.length || !SPACE.test(text[e + 1] ?? '')) return null;
    return { value: text.slice(at + 1, e), quoted: true, next: e + 1 };
  }
  const sp = text.indexOf(' ', at);
  if (sp < 0) return null;
  return { value: text.slice(at, sp), quoted: false, next: sp + 1 };
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && SPACE.test(text[i] as string)) i++;
  return i;
}

/**
 * ${cond(a <op> b ? true-value : false-value)}, as cond_function (mod_commands.c) parses it: a and b are each
 * a '...' string or one blank-free word, the operator one of == != > >= < <= followed by one skipped
 * character; numbers compare as numbers (quoted ones do not count as numbers), other strings by length,
 * except == and != between two strings. Anything else is -ERR.
 */
export function condApi(cmd: string): string {
  const a = condOperand(cmd, 0);
  if (!a) return '-ERR';
  let at = skipSpace(cmd, a.next);
  const ch = cmd[at];
  const two = cmd[at + 1] === '=';
  const op = ch === '!' ? (two ? 'ne' : null) : ch === '>' ? (two ? 'ge' : 'gt') : ch === '<' ? (two ? 'le' : 'lt') : ch === '=' ? (two ? 'eq' : null) : null;
  if (op === null) return '-ERR';
  at = skipSpace(cmd, at + (two ? 2 : 1) + 1);
  const b = condOperand(cmd, at);
  if (!b) return '-ERR';
  at = skipSpace(cmd, b.next);
  if (cmd[at] !== '?') return '-ERR';
  const argv = separateString(`:${cmd.slice(at + 1)}`, ':', 3);
  if (argv.length < 2 || argv.length > 3) return '-ERR';
  const aNum = isNumber(a.value) && !a.quoted;
  const bNum = isNumber(b.value) && !b.quoted;
  const af = aNum ? Number.parseFloat(a.value) || 0 : a.value.length;
  const bf = bNum ? Number.parseFloat(b.value) || 0 : b.value.length;
  let truth: boolean;
  if (op === 'eq') truth = !aNum && !bNum ? a.value === b.value : af === bf;
  else if (op === 'ne') truth = !aNum && !bNum ? a.value !== b.value : af !== bf;
  else if (op === 'gt') truth = af > bf;
  else if (op === 'ge') truth = af >= bf;
  else if (op === 'lt') truth = af < bf;
  else truth = af <= bf;
  if (argv.length === 2 && !truth) return '';
  return (truth ? argv[1] : argv[2]) ?? '';
}

/** Run API `name` with `args`; null when FreeSWITCH's API would fail or is absent. */
export function callApi(name: string, args: string, ctx: ApiContext): string | null {
  const api = name.toLowerCase();
  const module = API_MODULE[api];
  if (module && ctx.modules !== null && !ctx.modules.includes(module)) {
    ctx.report(`api ${api}`, `${module} is not loaded (modules.conf.xml), so \${${api}(...)} expands to nothing`);
    return null;
  }
  switch (api) {
    case 'regex':
      return regexApi(args, ctx);
    case 'cond':
      return condApi(args);
    case 'conference':
      return ctx.conferences.api(separateString(args, ' ', 32));
    case 'strftime':
      return strftime(args, ctx.now);
    default:
      ctx.report(`api ${api}`, `\${${api}(${args})} is not emulated; it expands to nothing here`);
      return null;
  }
}
