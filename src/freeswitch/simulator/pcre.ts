// FreeSWITCH matches with PCRE; the simulator matches with JavaScript's RegExp. This translates a PCRE
// pattern into an equivalent JavaScript one where an exact equivalent exists (leading (?i)/(?s)/(?m),
// \Q..\E, \A \z \Z, PCRE's end-of-subject `$`, \h \v \R, POSIX classes, (?P<name>), a leading ']' in a
// class, \g{n}) and reports every construct it can only approximate (possessive quantifiers, atomic groups)
// or cannot run at all (recursion, conditionals, \K, verbs, mid-pattern option changes, variable-length
// look-behind, which PCRE itself rejects).

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

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

class Unsupported extends Error {}

/** Translate one PCRE pattern; `caseless`/`dotall` are the /i and /s options FreeSWITCH's "/re/is" form sets. */
export function translatePcre(pattern: string, opts: { caseless?: boolean; dotall?: boolean } = {}): PcreTranslation {
  const approximations: string[] = [];
  let flags = `${opts.caseless ? 'i' : ''}${opts.dotall ? 's' : ''}`;
  let p = pattern;
  const lead = /^\(\?([imsx]+)\)/.exec(p);
  if (lead && lead[1] !== undefined) {
    for (const f of lead[1]) {
      if (f === 'x') return fail(pattern, '(?x) extended mode is not emulated', approximations);
      if (!flags.includes(f)) flags += f;
    }
    p = p.slice(lead[0].length);
  }
  const multiline = flags.includes('m');
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
          A: multiline ? '(?<![\\s\\S])' : '^',
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
        if (next === 'K') throw new Unsupported('\\K (reset match start)');
        if (next === 'G') throw new Unsupported('\\G anchor');
        const hex = /^\\x\{([0-9a-fA-F]{1,4})\}/.exec(rest);
        if (hex && hex[1] !== undefined) {
          out += `\\u${hex[1].padStart(4, '0')}`;
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
        out += multiline ? '$' : PCRE_DOLLAR;
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
