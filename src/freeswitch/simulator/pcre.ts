// FreeSWITCH 1.10 matches with PCRE 1 (libpcre3) without PCRE_UTF8: pattern and subject are byte strings,
// and character classes come from PCRE's default C-locale tables. The simulator matches with JavaScript's
// RegExp over "byte strings" (one char per UTF-8 byte, see regex-perform.ts). This translates a PCRE pattern
// into an equivalent JavaScript one where an exact equivalent exists (leading (?i)/(?s)/(?m), \Q..\E,
// \A \z \Z, PCRE's end-of-subject `$`, PCRE's `.`, `^` and `$` (only \n is a newline; JavaScript's also
// stop at \r), \s (no NBSP), \h \v \R, \p{..} over the 256 byte values, POSIX classes, (?P<name>), a
// leading ']' in a class, \g{n}) and reports every construct it can only approximate (possessive
// quantifiers, atomic groups, caseless matching of bytes above 0x7f) or cannot run at all (recursion,
// conditionals, \K, verbs, mid-pattern option changes, variable-length look-behind, which PCRE itself rejects).

export interface PcreTranslation {
  /** The compiled expression, or null when it cannot be run (see `error`). */
  regex: RegExp | null;
  /** The JavaScript source the pattern became. */
  source: string;
  /** Why the pattern cannot be run (a PCRE feature JavaScript lacks, or a syntax error). */
  error: string | null;
  /** Constructs that were approximated: results may differ from FreeSWITCH's. */
  approximations: string[];
}

const POSIX: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  space: '\\t\\n\\x0b\\f\\r ',
  blank: ' \\t',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

const END_OF_SUBJECT = '(?![\\s\\S])';
const PCRE_DOLLAR = '(?=\\n?(?![\\s\\S]))';
// PCRE_MULTILINE: ^ after any \n but the last character; $ before any \n.
const MULTILINE_CARET = '(?:(?<![\\s\\S])|(?<=\\n)(?=[\\s\\S]))';
const MULTILINE_DOLLAR = '(?=\\n|(?![\\s\\S]))';
// PCRE 8.34+ \s: space, \t \n \v(0x0b) \f \r; JavaScript's adds NBSP (0xa0), which is a UTF-8 continuation byte here.
const SPACE = '\\t\\n\\x0b\\f\\r ';
const NOT_SPACE = '\\x00-\\x08\\x0e-\\x1f\\x21-\\xff';

