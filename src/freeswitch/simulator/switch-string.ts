// FreeSWITCH's small string helpers, ported so the simulator splits and tests strings exactly as the switch
// does: switch_true, atoi, switch_separate_string (both the blank and the single-character delimiter forms,
// with their quote and backslash rules) from src/switch_utils.c.

/** switch_true(): "yes", "on", "true", "t", "enabled", "active", "allow", or a non-zero number. */
export function switchTrue(value: string | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  const v = value.toLowerCase();
  if (['yes', 'on', 'true', 't', 'enabled', 'active', 'allow'].includes(v)) return true;
  return /^[-+]?\d+$/.test(value) && Number.parseInt(value, 10) !== 0;
}

/** switch_string_var_check_const: a '$' then '{', with only backslashes between. */
export function varCheck(value: string): boolean {
  return /\$\\*\{/.test(value);
}

/** C atoi(): leading whitespace, optional sign, digits; anything else gives 0. */
export function atoi(value: string | null | undefined): number {
  if (!value) return 0;
  const m = /^[ \t\n\r\f\v]*([-+]?\d+)/.exec(value);
  if (!m || m[1] === undefined) return 0;
  const n = Number.parseInt(m[1], 10);
  return Number.isFinite(n) ? n : 0;
}

const ESCAPE_META = '\\';

function unescapeChar(c: string): string {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 's':
      return ' ';
    default:
      return c;
  }
}

/** cleanup_separated_string(): strip quotes, unescape, trim leading and trailing spaces. `delim` '' for blank. */
function cleanupSeparated(str: string, delim: string): string {
  let i = 0;
  while (str[i] === ' ') i++;
  let dest = '';
  let end = -1; // length of dest to keep, -1 = keep all
  let insideQuotes = false;
  for (; i < str.length; i++) {
    const ch = str[i] as string;
    let escaped = false;
    if (ch === ESCAPE_META && i + 1 < str.length) {
      const next = str[i + 1] as string;
      const un = unescapeChar(next);
      if (next === "'" || next === '"' || (delim !== '' && next === delim) || next === ESCAPE_META || un !== next) {
        i++;
        dest += next === "'" || next === '"' || next === delim || next === ESCAPE_META ? next : un;
        end = dest.length;
        escaped = true;
      }
    }
    if (escaped) continue;
    if (ch === "'" && (insideQuotes || str.indexOf("'", i + 1) >= 0)) {
      insideQuotes = !insideQuotes;
      if (insideQuotes) end = dest.length;
    } else {
      dest += ch;
      if (ch !== ' ' || insideQuotes) end = dest.length;
    }
  }
  return end >= 0 ? dest.slice(0, end) : dest;
}

function separateCharDelim(buf: string, delim: string, max: number): string[] {
  const parts: string[] = [];
  let start = 0;
  let insideQuotes = false;
  let i = 0;
  let inToken = false;
  while (i < buf.length && parts.length < max) {
    if (!inToken) {
      start = i;
      inToken = true;
      if (parts.length === max - 1) {
        parts.push(buf.slice(start));
        inToken = false;
        break;
      }
      continue;
    }
    const ch = buf[i];
    if (ch === ESCAPE_META) {
      i++;
    } else if (ch === "'" && (insideQuotes || buf.indexOf("'", i + 1) >= 0)) {
      insideQuotes = !insideQuotes;
    } else if (ch === delim && !insideQuotes) {
      parts.push(buf.slice(start, i));
      inToken = false;
    }
    i++;
  }
  if (inToken) parts.push(buf.slice(start));
  return parts.map((p) => cleanupSeparated(p, delim));
}

function separateBlankDelim(buf: string, max: number): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < buf.length && parts.length < max) {
    while (buf[i] === ' ') i++;
    if (i >= buf.length) break;
    const start = i;
    if (parts.length === max - 1) {
      parts.push(buf.slice(start));
      break;
    }
    let insideQuotes = false;
    while (i < buf.length) {
      const ch = buf[i];
      if (ch === ESCAPE_META) i++;
      else if (ch === "'") insideQuotes = !insideQuotes;
      else if (ch === ' ' && !insideQuotes) break;
      i++;
    }
    parts.push(buf.slice(start, Math.min(i, buf.length)));
  }
  return parts.map((p) => cleanupSeparated(p, ''));
}

/**
 * switch_separate_string(): split `buf` on `delim` into at most `max` parts (the last part keeps the rest),
 * honouring single quotes and backslash escapes; a leading "^^X" changes the delimiter to X.
 */
export function separateString(buf: string, delim: string, max: number): string[] {
  let text = buf;
  let d = delim;
  if (text.startsWith('^^') && text.length >= 4) {
    d = text[2] as string;
    text = text.slice(3);
  }
  return d === ' ' ? separateBlankDelim(text, max) : separateCharDelim(text, d, max);
}
