// Finds FreeSWITCH's pre-processor variable definitions in a file's text, the way FreeSWITCH itself
// finds them.
//
// FreeSWITCH runs a line-based pre-processor over every config file before the XML parser sees it
// (`preprocess()` in signalwire/freeswitch src/switch_xml.c, read at commit 287fd66). Per line
// (split on "\n"):
//   1. A line containing `<include>`, `</include>` or `<?` is dropped without a look.
//   2. Otherwise the first case-insensitive `X-pre-process` on the line decides. If the character
//      before it is not `<` (`<XX-PRE-PROCESS`, "... an X-PRE-PROCESS line" in prose) the whole line
//      is dropped. Else, after it, the first `cmd` then `=` then `"` opens the command, which runs to
//      the next `"`; after that, the first `data` then `=` then `"` opens the data, which runs raw to
//      the next `"` (no entity decoding, no single quotes). Only this first directive on the line
//      runs; anything after it on the same line is ignored. XML comments are not looked at, so a
//      commented-out directive still runs. `X-NO-PRE-PROCESS` does not match and is left to XML.
//   3. Otherwise a `<!--#cmd arg-->` comment directive runs (`<!--#set "name=value"-->`); one left
//      open makes the pre-processor skip lines up to the next `-->`.
// For set-like commands (`set`, and `exec-set`, `env-set`, `stun-set` in newer releases) the data is
// `name=value`: spaces before the `=` are trimmed from the name, spaces after it from the value, and
// nothing is defined without an `=`. `$${var}` references are expanded on the line first; they are
// kept raw here. Variable names are case-insensitive (FreeSWITCH keeps globals in an event, whose
// header names are).

import { splitLines, type TextLine } from './text-lines.js';

export interface PreprocessedVar {
  name: string;
  value: string;
  cmd: 'set' | 'env-set' | 'stun-set' | 'exec-set' | string;
  /** 1-based line of the directive. */
  line: number;
  /** Offsets in the text of the value part after "name=" (leading spaces skipped). */
  valueStart: number;
  valueEnd: number;
  /** The directive sits inside an XML comment (FreeSWITCH runs it all the same). */
  insideComment: boolean;
  /** `<X-PRE-PROCESS .../>` element, or `<!--#set ...-->` comment directive. */
  syntax: 'element' | 'comment-directive';
}

/** Commands that define a variable from `name=value` data. */
export const VARIABLE_COMMANDS: readonly string[] = ['set', 'exec-set', 'env-set', 'stun-set'];

/** Every variable definition FreeSWITCH's pre-processor would run, in file order. */
export function readPreprocessedVars(text: string): PreprocessedVar[] {
  const comments = findXmlCommentRanges(text);
  const vars: PreprocessedVar[] = [];
  let inOpenCommentDirective = false;
  for (const line of splitLines(text)) {
    const content = line.content;
    if (content.includes('<include>') || content.includes('</include>') || content.includes('<?')) {
      continue;
    }
    let from = 0;
    if (inOpenCommentDirective) {
      const close = content.indexOf('-->');
      if (close < 0) continue;
      inOpenCommentDirective = false;
      from = close + 3;
    }
    const directive = asciiLower(content).indexOf('x-pre-process', from);
    if (directive >= 0) {
      if (directive === 0 || content[directive - 1] !== '<') continue;
      const found = readElementDirective(content, directive);
      if (found !== undefined) {
        pushDefinition(vars, line, found, 'element', isInside(comments, line.start + directive - 1));
      }
      continue;
    }
    const ssi = content.indexOf('<!--#', from);
    if (ssi >= 0) {
      const found = readCommentDirective(content, ssi);
      if (found.open) inOpenCommentDirective = true;
      if (found.directive !== undefined) {
        pushDefinition(vars, line, found.directive, 'comment-directive', true);
      }
    }
  }
  return vars;
}

interface FoundDirective {
  cmd: string;
  data: string;
  /** Offset of the data within the line. */
  dataStart: number;
}