/** The byte values (0..255) that have Unicode property `name`, as PCRE without UTF-8 tests a byte; null if PCRE does not know it. */
function propertyBytes(name: string): boolean[] | null {
  const test = (re: RegExp): boolean[] => Array.from({ length: 256 }, (_, b) => re.test(String.fromCharCode(b)));
  const or = (...sets: boolean[][]): boolean[] => Array.from({ length: 256 }, (_, b) => sets.some((set) => set[b]));
  const special: Record<string, () => boolean[]> = {
    Any: () => Array.from({ length: 256 }, () => true),
    'L&': () => test(/^[\p{Lu}\p{Ll}\p{Lt}]$/u),
    Xan: () => test(/^[\p{L}\p{N}]$/u),
    Xsp: () => or(test(/^\p{Z}$/u), test(/^[\t\n\x0b\f\r]$/)),
    Xps: () => or(test(/^\p{Z}$/u), test(/^[\t\n\x0b\f\r]$/)),
    Xwd: () => test(/^[\p{L}\p{N}_]$/u),
    Xuc: () => test(/^[$@`\xa0-\xff]$/),
  };
  const make = special[name];
  if (make) return make();
  if (!/^[A-Za-z_]+$/.test(name)) return null;
  for (const source of /^[A-Z][a-z]?$/.test(name) ? [`^\\p{${name}}$`] : [`^\\p{Script=${name}}$`]) {
    try {
      return test(new RegExp(source, 'u'));
    } catch {
      return null;
    }
  }
  return null;
}

/** A JavaScript class body listing the byte values set in `bytes`. */
function classBody(bytes: boolean[]): string {
  const hex = (b: number): string => `\\x${b.toString(16).padStart(2, '0')}`;
  let out = '';
  for (let b = 0; b < 256; b++) {
    if (!bytes[b]) continue;
    let e = b;
    while (e + 1 < 256 && bytes[e + 1]) e++;
    out += e === b ? hex(b) : `${hex(b)}-${hex(e)}`;
    b = e;
  }
  return out;
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

class Unsupported extends Error {}
/** A pattern PCRE itself refuses to compile: FreeSWITCH logs it and the condition does not match. */
class PcreRefuses extends Error {}

/** Translate one PCRE pattern; `caseless`/`dotall` are the /i and /s options FreeSWITCH's "/re/is" form sets. */
export function translatePcre(pattern: string, opts: { caseless?: boolean; dotall?: boolean } = {}): PcreTranslation {
  const approximations: string[] = [];
  let caseless = opts.caseless === true;
  let dotall = opts.dotall === true;
  let multiline = false;
  let p = pattern;
  const lead = /^\(\?([imsx]+)\)/.exec(p);
  if (lead && lead[1] !== undefined) {
    for (const f of lead[1]) {
      if (f === 'x') return fail(pattern, '(?x) extended mode is not emulated', approximations);
      if (f === 'i') caseless = true;
      if (f === 's') dotall = true;
      if (f === 'm') multiline = true;
    }
    p = p.slice(lead[0].length);
  }
  // Only /i is left to JavaScript: '.', '^' and '$' are written out below.
  const flags = caseless ? 'i' : '';
  if (caseless && /[\x80-\xff]/.test(p)) {
    approximations.push('caseless matching of bytes above 0x7f (JavaScript folds Latin-1 letters, PCRE\'s C-locale tables do not)');
  }
  let out = '';
  let inClass = false;
  try {
    for (let i = 0; i < p.length; i++) {
      const ch = p[i] as string;
      const rest = p.slice(i);
      if (ch === '\\') {
        const next = p[i + 1] ?? '';
        if (next === 'Q') {
          const end = p.indexOf('\\E', i + 2);
          const lit = p.slice(i + 2, end < 0 ? p.length : end);
          out += inClass ? lit.replace(/[\\\]^-]/g, '\\$&') : escapeLiteral(lit);
          i = end < 0 ? p.length : end + 1;
          continue;
        }
        if (next === 'E') {
          i++;
          continue;
        }
        const g = /^\\g\{?(-?\d+)\}?/.exec(rest);
        if (g && g[1] !== undefined) {
          if (g[1].startsWith('-')) throw new Unsupported('relative back-reference \\g{-n}');
          out += `\\${g[1]}`;
          i += g[0].length - 1;
          continue;
        }
        const map: Record<string, string> = {
          A: '(?<![\\s\\S])',
          s: inClass ? SPACE : `[${SPACE}]`,
          S: inClass ? NOT_SPACE : `[^${SPACE}]`,
          z: END_OF_SUBJECT,
          Z: PCRE_DOLLAR,
          h: inClass ? '\\t \\xa0' : '[\\t \\xa0]',
          H: '[^\\t \\xa0]',
          v: inClass ? '\\n\\x0b\\f\\r\\x85' : '[\\n\\x0b\\f\\r\\x85]',
          V: '[^\\n\\x0b\\f\\r\\x85]',
          R: '(?:\\r\\n|[\\n\\x0b\\f\\r\\x85])',
          e: '\\x1b',
          a: '\\x07',
        };
        const mapped = map[next];
        if (mapped !== undefined && !(inClass && 'AzZHVR'.includes(next))) {
          out += mapped;
          i++;
          continue;
        }
        if (next === 'p' || next === 'P') {
          const prop = /^\\[pP](?:\{(\^?)([^}]*)\}|([A-Za-z]))/.exec(rest);
          const name = prop ? (prop[2] ?? prop[3] ?? '') : '';
          const bytes = prop ? propertyBytes(name) : null;
          if (!prop || !bytes) throw new PcreRefuses(`unknown property name after \\${next}: "${rest.slice(0, 12)}"`);
          // PCRE 8.x: caseless matching does not affect \p; JavaScript's /i folds the class we write.
          if (caseless) approximations.push(`\\${next}{${name}} under caseless matching (PCRE ignores /i there, JavaScript does not)`);
          const negate = (next === 'P') !== (prop[1] === '^');
          const body = classBody(negate ? bytes.map((b) => !b) : bytes);
          out += inClass ? body : `[${body}]`;
          i += prop[0].length - 1;
          continue;
        }
        if (next === 'K') throw new Unsupported('\\K (reset match start)');
        if (next === 'G') throw new Unsupported('\\G anchor');
        const hex = /^\\x\{([0-9a-fA-F]+)\}/.exec(rest);
        if (hex && hex[1] !== undefined) {
          if (Number.parseInt(hex[1], 16) > 0xff) throw new PcreRefuses(`character value in \\x{${hex[1]}} is too large (no UTF-8 mode)`);
          out += `\\x${hex[1].slice(-2).padStart(2, '0')}`;
          i += hex[0].length - 1;
          continue;
        }
        out += ch + next;
        i++;
        continue;
      }
      if (inClass) {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(rest);
        if (posix && posix[2] !== undefined) {
          const cls = POSIX[posix[2]];
          if (cls === undefined || posix[1] === '^') throw new Unsupported(`POSIX class [:${posix[1]}${posix[2]}:]`);
          out += cls;
          i += posix[0].length - 1;
          continue;
        }
        if (ch === ']') inClass = false;
        out += ch === '[' ? '\\[' : ch;
        continue;
      }
      if (ch === '[') {
        inClass = true;
        out += '[';
        if (p[i + 1] === '^') {
          out += '^';
          i++;
        }
        if (p[i + 1] === ']') {
          out += '\\]';
          i++;
        }
        continue;
      }
      if (ch === '$') {
        out += multiline ? MULTILINE_DOLLAR : PCRE_DOLLAR;
        continue;
      }
      if (ch === '^') {
        out += multiline ? MULTILINE_CARET : '^';
        continue;
      }
      if (ch === '.') {
        // PCRE's '.' stops only at \n (and matches it under /s); JavaScript's also stops at \r.
        out += dotall ? '[\\s\\S]' : '[^\\n]';
        continue;
      }
      if (ch === '(' && p[i + 1] === '?') {
        i += groupOpening(p.slice(i), (s) => (out += s), approximations) - 1;
        continue;
      }
      if (ch === '(' && p[i + 1] === '*') throw new Unsupported('backtracking verb (*...)');
      if ((ch === '*' || ch === '+' || ch === '?' || ch === '}') && p[i + 1] === '+' && !isEscaped(p, i)) {
        approximations.push(`possessive quantifier "${ch}+" treated as greedy (JavaScript has none)`);
        out += ch;
        i++;
        continue;
      }
      out += ch;
    }
  } catch (err) {
    if (err instanceof Unsupported) return fail(pattern, `${err.message} has no JavaScript equivalent`, approximations);
    if (err instanceof PcreRefuses) return fail(pattern, `PCRE refuses to compile it: ${err.message}`, approximations);
    throw err;
  }
  try {
    return { regex: new RegExp(out, flags), source: out, error: null, approximations };
  } catch (err) {
    return { regex: null, source: out, error: `not a valid regular expression: ${(err as Error).message}`, approximations };
  }
}

function isEscaped(p: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && p[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

/** Handle "(?..." at the start of `s`; returns how many characters were consumed. */
function groupOpening(s: string, emit: (x: string) => void, approximations: string[]): number {
  const simple: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/^\(\?:/, () => '(?:'],
    [/^\(\?=/, () => '(?='],
    [/^\(\?!/, () => '(?!'],
    [/^\(\?P?<([A-Za-z_]\w*)>/, (m) => `(?<${m[1]}>`],
    [/^\(\?'([A-Za-z_]\w*)'/, (m) => `(?<${m[1]}>`],
    [/^\(\?P=([A-Za-z_]\w*)\)/, (m) => `\\k<${m[1]}>`],
  ];
  const look = /^\(\?<([=!])/.exec(s);
  if (look) {
    const body = s.slice(look[0].length, s.indexOf(')') < 0 ? s.length : s.indexOf(')'));
    if (/[*+?{]/.test(body)) throw new Unsupported('variable-length look-behind (PCRE refuses to compile it)');
    emit(look[0]);
    return look[0].length;
  }
  for (const [re, to] of simple) {
    const m = re.exec(s);
    if (m) {
      emit(to(m));
      return m[0].length;
    }
  }
  const comment = /^\(\?#[^)]*\)/.exec(s);
  if (comment) return comment[0].length;
  if (s.startsWith('(?>')) {
    approximations.push('atomic group (?>...) treated as a plain group (JavaScript has none)');
    emit('(?:');
    return 3;
  }
  if (/^\(\?[-imsxJU]+[:)]/.test(s)) throw new Unsupported('an option change inside the pattern');
  if (s.startsWith('(?|')) throw new Unsupported('branch reset (?|...)');
  if (s.startsWith('(?(')) throw new Unsupported('conditional group (?(...)...)');
  throw new Unsupported(`recursion or subroutine call ${s.slice(0, 6)}`);
}

function fail(pattern: string, error: string, approximations: string[]): PcreTranslation {
  return { regex: null, source: pattern, error, approximations };
}

const cache = new Map<string, PcreTranslation>();

/** translatePcre, memoised (dialplans repeat the same expressions on every call). */
export function compilePcre(pattern: string, opts: { caseless?: boolean; dotall?: boolean } = {}): PcreTranslation {
  const key = `${opts.caseless ? 'i' : ''}${opts.dotall ? 's' : ''}/${pattern}`;
  let t = cache.get(key);
  if (!t) {
    t = translatePcre(pattern, opts);
    if (cache.size > 2000) cache.clear();
    cache.set(key, t);
  }
  return t;
}
