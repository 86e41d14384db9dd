// Physical lines of a text with their offsets and their own line endings, so editors can splice
// by line without normalising anything: every byte they do not replace stays as it was.

export type LineEnding = '\n' | '\r\n' | '\r';

export interface TextLine {
  /** 1-based line number. */
  number: number;
  /** Offset of the first character of the line. */
  start: number;
  /** Offset just after the line's content (where its line ending starts). */
  end: number;
  /** The line ending that closes this line; '' for a last line without one. */
  eol: LineEnding | '';
  /** The line's content, without its line ending. */
  content: string;
}

export interface SplitOptions {
  /** Treat a lone "\r" as a line break too (Java .properties does; FreeSWITCH and bash do not). */
  loneCarriageReturn?: boolean;
}

/**
 * Splits `text` into physical lines. "\r\n" and "\n" end a line; a lone "\r" does only with
 * `loneCarriageReturn`. A text ending with a line break has no extra empty line at the end, and
 * the empty text has no lines.
 */
export function splitLines(text: string, options: SplitOptions = {}): TextLine[] {
  const lines: TextLine[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    let eol: LineEnding | undefined;
    if (c === 0x0a) {
      eol = '\n';
    } else if (c === 0x0d) {
      if (text.charCodeAt(i + 1) === 0x0a) eol = '\r\n';
      else if (options.loneCarriageReturn === true) eol = '\r';
    }
    if (eol === undefined) {
      i++;
      continue;
    }
    lines.push({ number: lines.length + 1, start, end: i, eol, content: text.slice(start, i) });
    i += eol.length;
    start = i;
  }
  if (start < text.length) {
    lines.push({ number: lines.length + 1, start, end: text.length, eol: '', content: text.slice(start) });
  }
  return lines;
}

/** The file's line ending: that of its first line break, "\n" when it has none. */
export function detectLineEnding(text: string): '\n' | '\r\n' {
  const lf = text.indexOf('\n');
  return lf > 0 && text.charCodeAt(lf - 1) === 0x0d ? '\r\n' : '\n';
}

/** True when the text is empty or ends with a line break. */
export function endsWithLineBreak(text: string): boolean {
  return text.length === 0 || text.endsWith('\n') || text.endsWith('\r');
}

/** 1-based line number of `offset` ("\r\n", "\n" and a lone "\r" each end a line). */
export function lineNumberAt(text: string, offset: number): number {
  let line = 1;
  const stop = Math.min(offset, text.length);
  for (let i = 0; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) line++;
  }
  return line;
}

/** "73", "73 and 80", "73, 80 and 91". */
export function formatLineList(lines: readonly number[]): string {
  if (lines.length <= 1) return lines.map(String).join('');
  return `${lines.slice(0, -1).join(', ')} and ${String(lines[lines.length - 1])}`;
}
