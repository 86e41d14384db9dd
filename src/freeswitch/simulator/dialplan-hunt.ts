// The XML dialplan hunt, ported from mod_dialplan_xml.c (dialplan_hunt / parse_exten):
// - the context is found by name (case-insensitively), else "global"; extensions are tried in document order;
// - a condition's field is a caller-profile field when it has no '$', else an expansion; its expression is
//   expanded too, then matched (PCRE);
// - a passing condition queues its actions (with $n captures substituted when the expression has a '(');
//   a failing one queues its anti-actions, and having any anti-action makes the extension count as matched;
// - break="on-false" (default) stops at a failing condition, "on-true" at a passing one, "always" after
//   any, "never" goes on; the extension matched when the last condition evaluated passed (or queued
//   anti-actions), so a failing last condition after a break="never" one means no match, though actions
//   already queued stay queued;
// - inline="true" runs the application during the hunt, so later conditions see what it set;
// - the hunt stops at the first matching extension unless it has continue="true".
// Everything queued, by every extension tried, is what the call executes.

import type { Channel } from './channel.js';
import type { LoadedConfig } from './load-config.js';
import { findDialplanContext } from './load-config.js';
import type { RegexMatch } from './regex-perform.js';
import { performSubstitution, regexPerform } from './regex-perform.js';
import { needsExpansion } from './expand.js';
import { switchTrue } from './switch-string.js';
import type { ConditionTrace, Where } from './types.js';
import type { XmlNode } from './xml-tree.js';
import { childElements, firstChild } from './xml-tree.js';

export interface QueuedApp {
  app: string;
  data: string;
  where: Where;
  anti: boolean;
}

export interface ExtensionTrace {
  name: string;
  where: Where;
  matched: boolean;
  conditions: ConditionTrace[];
  /** Applications this extension queued (or ran inline). */
  queued: number;
}

export interface HuntResult {
  /** The context searched (after the "global" fallback), or null when neither exists. */
  context: string | null;
  apps: QueuedApp[];
  extensions: ExtensionTrace[];
  /** An extension matched and ended the hunt (one without continue="true"). */
  terminal: boolean;
}

export interface HuntHost {
  config: LoadedConfig;
  channel: Channel;
  expand(text: string, where: Where): string;
  /** Run an inline="true" application now. */
  execInline(app: string, data: string, where: Where): void;
  report(where: Where, what: string, detail: string): void;
}

const TIME_ATTRS = ['year', 'yday', 'mon', 'mday', 'week', 'mweek', 'wday', 'hour', 'minute', 'minute-of-day', 'time-of-day', 'date-time', 'tod'];
const MAX_RECURSION = 100;

type BreakMode = 'on-true' | 'on-false' | 'always' | 'never';

interface ParseState {
  host: HuntHost;
  context: string;
  extension: string;
  apps: QueuedApp[];
  trace: ExtensionTrace;
}

function whereOf(node: XmlNode, s: ParseState): Where {
  return { file: node.origin.file, line: node.origin.line, context: s.context, extension: s.extension };
}

function breakMode(node: XmlNode): BreakMode {
  const b = node.attrs.get('break')?.toLowerCase();
  return b === 'on-true' || b === 'always' || b === 'never' ? b : 'on-false';
}

/** switch_xml_std_datetime_check: -1 when the node has no time attributes. Time is not emulated. */
function timeMatch(node: XmlNode, s: ParseState): -1 | 1 {
  const attrs = TIME_ATTRS.filter((a) => node.attrs.has(a));
  if (attrs.length === 0) return -1;
  s.host.report(whereOf(node, s), 'time condition', `${attrs.join(', ')} not evaluated (no clock in a simulation); assumed to match`);
  return 1;
}

function expressionOf(node: XmlNode): string {
  const child = firstChild(node, 'expression');
  return child ? child.text : (node.attrs.get('expression') ?? '');
}

function fieldValue(field: string, node: XmlNode, s: ParseState): string {
  if (field.includes('$')) return s.host.expand(field, whereOf(node, s));
  return s.host.channel.getProfileField(field) ?? '';
}

function runRegex(subject: string, expression: string, node: XmlNode, s: ParseState): RegexMatch | null {
  const outcome = regexPerform(subject, expression);
  if (outcome.problem) s.host.report(whereOf(node, s), 'regex', outcome.problem);
  return outcome.match && outcome.match.count > 0 ? outcome.match : null;
}