/** Mirrors preprocess(): `cmd`, `=`, `"`, value, `"`, then `data`, `=`, `"`, raw value, `"`. */
function readElementDirective(content: string, directive: number): FoundDirective | undefined {
  const lower = asciiLower(content);
  let at = lower.indexOf('cmd', directive + 'x-pre-process'.length);
  if (at < 0) return undefined;
  at = content.indexOf('=', at + 3);
  if (at < 0) return undefined;
  at = content.indexOf('"', at + 1);
  if (at < 0) return undefined;
  const cmdStart = at + 1;
  const cmdEnd = content.indexOf('"', cmdStart);
  if (cmdEnd < 0) return undefined;
  const cmd = content.slice(cmdStart, cmdEnd);
  at = lower.indexOf('data', cmdEnd + 1);
  if (at < 0) return undefined;
  at = content.indexOf('=', at + 4);
  if (at < 0) return undefined;
  at = content.indexOf('"', at + 1);
  if (at < 0) return undefined;
  const dataStart = at + 1;
  const close = content.indexOf('"', dataStart);
  // An unclosed data value runs to the end of the line in FreeSWITCH.
  const dataEnd = close < 0 ? content.length : close;
  return { cmd, data: content.slice(dataStart, dataEnd), dataStart };
}

/** Mirrors preprocess() for `<!--#cmd arg-->` and `<!--#cmd "arg"-->`. */
function readCommentDirective(content: string, ssi: number): { directive?: FoundDirective; open: boolean } {
  const close = content.indexOf('-->', ssi);
  const open = close < 0;
  const bodyStart = ssi + 5;
  const bodyEnd = open ? content.length : close;
  const space = content.indexOf(' ', bodyStart);
  if (space < 0 || space >= bodyEnd) return { open };
  const cmd = content.slice(bodyStart, space);
  let argStart = space + 1;
  let argEnd = bodyEnd;
  const q = content.indexOf('"', argStart);
  if (q >= 0 && q < bodyEnd) {
    const qq = content.indexOf('"', q + 1);
    if (qq >= 0 && qq < bodyEnd) {
      argStart = q + 1;
      argEnd = qq;
    }
  }
  return { directive: { cmd, data: content.slice(argStart, argEnd), dataStart: argStart }, open };
}

function pushDefinition(
  vars: PreprocessedVar[],
  line: TextLine,
  found: FoundDirective,
  syntax: PreprocessedVar['syntax'],
  insideComment: boolean,
): void {
  if (!VARIABLE_COMMANDS.includes(asciiLower(found.cmd))) return;
  const eq = found.data.indexOf('=');
  if (eq < 0) return;
  const name = found.data.slice(0, eq).replace(/ +$/, '');
  let valueOffset = eq + 1;
  while (found.data[valueOffset] === ' ') valueOffset++;
  const valueStart = line.start + found.dataStart + valueOffset;
  const valueEnd = line.start + found.dataStart + found.data.length;
  vars.push({
    name,
    value: found.data.slice(valueOffset),
    cmd: found.cmd,
    line: line.number,
    valueStart,
    valueEnd,
    insideComment,
    syntax,
  });
}

export function sameName(a: string, b: string): boolean {
  return asciiLower(a) === asciiLower(b);
}

/** Lower-cases A-Z only, like strcasecmp in the C locale; keeps every offset where it was. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export interface CommentRange {
  start: number;
  end: number;
}

/** `<!-- ... -->` ranges, scanned as plain text (an unclosed comment runs to the end). */
export function findXmlCommentRanges(text: string): CommentRange[] {
  const ranges: CommentRange[] = [];
  let at = text.indexOf('<!--');
  while (at >= 0) {
    const close = text.indexOf('-->', at + 4);
    const end = close < 0 ? text.length : close + 3;
    ranges.push({ start: at, end });
    at = text.indexOf('<!--', end);
  }
  return ranges;
}

export function isInside(ranges: CommentRange[], offset: number): boolean {
  return ranges.some((r) => offset >= r.start && offset < r.end);
}
