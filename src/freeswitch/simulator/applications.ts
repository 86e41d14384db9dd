// The dialplan applications the simulator runs, each reporting what it did. Their data arrives expanded
// (switch_core_session_exec expands it before the application sees it); `set` expands its value once more,
// as base_set() does. conference and bridge end the simulation; anything unknown is reported, never skipped.

import { hangupCause, moduleOf, moduleOfSound, ROUTING_EXEC } from './app-catalog.js';
import type { AppRuntime, AppStep } from './app-runtime.js';
import { parsePagdArgs, playAndGetDigits } from './play-and-get-digits.js';
import { sessionTransfer } from './session-transfer.js';
import { atoi, separateString, switchTrue } from './switch-string.js';
import type { Where } from './types.js';

export type { AppRuntime, AppStep };

const LOG_LEVELS = ['CONSOLE', 'ALERT', 'CRIT', 'ERR', 'WARNING', 'NOTICE', 'INFO', 'DEBUG'];

function splitAssignment(data: string): [string, string | null] {
  let at = data.indexOf('=');
  if (at < 0) at = data.indexOf(',');
  if (at < 0) return [data, null];
  const value = data.slice(at + 1);
  return [data.slice(0, at), value === '' ? null : value];
}

function soundPath(file: string, rt: AppRuntime): string {
  if (file.startsWith('/') || /^[a-z_]+:\/\//i.test(file) || /^[a-z_]+:/i.test(file)) return file;
  const prefix = rt.channel.getVariable('sound_prefix');
  return prefix ? `${prefix}/${file}` : file;
}

function playback(data: string, rt: AppRuntime): AppStep {
  const module = moduleOfSound(data);
  if (module && rt.config.modules !== null && !rt.config.modules.some((m) => module.includes(m))) {
    rt.channel.vars.set('current_application_response', 'FILE NOT FOUND');
    return { result: `cannot play ${data}: ${module} is not loaded` };
  }
  if (!rt.channel.answered) rt.channel.earlyMedia = true;
  const details = eatDigits(rt, 'playback');
  return { result: `played ${soundPath(data, rt)}`, ...(details ? { details } : {}) };
}

/**
 * Digits already queued reach on_dtmf (mod_dptools.c), the DTMF callback of playback (and of sleep with
 * sleep_eat_digits): each is consumed, a terminator ("*" unless playback_terminators says otherwise; "any" is
 * every key, "none" none) stops there and is kept in playback_terminator_used.
 */
function eatDigits(rt: AppRuntime, by: string): string[] | undefined {
  const set = rt.channel.getVariable('playback_terminators') ?? '*';
  const terminators = set.toLowerCase() === 'any' ? '1234567890*#' : set;
  const eaten: string[] = [];
  let stoppedBy: string | null = null;
  while (rt.dtmf.hasQueued()) {
    const d = rt.dtmf.takeQueued() ?? '';
    eaten.push(d);
    if (terminators.toLowerCase() !== 'none' && terminators.includes(d)) {
      stoppedBy = d;
      rt.channel.vars.set('playback_terminator_used', d);
      break;
    }
  }
  return eaten.length > 0 ? [`queued keypresses ${eaten.join('')} ${stoppedBy ? `(stopped by ${stoppedBy})` : `consumed by the ${by}`}`] : undefined;
}

function pagdStep(data: string, where: Where, rt: AppRuntime): AppStep {
  const args = parsePagdArgs(data);
  const r = playAndGetDigits(args, rt.channel, rt.dtmf);
  rt.pinEntries.push(r);
  for (const p of r.problems) rt.report(where, 'regex', p);
  const details = r.attempts.map((a, i) => {
    const prompt = a.prompt ? `prompt ${a.prompt}${a.bargeIn ? ' (cut short by a queued key)' : ''}, ` : '';
    const how = a.stop === 'terminator' ? ` (ended by ${a.terminator})` : a.stop === 'timeout' ? ' (then no more keys: timeout)' : ' (max digits)';
    const got = a.digits === '' ? 'no digits' : `digits ${a.digits}`;
    const verdict =
      a.status === 'valid' ? 'valid' : a.status === 'rejected' ? `rejected by ${args.regex}` : a.status === 'too-short' ? `too short (min ${args.min})` : 'nothing entered';
    const invalid = a.invalidPrompt ? `; played ${a.invalidPrompt}` : '';
    return `attempt ${i + 1}/${args.tries}: ${prompt}${got}${how}: ${verdict}${invalid}`;
  });
  const variables: Record<string, string | null> = {};
  if (args.variable) {
    variables[args.variable] = rt.channel.vars.get(args.variable);
    const inv = rt.channel.vars.get(`${args.variable}_invalid`);
    if (inv !== null) variables[`${args.variable}_invalid`] = inv;
  }
  const result = r.value !== null ? `got ${r.value}` : `no valid entry after ${r.attempts.length} ${r.attempts.length === 1 ? 'try' : 'tries'}`;
  if (r.transferTo) {
    const [extension, dialplan, context] = r.transferTo;
    const t = sessionTransfer(extension, dialplan, context, where, rt);
    return { result: `${result}; ${t.result}`, details: [...details, ...(t.details ?? [])], variables: { ...variables, ...t.variables } };
  }
  return { result, details, variables };
}

/** transfer_function (mod_dptools.c): at most four blank-separated words; -bleg/-both name the bridged leg. */
function transfer(data: string, where: Where, rt: AppRuntime): AppStep {
  if (data === '') return { result: 'no data: the transfer application does nothing' };
  const argv = separateString(data, ' ', 4);
  if (argv.length < 1) return { result: 'No extension specified: nothing happens' };
  const first = (argv[0] ?? '').toLowerCase();
  if (first === '-bleg' || first === '-both') {
    // A simulated call is never bridged (bridge ends the simulation), so there is no B-leg to move.
    if (first === '-bleg') return { result: 'No B-leg present: nothing happens' };
    return sessionTransfer(argv[1], argv[2], argv[3], where, rt);
  }
  return sessionTransfer(argv[0], argv[1], argv[2], where, rt);
}

function respond(data: string, where: Where, rt: AppRuntime): AppStep {
  const code = atoi(data);
  if (rt.channel.answered) return { result: `${data}: ignored, the call is already answered` };
  if (code >= 300) {
    rt.channel.hangup(data.trim(), 'respond', where);
    return { result: `sofia answers the INVITE with ${data.trim()}; the call ends` };
  }
  if (code === 183) rt.channel.earlyMedia = true;
  return { result: `sent ${data.trim()}` };
}

function conference(data: string, where: Where, rt: AppRuntime): AppStep {
  const profile = data.includes('@') ? (data.split('@')[1] ?? '').split('+')[0] ?? '' : 'default';
  const known = rt.config.conferenceProfiles;
  const note = known !== null && !known.some((p) => p.toLowerCase() === profile.toLowerCase()) ? ` (profile ${profile} is not in conference.conf.xml)` : '';
  if (!rt.channel.answered) rt.channel.answered = true;
  rt.channel.end = { kind: 'conference', detail: data, by: 'conference', where };
  return { result: `joins conference ${data}${note}` };
}

/** Run `app` with already-expanded `data`. `inline` is true during the hunt (inline="true"). */
export function runApplication(app: string, data: string, where: Where, rt: AppRuntime, inline = false): AppStep {
  const name = app.toLowerCase();
  const ch = rt.channel;
  const module = moduleOf(name);
  if (module && rt.config.modules !== null && !rt.config.modules.includes(module)) {
    ch.hangup('DESTINATION_OUT_OF_ORDER', app, where);
    return { result: `Invalid Application: ${module} is not loaded (modules.conf.xml); FreeSWITCH hangs up` };
  }
  if (inline && !ROUTING_EXEC.has(name)) {
    return { result: `not run: FreeSWITCH refuses to execute ${app} inline` };
  }
  switch (name) {
    case 'answer':
      ch.answered = true;
      return { result: 'answered' };
    case 'pre_answer':
      ch.earlyMedia = true;
      return { result: 'early media (183)' };
    case 'ring_ready':
      return { result: 'ringing (180)' };
    case 'sleep': {
      // sleep_function listens to DTMF only when sleep_eat_digits is true.
      const details = switchTrue(ch.getVariable('sleep_eat_digits')) ? eatDigits(rt, 'sleep') : undefined;
      return { result: `paused ${atoi(data)} ms (not timed)`, ...(details ? { details } : {}) };
    }
    case 'start_dtmf':
      return { result: 'in-band DTMF detection on' };
    case 'info':
    case 'eval':
      return { result: 'no effect on the call' };
    case 'set': {
      // base_set: split at '=' (else ','), expand the value once more; an empty result unsets the variable.
      const [variable, raw] = splitAssignment(data);
      const value = (raw === null ? null : rt.expand(raw, where)) || null;
      ch.vars.set(variable, value);
      return { result: value === null ? `unset ${variable}` : `${variable}=${value}`, variables: { [variable]: value } };
    }
    case 'set_global': {
      // set_global_function: split at '=' only, no second expansion; an empty value unsets the global.
      const at = data.indexOf('=');
      const variable = at < 0 ? data : data.slice(0, at);
      const value = at < 0 ? null : data.slice(at + 1) || null;
      ch.globals.set(variable, value);
      return { result: value === null ? `unset global ${variable}` : `global ${variable}=${value}`, variables: { [variable]: value } };
    }
    case 'export': {
      // export_function + switch_channel_export_variable_var_check: split at '=' only; the variable is set under
      // the name as written (so "nolocal:x" never reads back as x) and joins export_vars only with a value.
      if (data === '') return { result: 'No variable name specified' };
      const at = data.indexOf('=');
      const target = at < 0 ? data : data.slice(0, at);
      const value = at < 0 ? null : data.slice(at + 1) || null;
      ch.vars.set(target, value);
      if (value !== null) {
        const list = ch.vars.get('export_vars');
        ch.vars.set('export_vars', list ? `${list},${target}` : target);
      }
      const local = !/^(nolocal:|_nolocal_)/i.test(target);
      return { result: `exported ${target} to bridged legs${local ? '' : ' only'}`, variables: { [target]: value } };
    }
    case 'unset':
      ch.vars.delete(data);
      return { result: `unset ${data}`, variables: { [data]: null } };
    case 'set_profile_var': {
      // set_profile_var_function splits at '=' only (base_set's ',' does not apply here).
      const at = data.indexOf('=');
      const field = at < 0 ? data : data.slice(0, at);
      const value = at < 0 ? null : data.slice(at + 1);
      ch.setProfileField(field, value ?? '');
      return { result: `caller profile ${field}=${value ?? ''}`, variables: { [`profile.${field}`]: value ?? '' } };
    }
    case 'log': {
      const sp = data.indexOf(' ');
      const first = sp >= 0 ? data.slice(0, sp).toUpperCase() : '';
      const level = LOG_LEVELS.includes(first) ? first : 'DEBUG';
      return { result: `[${level}] ${level === first ? data.slice(sp + 1) : data}` };
    }
    case 'playback':
      return playback(data, rt);
    case 'play_and_get_digits':
      return pagdStep(data, where, rt);
    case 'sched_hangup': {
      const [when = '', cause = ''] = separateString(data, ' ', 2);
      return { result: `hangup (${hangupCause(cause)}) scheduled ${when.startsWith('+') ? `in ${when.slice(1)} s` : `at ${when}`}; never reached in a simulation` };
    }
    case 'respond':
      return respond(data, where, rt);
    case 'hangup': {
      const cause = hangupCause(data);
      ch.hangup(cause, 'hangup', where);
      return { result: `hung up: ${cause}` };
    }
    case 'transfer':
      return transfer(data, where, rt);
    case 'conference':
      return conference(data, where, rt);
    case 'bridge':
      ch.end = { kind: 'bridge', detail: data, by: 'bridge', where };
      return { result: `bridges to ${data}` };
    case 'socket':
      return { result: `outbound event socket to ${data.split(' ')[0]}: nothing listens in a simulation (give --meeting to run the call service), so the connection fails and the dialplan continues` };
    default:
      rt.report(where, `application ${app}`, module ? `${app} (${module}) is not emulated; the simulation carries on as if it did nothing` : `${app} is not an application the simulator knows; if no loaded module provides it, FreeSWITCH hangs up with DESTINATION_OUT_OF_ORDER`);
      return { result: 'not emulated' };
  }
}