/**
 * switch_capture_regex + switch_regex_set_var_callback: each capture below the count is pushed onto the
 * variable; an empty one (or one that did not take part) goes through switch_channel_add_variable_var_check,
 * which deletes the whole variable for an empty value, so only the captures after it survive.
 */
function captureInto(channel: Channel, variable: string, match: RegexMatch): void {
  channel.vars.delete(variable);
  for (let i = 0; i < match.count; i++) {
    const g = match.groups[i] ?? '';
    if (g === '') channel.vars.delete(variable);
    else channel.vars.push(variable, g);
  }
}

function queue(node: XmlNode, appData: string, anti: boolean, s: ParseState): void {
  const app = node.attrs.get('application') ?? '';
  const loop = node.attrs.has('loop') ? Number.parseInt(node.attrs.get('loop') ?? '0', 10) || 0 : 1;
  const where = whereOf(node, s);
  for (let i = 0; i < loop; i++) {
    s.trace.queued++;
    if (switchTrue(node.attrs.get('inline'))) s.host.execInline(app, appData, where);
    else s.apps.push({ app, data: appData, where, anti });
  }
}

function dataOf(node: XmlNode): string {
  return node.text !== '' ? node.text : (node.attrs.get('data') ?? '');
}

/** What a condition leaves for its actions: the field, expression, match and subject $n substitution uses. */
interface CondResult {
  antiAction: boolean;
  /** The new value of parse_exten's `proceed`, or null when the condition leaves it as it was. */
  proceed: boolean | null;
  field: string | null;
  /** null where the C code has NULL (an expanded <regex> expression is freed after its test). */
  expression: string | null;
  match: RegexMatch | null;
  subject: string;
}

/**
 * regex="all|any|xor" conditions with <regex field= expression=/> children, as parse_exten walks them: "any"
 * stops at the first pass and "all" at the first failure, before the capture step, so the stopping regex's
 * match is what the actions substitute (unless its expression was expanded: the C code has freed it). A
 * completed walk keeps the last regex that had a field and a '(' (its DP_REGEX_MATCH_n set), even a failed one.
 */
function evalRegexRule(xcond: XmlNode, rule: string, s: ParseState): CondResult {
  const all = rule.toLowerCase() === 'all';
  const xor = rule.toLowerCase() === 'xor';
  let pass = 0;
  let fail = 0;
  let total = 0;
  let proceed: boolean | null = null;
  let field: string | null = xcond.attrs.get('field') ?? null;
  let expression: string | null = null;
  let current: RegexMatch | null = null;
  let subject = '';
  let saved: { match: RegexMatch; expression: string; subject: string } | null = null;
  s.host.channel.vars.deletePrefix('DP_REGEX_MATCH');
  for (const xregex of childElements(xcond, 'regex')) {
    timeMatch(xregex, s);
    const raw = expressionOf(xregex);
    const expanded = raw !== '' && needsExpansion(raw);
    expression = s.host.expand(raw, whereOf(xregex, s));
    total++;
    field = xregex.attrs.get('field') ?? null;
    current = null;
    let stop = false;
    if (field !== null) {
      subject = fieldValue(field, xregex, s);
      current = runRegex(subject, expression, xregex, s);
      proceed = current !== null;
      s.trace.conditions.push({ field, value: subject, expression, matched: proceed, break: `regex=${rule}` });
      if (proceed) pass++;
      else fail++;
      stop = proceed ? !all && !xor : all && !xor;
    } else {
      pass++; // a field-less <regex> (time-only, not evaluated) passes
      proceed = true;
      stop = !all && !xor;
    }
    if (stop) {
      if (field?.includes('$') && expression.includes('(') && !expanded) {
        s.host.report(whereOf(xregex, s), 'regex', `$n in the actions are taken from the expanded field ${field}, which FreeSWITCH has already freed at that point; its result may differ`);
      }
      if (expanded) expression = null;
      break;
    }
    if (field !== null && expression.includes('(')) {
      const variable = `DP_REGEX_MATCH_${total}`;
      s.host.channel.vars.delete(variable);
      if (current) captureInto(s.host.channel, variable, current);
      saved = current ? { match: current, expression, subject } : null;
    }
    current = null;
    if (expanded) expression = null;
  }
  const ok = xor ? pass === 1 : (all && fail === 0) || (!all && pass > 0);
  if (saved) return { antiAction: !ok, proceed: true, field: saved.subject, expression: saved.expression, match: saved.match, subject: saved.subject };
  return { antiAction: !ok, proceed, field, expression, match: current, subject };
}

