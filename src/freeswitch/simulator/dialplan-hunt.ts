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

/** regex="all|any|xor" conditions with <regex field= expression=/> children. */
function evalRegexRule(xcond: XmlNode, rule: string, s: ParseState): { pass: boolean; proceed: boolean; match: RegexMatch | null; expression: string; subject: string } {
  const all = rule.toLowerCase() === 'all';
  const xor = rule.toLowerCase() === 'xor';
  let pass = 0;
  let fail = 0;
  let total = 0;
  let proceed = false;
  let saved: RegexMatch | null = null;
  let savedExpression = '';
  let savedSubject = '';
  s.host.channel.vars.deletePrefix('DP_REGEX_MATCH');
  for (const xregex of childElements(xcond, 'regex')) {
    timeMatch(xregex, s);
    const expression = s.host.expand(expressionOf(xregex), whereOf(xregex, s));
    total++;
    const field = xregex.attrs.get('field');
    let match: RegexMatch | null = null;
    let value = '';
    if (field !== undefined) {
      value = fieldValue(field, xregex, s);
      match = runRegex(value, expression, xregex, s);
      proceed = match !== null;
      s.trace.conditions.push({ field, value, expression, matched: proceed, break: `regex=${rule}` });
      if (proceed) pass++;
      else fail++;
      if (proceed && !all && !xor) break;
      if (!proceed && all && !xor) break;
    } else {
      pass++;
      proceed = true;
      if (!all && !xor) break; // a field-less <regex> (time-only, not evaluated) passes
    }
    if (field !== undefined && expression.includes('(') && match) {
      captureInto(s.host.channel, `DP_REGEX_MATCH_${total}`, match);
      saved = match;
      savedExpression = expression;
      savedSubject = value;
    }
  }
  const ok = xor ? pass === 1 : (all && fail === 0) || (!all && pass > 0);
  return { pass: ok, proceed: saved ? true : proceed, match: saved, expression: savedExpression, subject: savedSubject };
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
    let antiAction = true;
    const mode = breakMode(xcond);
    const tm = timeMatch(xcond, s);
    if (tm === 1) {
      antiAction = false;
      proceed = true;
    }
    let field: string | null = xcond.attrs.get('field') ?? null;
    let expression: string;
    let subject = '';
    let match: RegexMatch | null = null;
    const rule = xcond.attrs.get('regex');
    if (rule !== undefined) {
      const r = evalRegexRule(xcond, rule, s);
      if (r.pass) antiAction = false;
      proceed = r.proceed;
      match = r.match;
      expression = r.expression;
      subject = r.subject;
      field = match ? 'regex' : null;
    } else {
      expression = s.host.expand(expressionOf(xcond), whereOf(xcond, s));
      if (field !== null) {
        const value = fieldValue(field, xcond, s);
        subject = value;
        match = runRegex(value, expression, xcond, s);
        proceed = match !== null;
        if (proceed) antiAction = false;
        s.trace.conditions.push({ field, value, expression, matched: proceed, break: mode });
      } else if (tm === -1) {
        antiAction = false;
        proceed = true;
        s.trace.conditions.push({ field: null, value: null, expression, matched: true, break: mode });
      }
    }
    if (antiAction) {
      for (const xaction of childElements(xcond, 'anti-action')) {
        queue(xaction, dataOf(xaction), true, s);
        proceed = true;
      }
    } else {
      const substitute = field !== null && expression.includes('(') && match !== null;
      if (substitute && match) captureInto(channel, 'DP_MATCH', match);
      for (const xaction of childElements(xcond, 'action')) {
        const data = dataOf(xaction);
        queue(xaction, substitute && match ? performSubstitution(data, match, subject) : data, false, s);
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
