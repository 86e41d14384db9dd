// switch_channel_expand_variables_check() (src/switch_channel.c), character for character:
//   ${name}            a channel variable, else a caller-profile field, else a global; its value is expanded again
//   ${name:off:len}    a substring; ${name[n]} an element of an array variable
//   ${api(args)}       an API call; so is ${api args} (a space before any '('); the name and the arguments
//                      are expanded first, the result is not
//   $${name}           the same lookup (globals were already substituted at load time)
//   \$ and \\          escapes; \' is dropped (only when the text is expanded at all: see needsExpansion)
// Nested ${...} inside a name or an argument are expanded from the inside out.

export interface ExpandEnv {
  /** switch_channel_get_variable_dup: channel variable, then caller-profile field, then global; null if none. */
  getVariable(name: string, index: number): string | null;
  /** Run an API; null when the API fails or does not exist (the expansion then contributes nothing). */
  callApi(name: string, args: string): string | null;
  /** switch.conf api-expansion; when false every API expansion yields a refusal text. */
  apiExpansion: boolean;
}

import { varCheck } from './switch-string.js';

const MAX_DEPTH = 100;

/**
 * Whether switch_channel_expand_variables_check works on `s` at all, or hands it back untouched:
 * switch_string_var_check_const (a '$' then '{', with only backslashes between) or
 * switch_string_has_escaped_data (a backslash before one of: backslash n s t '). So "\$1" alone stays as written.
 */
export function needsExpansion(s: string): boolean {
  return varCheck(s) || /\\[\\nst']/.test(s);
}

function atoiPrefix(s: string): number {
  const m = /^\s*([-+]?\d+)/.exec(s);
  return m && m[1] !== undefined ? Number.parseInt(m[1], 10) : 0;
}

function lookup(env: ExpandEnv, rawName: string, depth: number): string {
  let name = expandVariables(rawName, env, depth + 1);
  let offset = 0;
  let length = 0;
  const colon = name.indexOf(':');
  if (colon >= 0) {
    const rest = name.slice(colon + 1);
    name = name.slice(0, colon);
    offset = atoiPrefix(rest);
    const second = rest.indexOf(':');
    if (second >= 0) length = atoiPrefix(rest.slice(second + 1));
  }
  let index = -1;
  const bracket = name.indexOf('[');
  if (bracket >= 0 && name.indexOf(']', bracket) >= 0) {
    index = atoiPrefix(name.slice(bracket + 1));
    name = name.slice(0, bracket);
  }
  const raw = env.getVariable(name, index);
  if (raw === null) return '';
  let value = expandVariables(raw, env, depth + 1);
  if (offset >= 0) value = offset > value.length ? '' : value.slice(offset);
  else if (-offset <= value.length) value = value.slice(value.length + offset);
  if (length > 0 && length < value.length) value = value.slice(0, length);
  return value;
}

/** Split a ${...} body into an API name and its arguments, as the C code does; null when not an API call. */
function splitApi(body: string): { name: string; args: string } | null {
  let at = -1;
  let paren = false;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === ' ') {
      at = i;
      break;
    }
    if (body[i] === '(') {
      at = i;
      paren = true;
      break;
    }
  }
  if (at < 0) return null;
  const name = body.slice(0, at).replace(/ +$/, '');
  let args = body.slice(at + 1);
  let depth = paren ? 1 : 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '(') depth++;
    else if (args[i] === ')' && depth > 1) depth--;
    else if (args[i] === ')' && depth === 1) {
      args = args.slice(0, i);
      break;
    }
  }
  return { name, args };
}

/** Expand `input` against `env`. */
export function expandVariables(input: string, env: ExpandEnv, depth = 0): string {
  if (depth > MAX_DEPTH || input === '' || !needsExpansion(input)) return input;
  const s = input;
  let out = '';
  let literal = false;
  let p = 0;
  while (p < s.length) {
    let vtype = 0;
    if (s[p] === '\\') {
      if (s[p + 1] === '$') {
        literal = true;
        p++;
        if (s[p + 1] === '$') p++;
      } else if (s[p + 1] === "'") {
        p += 2;
        continue;
      } else if (s[p + 1] === '\\') {
        out += '\\';
        p += 2;
        continue;
      }
    }
    if (s[p] === '$' && !literal) {
      if (s[p + 1] === '$') p++;
      if (p + 1 < s.length && s[p + 1] === '{') vtype = 1;
      else literal = true;
    }
    if (literal) {
      out += s[p] ?? '';
      literal = false;
      p++;
      continue;
    }
    if (vtype) {
      const start = p + 2; // after "${"
      let depthBr = 1;
      let e = start;
      let end = s.length;
      while (e < s.length) {
        if (depthBr === 1 && s[e] === '}') {
          end = e;
          e++;
          break;
        }
        if (e !== start && s[e] === '{') depthBr++;
        else if (depthBr > 1 && s[e] === '}') depthBr--;
        e++;
      }
      if (end === s.length) e = s.length;
      p = e;
      const body = s.slice(start, end);
      const api = splitApi(body);
      if (api) {
        if (!env.apiExpansion) {
          out += '<API Execute Permission Denied>';
        } else {
          const name = expandVariables(api.name, env, depth + 1);
          const args = expandVariables(api.args, env, depth + 1);
          out += env.callApi(name, args) ?? '';
        }
      } else {
        out += lookup(env, body, depth);
      }
      if (p < s.length && s[p] !== '$') {
        out += s[p];
        p++;
      }
      continue;
    }
    out += s[p] ?? '';
    p++;
  }
  return out;
}