function evalCondition(xcond: XmlNode, tm: -1 | 1, mode: BreakMode, s: ParseState): CondResult {
  const field = xcond.attrs.get('field') ?? null;
  const expression = s.host.expand(expressionOf(xcond), whereOf(xcond, s));
  if (field !== null) {
    const subject = fieldValue(field, xcond, s);
    const match = runRegex(subject, expression, xcond, s);
    s.trace.conditions.push({ field, value: subject, expression, matched: match !== null, break: mode });
    return { antiAction: match === null, proceed: match !== null, field, expression, match, subject };
  }
  if (tm === -1) s.trace.conditions.push({ field: null, value: null, expression, matched: true, break: mode });
  return { antiAction: false, proceed: tm === -1 ? true : null, field, expression, match: null, subject: '' };
}

function parseExten(xexten: XmlNode, s: ParseState, recur: number): boolean {
  let proceed = false;
  let requireNested = true;
  if (recur > 0) {
    if (recur > MAX_RECURSION) return false;
    const rn = xexten.attrs.get('require-nested');
    if (rn !== undefined) requireNested = switchTrue(rn);
  }
  const channel = s.host.channel;
  for (const xcond of childElements(xexten, 'condition')) {
    const mode = breakMode(xcond);
    const tm = timeMatch(xcond, s);
    if (tm === 1) proceed = true;
    const rule = xcond.attrs.get('regex');
    const r = rule !== undefined ? evalRegexRule(xcond, rule, s) : evalCondition(xcond, tm, mode, s);
    // A time match (assumed here) clears anti_action before the regex runs, and nothing sets it back.
    const antiAction = tm === 1 ? false : r.antiAction;
    if (r.proceed !== null) proceed = r.proceed;
    if (antiAction) {
      for (const xaction of childElements(xcond, 'anti-action')) {
        queue(xaction, dataOf(xaction), true, s);
        proceed = true;
      }
    } else {
      const substitute = r.field !== null && r.expression !== null && r.expression.includes('(');
      if (substitute) {
        channel.vars.delete('DP_MATCH');
        if (r.match) captureInto(channel, 'DP_MATCH', r.match);
        else s.host.report(whereOf(xcond, s), 'regex', 'actions substitute $n from a regex that did not match (FreeSWITCH writes past a zero-length buffer here); the data is left as written');
      }
      for (const xaction of childElements(xcond, 'action')) {
        const data = dataOf(xaction);
        queue(xaction, substitute && r.match ? performSubstitution(data, r.match, r.subject) : data, false, s);
      }
    }
    if ((!antiAction && mode === 'on-true') || (antiAction && mode === 'on-false') || mode === 'always') break;
    if (proceed && childElements(xcond, 'condition').length > 0) {
      proceed = parseExten(xcond, s, recur + 1);
      if (!proceed) {
        if (mode === 'never') continue;
        break;
      }
    }
  }
  if (!requireNested) proceed = true;
  return proceed;
}

/** Hunt the caller profile's context for extensions; what they queued is what the call will run. */
export function huntDialplan(host: HuntHost): HuntResult {
  const wanted = host.channel.getProfileField('context') ?? 'default';
  const context = findDialplanContext(host.config, wanted);
  if (!context) return { context: null, apps: [], extensions: [], terminal: false };
  const contextName = context.attrs.get('name') ?? wanted;
  const apps: QueuedApp[] = [];
  const extensions: ExtensionTrace[] = [];
  let all = childElements(context, 'extension');
  if (switchTrue(host.channel.getVariable('auto_hunt'))) {
    const dest = (host.channel.getProfileField('destination_number') ?? '').toLowerCase();
    const at = all.findIndex((x) => x.attrs.get('name')?.toLowerCase() === dest);
    if (at >= 0) all = all.slice(at);
  }
  for (const xexten of all) {
    const name = xexten.attrs.get('name') ?? '_anon_';
    const trace: ExtensionTrace = {
      name,
      where: { file: xexten.origin.file, line: xexten.origin.line, context: contextName, extension: name },
      matched: false,
      conditions: [],
      queued: 0,
    };
    const proceed = parseExten(xexten, { host, context: contextName, extension: name, apps, trace }, 0);
    trace.matched = proceed;
    extensions.push(trace);
    if (proceed && !switchTrue(xexten.attrs.get('continue'))) return { context: contextName, apps, extensions, terminal: true };
  }
  return { context: contextName, apps, extensions, terminal: false };
}
