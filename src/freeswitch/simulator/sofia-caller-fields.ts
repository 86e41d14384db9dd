// How sofia turns an INVITE's caller data into the caller profile and channel variables
// (sofia_handle_sip_i_invite): the display name is URL-decoded and stripped of its quotes (check_decode in
// mod_sofia.h), or is the From user ("unknown" without one) when absent; every profile field goes through
// profile_dup_clean (switch_caller.h): control characters become blanks and a '$' before '{' becomes '%', so a
// caller's "${...}" can never expand. Channel variables are set with the var check, which refuses (leaves
// unset) a value holding "${".

import { varCheck } from './switch-string.js';

/** switch_clean_string + switch_var_clean_string. */
export function profileClean(value: string): string {
  let out = '';
  let dollar = -1;
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    const c = code < 32 && ch !== '\n' && ch !== '\r' ? ' ' : ch;
    if (c === '$') dollar = out.length;
    else if (dollar >= 0 && c === '{') {
      out = `${out.slice(0, dollar)}%${out.slice(dollar + 1)}`;
      dollar = -1;
    } else if (c !== '\\') dollar = -1;
    out += c;
  }
  return out;
}

/** switch_url_decode: "%" and up to two hex digits (sscanf "%2x") become that byte; the two characters after '%' are skipped. */
function urlDecode(value: string): string {
  const input = Buffer.from(value, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(input.subarray(i + 1, i + 3).toString('latin1'));
    if (input[i] === 0x25 && input.length - i > 2 && hex) {
      out.push(Number.parseInt(hex[0], 16));
      i += 2;
    } else out.push(input[i] as number);
  }
  return Buffer.from(out).toString('utf8');
}

/** check_decode: URL-decode when there is a '%', then keep what lies between the first and the last '"'. */
export function checkDecode(value: string): string {
  let v = value.includes('%') ? urlDecode(value) : value;
  const first = v.indexOf('"');
  if (first >= 0) {
    v = v.slice(first + 1);
    const last = v.lastIndexOf('"');
    if (last >= 0) v = v.slice(0, last);
  }
  return v;
}

/** The caller_id_name sofia gives a call with this display name and From user. */
export function callerIdName(display: string, fromUser: string): string {
  return checkDecode(display !== '' ? display : fromUser !== '' ? fromUser : 'unknown');
}

/** Channel variables as switch_channel_set_variable leaves them: empty or "${"-holding values are not set. */
export function varChecked(vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== '' && !varCheck(v)));
}
