// play_and_get_digits, ported from mod_dptools (argument parsing) and switch_ivr_play_say.c
// (switch_play_and_get_digits / switch_ivr_read / switch_ivr_collect_digits_count):
// <min> <max> <tries> <timeout_ms> <terminators> <prompt> <invalid_prompt> <var> <regex> [<digit_timeout_ms>]
// [<transfer_on_failure>]. Each try pre-answers, plays the prompt (a digit already queued cuts it short and
// becomes the entry's first digit, or ends the entry at once when it is a terminator; the invalid-entry prompt
// leaves queued digits alone), then collects until `max` digits, a terminator (not kept), or a timeout
// (here: the script has no more digits). Too few digits, or digits the regex rejects, play the invalid-entry
// prompt and use up a try. The variable is set by every read that got digits; a regex rejection unsets it
// again and sets <var>_invalid; so after all tries fail on too-short entries it still holds the last one.

import type { Channel } from './channel.js';
import type { DtmfScript } from './dtmf-script.js';
import { regexPerform } from './regex-perform.js';
import { atoi, separateString } from './switch-string.js';

export interface PagdArgs {
  min: number;
  max: number;
  tries: number;
  timeout: number;
  terminators: string;
  prompt: string;
  invalidPrompt: string;
  variable: string;
  regex: string;
  digitTimeout: number;
  transferOnFailure: string;
}

export type AttemptStatus = 'valid' | 'rejected' | 'too-short' | 'no-digits';

export interface PagdAttempt {
  prompt: string | null;
  /** The prompt was cut short by a digit that was already queued. */
  bargeIn: boolean;
  digits: string;
  terminator: string | null;
  /** Why collection stopped: max digits, a terminator, or no more digits (a timeout). */
  stop: 'max' | 'terminator' | 'timeout';
  status: AttemptStatus;
  invalidPrompt: string | null;
}

export interface PagdResult {
  args: PagdArgs;
  attempts: PagdAttempt[];
  value: string | null;
  /** transfer-on-failure split into extension, dialplan, context, for switch_ivr_session_transfer. */
  transferTo: string[] | null;
  problems: string[];
}

/** Parse the application data the way play_and_get_digits_function does (blank-separated, quotes kept). */
export function parsePagdArgs(data: string): PagdArgs {
  const argv = separateString(data, ' ', 11);
  const arg = (i: number): string => argv[i] ?? '';
  let min = atoi(arg(0));
  let max = argv.length > 1 ? atoi(arg(1)) : 0;
  let timeout = argv.length > 3 ? atoi(arg(3)) : 1000;
  if (min <= 0) min = 0;
  if (max < min) max = min;
  if (timeout <= 1000) timeout = 1000;
  return {
    min,
    max,
    tries: argv.length > 2 ? atoi(arg(2)) : 0,
    timeout,
    terminators: arg(4) === '' ? '#' : arg(4),
    prompt: arg(5),
    invalidPrompt: arg(6),
    variable: arg(7),
    regex: arg(8),
    digitTimeout: Math.max(0, atoi(arg(9))),
    transferOnFailure: arg(10),
  };
}

type ReadStatus = 'success' | 'timeout' | 'too-small' | 'restart';

