// switch_regex_perform() and switch_perform_substitution() (src/switch_regex.c): a leading '_' asks for an
// Asterisk-style pattern (ast2regex), "/re/flags" sets caseless (i) and dotall (s); a match returns PCRE's count
// (1 + the highest group that took part); "$n" and "${n}" in action data take capture n, "$" before a
// non-digit stays literal, and a group that did not take part gives an empty string. Every caller passes
// `int ovector[30]`: PCRE then has room for 10 captures (the whole match and $1..$9), and when a higher group
// takes part pcre_exec returns 0, which switch_regex_perform reads as no match.

import { compilePcre } from './pcre.js';

export interface RegexMatch {
  /** PCRE's return value: 1 + the highest-numbered group that matched; 0 = no match. */
  count: number;
  /** groups[n] is capture n, undefined when it did not take part. */
  groups: Array<string | undefined>;
}

export interface RegexOutcome {
  match: RegexMatch | null;
  /** Set when FreeSWITCH's result cannot be known exactly: the pattern cannot run, or was approximated. */
  problem: string | null;
  /** True when `problem` means the pattern could not be run at all (treated as a non-match, like a PCRE error). */
  failed: boolean;
}

const OVECTOR_SIZE = 30;

/**
 * switch_ast2regex (switch_utils.c): an Asterisk-style "_NXX." pattern as PCRE, anchored; N, X and Z are digit
 * classes and '.' is ".*"; every other character is copied as it is (so it keeps its regex meaning).
 */
function ast2regex(pattern: string): string {
  const map: Record<string, string> = { N: '[2-9]', X: '[0-9]', Z: '[1-9]', '.': '.*' };
  return `^${[...pattern].map((ch) => map[ch] ?? ch).join('')}$`;
}

/**
 * Run `expression` against `subject` as switch_regex_perform does (ovector 30, "_" Asterisk patterns);
 * switch_regex_match, which play_and_get_digits uses, passes { ovectorSize: 255, asterisk: false }.
 */
export function regexPerform(subject: string, expression: string, opts: { ovectorSize?: number; asterisk?: boolean } = {}): RegexOutcome {
  const ovectorSize = opts.ovectorSize ?? OVECTOR_SIZE;
  let pattern = expression;
  let caseless = false;
  let dotall = false;
  if (pattern.startsWith('_') && opts.asterisk !== false) pattern = ast2regex(pattern.slice(1));
  if (pattern.startsWith('/')) {
    const last = pattern.lastIndexOf('/');
    if (last <= 0) return { match: null, problem: `"${expression}" lacks its closing "/"; FreeSWITCH logs an error and does not match`, failed: false };
    const opts = pattern.slice(last + 1);
    pattern = pattern.slice(1, last);
    caseless = opts.includes('i');
    dotall = opts.includes('s');
  }
  const t = compilePcre(toBytes(pattern), { caseless, dotall });
  if (!t.regex) return { match: null, problem: `regular expression "${expression}": ${t.error}`, failed: true };
  const problem = t.approximations.length > 0 ? `regular expression "${expression}": ${t.approximations.join('; ')}` : null;
  t.regex.lastIndex = 0;
  const m = t.regex.exec(toBytes(subject));
  if (!m) return { match: null, problem, failed: false };
  let highest = 0;
  for (let i = m.length - 1; i > 0; i--) {
    if (m[i] !== undefined) {
      highest = i;
      break;
    }
  }
  if (highest + 1 > Math.floor(ovectorSize / 3)) {
    const why = `regular expression "${expression}": capture ${highest} took part, but FreeSWITCH's ovector holds ${Math.floor(ovectorSize / 3)} (PCRE returns 0: no match)`;
    return { match: null, problem: problem ? `${problem}; ${why}` : why, failed: false };
  }
  return { match: { count: highest + 1, groups: [...m].map((g) => (g === undefined ? g : fromBytes(g))) }, problem, failed: false };
}

/** PCRE runs without PCRE_UTF8: every UTF-8 byte is one character (a Latin-1 string here). */
function toBytes(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

function fromBytes(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'latin1').toString('utf8');
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * switch_perform_substitution: replace $n / ${n} in `data` with the captures of `match`. Quirks kept: a
 * "${n" without its '}' emits the digits and leaves them in the index buffer, so the next $n reads them as a
 * prefix; n above 256 gives nothing; the output stops at the caller's buffer, (strlen(data) + strlen(subject)
 * + 10) * count bytes including the NUL.
 */
export function performSubstitution(data: string, match: RegexMatch, subject: string): string {
  const room = (utf8Length(data) + utf8Length(subject) + 10) * match.count - 1;
  let out = '';
  let index = '';
  let x = 0;
  while (utf8Length(out) < room && x < data.length) {
    if (data[x] !== '$') {
      out += data[x];
      x++;
      continue;
    }
    x++;
    const brace = data[x] === '{';
    if (brace) x++;
    if (!/[0-9]/.test(data[x] ?? '')) {
      x -= brace ? 1 : 0;
      out += '$';
      continue;
    }
    while (/[0-9]/.test(data[x] ?? '') && index.length < 9) index += data[x++];
    if (brace) {
      if (data[x] !== '}') {
        // x -= z - 1 with z the whole index buffer; z is not reset here, so the digits stay for the next $n.
        x = Math.max(1, x - (index.length - 1));
        out += data[x - 1];
        continue;
      }
      x++;
    }
    const num = Number.parseInt(index, 10);
    index = '';
    if (num <= 256 && num < match.count) out += match.groups[num] ?? '';
  }
  return truncateUtf8(out, room);
}

function truncateUtf8(s: string, bytes: number): string {
  const buf = Buffer.from(s, 'utf8');
  return buf.length <= bytes ? s : buf.subarray(0, bytes).toString('utf8');
}