function ivrRead(a: PagdArgs, channel: Channel, dtmf: DtmfScript): { status: ReadStatus; attempt: PagdAttempt } {
  const termRequired = a.terminators.startsWith('=');
  channel.vars.delete('read_result');
  if (a.variable) channel.vars.delete(a.variable);
  if (!channel.answered) channel.earlyMedia = true;
  let buffer = '';
  const prompt = a.prompt !== '' && a.prompt.toLowerCase() !== 'silence' ? a.prompt : null;
  let bargeIn = false;
  if (prompt && dtmf.hasQueued()) {
    buffer = dtmf.takeQueued() ?? '';
    bargeIn = true;
  }
  let status: ReadStatus = 'success';
  let terminator: string | null = null;
  let stop: PagdAttempt['stop'] = 'max';
  // switch_ivr_collect_digits_count first looks for a terminator among the digits already in the buffer (the
  // one that cut the prompt short): it ends the entry there.
  const early = a.terminators === '' ? -1 : [...buffer].findIndex((ch) => a.terminators.includes(ch));
  if (((a.min && buffer.length < a.min) || buffer.length < a.max) && early >= 0) {
    terminator = buffer[early] ?? null;
    buffer = buffer.slice(0, early);
    stop = 'terminator';
  } else if ((a.min && buffer.length < a.min) || buffer.length < a.max) {
    for (;;) {
      if (buffer.length >= a.max) break;
      // The caller types a new entry only when a read starts with nothing queued; an entry that runs out
      // mid-read is a pause, so the read times out (digit_timeout) rather than taking the next entry.
      const d = buffer === '' && !bargeIn ? dtmf.take() : dtmf.takeQueued();
      if (d === null) {
        status = 'timeout';
        stop = 'timeout';
        break;
      }
      if (a.terminators.includes(d)) {
        terminator = d;
        stop = 'terminator';
        break;
      }
      buffer += d;
      if (buffer.length >= a.max) break;
    }
  }
  if (terminator) {
    channel.vars.set('read_terminator_used', terminator);
    const at = a.terminators.indexOf(terminator);
    const before = at > 0 ? a.terminators[at - 1] : '';
    if (before === '+' || before === 'x') {
      buffer += terminator;
      if (before === 'x') status = 'restart';
    }
  } else if (termRequired) {
    status = 'too-small';
  }
  if (a.min && buffer.length < a.min) status = 'too-small';
  channel.vars.set('read_result', status === 'success' ? 'success' : status === 'timeout' ? 'timeout' : 'failure');
  if (status !== 'restart' && a.max === 1 && buffer.length === 1 && a.terminators.includes(buffer)) buffer = '';
  if (a.variable && buffer !== '') channel.vars.set(a.variable, buffer);
  return { status, attempt: { prompt, bargeIn, digits: buffer, terminator, stop, status: 'valid', invalidPrompt: null } };
}

// The digits are tested with switch_regex_match (switch_regex.c), not switch_regex_perform: 255 ints of
// ovector and no Asterisk-style "_" patterns.
const SWITCH_REGEX_MATCH = { ovectorSize: 255, asterisk: false };

/** Run play_and_get_digits with parsed `args` against the scripted keypresses. */
export function playAndGetDigits(args: PagdArgs, channel: Channel, dtmf: DtmfScript): PagdResult {
  const result: PagdResult = { args, attempts: [], value: null, transferTo: null, problems: [] };
  if (args.regex && args.variable) channel.vars.delete(`${args.variable}_invalid`);
  let tries = args.tries;
  while (channel.up && tries > 0) {
    const { status: readStatus, attempt } = ivrRead(args, channel, dtmf);
    result.attempts.push(attempt);
    if (readStatus === 'restart') return result;
    const len = attempt.digits.length;
    const status = readStatus === 'timeout' && len >= args.min ? 'success' : readStatus;
    if (args.min === 0 && len === 0 && channel.getVariable('read_terminator_used') !== null) {
      return result;
    }
    attempt.status = len === 0 ? 'no-digits' : 'too-short';
    if (!(status === 'too-small' && len === 0) && status === 'success' && len > 0) {
      if (!args.regex) {
        attempt.status = 'valid';
        result.value = attempt.digits;
        return result;
      }
      const outcome = regexPerform(attempt.digits, args.regex, SWITCH_REGEX_MATCH);
      if (outcome.problem) result.problems.push(outcome.problem);
      if (outcome.match) {
        attempt.status = 'valid';
        result.value = attempt.digits;
        return result;
      }
      attempt.status = 'rejected';
      if (args.variable) {
        channel.vars.delete(args.variable);
        channel.vars.set(`${args.variable}_invalid`, attempt.digits);
      }
    }
    attempt.invalidPrompt = args.invalidPrompt || null;
    tries--;
  }
  if (args.transferOnFailure) {
    const target = separateString(args.transferOnFailure, ' ', 4);
    if (target.length > 0) result.transferTo = target.slice(0, 3);
  }
  return result;
}
