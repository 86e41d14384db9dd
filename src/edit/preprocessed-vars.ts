// Reads and edits FreeSWITCH's pre-processor variables (`vars.xml`) as text. FreeSWITCH reads
// `<X-PRE-PROCESS cmd="set" data="name=value"/>` lines with a line-based pre-processor before any XML
// parsing (see freeswitch-preprocessor.ts for exactly how): it ignores XML comments, reads the data
// raw up to the next double quote and skips lines holding <include>, </include> or <?.
//
// So: edit those lines as text, count a directive inside a comment as live, refuse to guess when a
// variable is defined more than once, and whitelist value characters instead of escaping them.

import { TargetFileError } from '../errors.js';
import {
  asciiLower,
  findXmlCommentRanges,
  isInside,
  readPreprocessedVars,
  sameName,
  type CommentRange,
  type PreprocessedVar,
} from './freeswitch-preprocessor.js';
import { detectLineEnding, splitLines, type TextLine } from './text-lines.js';

export { readPreprocessedVars, VARIABLE_COMMANDS, type PreprocessedVar } from './freeswitch-preprocessor.js';

/** Commands whose value is the literal value of the variable (so bbb-twilio may replace it). */
const LITERAL_VALUE_COMMANDS: readonly string[] = ['set', 'stun-set'];

/** Characters a value written by bbb-twilio may contain: nothing that ends the data or needs escaping. */
export const PREPROCESSED_VALUE_PATTERN = /^[A-Za-z0-9._:/@+$%{}=,;|!*-]*$/;

const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** The value of `name`, or undefined when no directive defines it. Throws when several do. */
export function getPreprocessedVar(text: string, file: string, name: string): string | undefined {
  return findSingleDefinition(text, file, name)?.value;
}

/**
 * Sets `name` to `value`: replaces the value of its one definition in place, or adds
 * `<X-PRE-PROCESS cmd="set" data="name=value"/>` just before the last `</include>` line. Every other
 * byte is kept; the same value returns the same string.
 */
export function setPreprocessedVar(text: string, file: string, name: string, value: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new TargetFileError(file, `cannot set pre-processor variable "${name}": not a valid variable name`, {
      hint: 'variable names may contain letters, digits, "_", "." and "-"',
    });
  }
  const existing = findSingleDefinition(text, file, name);
  if (existing !== undefined && existing.value === value) return text;
  assertWritableValue(file, name, value, existing?.line);

  let result: string;
  if (existing !== undefined) {
    if (!LITERAL_VALUE_COMMANDS.includes(asciiLower(existing.cmd))) {
      throw new TargetFileError(
        file,
        `${name} is defined with cmd="${existing.cmd}" on line ${existing.line}; its data is not a plain value`,
        {
          line: existing.line,
          hint: `change that line to <X-PRE-PROCESS cmd="set" data="${name}=..."/> by hand, then run again`,
        },
      );
    }
    result = text.slice(0, existing.valueStart) + value + text.slice(existing.valueEnd);
  } else {
    result = insertDefinition(text, file, name, value);
  }

  const check = readPreprocessedVars(result).filter((v) => sameName(v.name, name));
  if (check.length !== 1 || check[0]?.value !== value) {
    throw new TargetFileError(file, `could not set ${name} safely: the edited line does not read back as ${name}=${value}`, {
      line: existing?.line,
      hint: 'set the variable by hand, then run again',
    });
  }
  return result;
}

function findSingleDefinition(text: string, file: string, name: string): PreprocessedVar | undefined {
  const defs = readPreprocessedVars(text).filter((v) => sameName(v.name, name));
  if (defs.length > 1) {
    const lines = defs.map((d) => d.line);
    const commented = defs.some((d) => d.insideComment);
    throw new TargetFileError(
      file,
      `${name} is defined ${defs.length} times (lines ${lines.join(', ')}); FreeSWITCH uses the last one`,
      {
        line: lines[1],
        hint: commented
          ? 'remove the extra X-PRE-PROCESS line (commenting it out does not disable it)'
          : 'remove the extra X-PRE-PROCESS line, keeping the one you want',
      },
    );
  }
  return defs[0];
}

function assertWritableValue(file: string, name: string, value: string, line: number | undefined): void {
  if (PREPROCESSED_VALUE_PATTERN.test(value)) return;
  const bad = [...value].find((c) => !PREPROCESSED_VALUE_PATTERN.test(c)) ?? '';
  const shown = bad === '\n' ? '\\n' : bad === '\r' ? '\\r' : bad === '\t' ? '\\t' : bad;
  throw new TargetFileError(file, `cannot set ${name}: the value contains "${shown}", which vars.xml cannot hold`, {
    line,
    hint:
      'FreeSWITCH reads X-PRE-PROCESS data raw up to the next double quote, with no escaping; ' +
      'use only letters, digits and . _ : / @ + $ % { } = , ; | ! * -',
  });
}

function insertDefinition(text: string, file: string, name: string, value: string): string {
  const lines = splitLines(text);
  const comments = findXmlCommentRanges(text);
  let closing: TextLine | undefined;
  for (const line of lines) {
    const at = line.content.lastIndexOf('</include>');
    if (at >= 0 && !isInside(comments, line.start + at)) closing = line;
  }
  if (closing === undefined) {
    throw new TargetFileError(file, `cannot add ${name}: no </include> line found`, {
      hint: 'vars.xml must be wrapped in <include> ... </include>; restore it from its backup',
    });
  }
  if (closing.content.includes('<include>') || closing.content.slice(0, closing.content.indexOf('</include>')).trim() !== '') {
    throw new TargetFileError(file, `cannot add ${name}: </include> on line ${closing.number} shares its line with other content`, {
      line: closing.number,
      hint: 'put </include> on a line of its own, then run again',
    });
  }
  const indent = directiveIndent(lines, comments);
  const eol = detectLineEnding(text);
  const directive = `${indent}<X-PRE-PROCESS cmd="set" data="${name}=${value}"/>${eol}`;
  return text.slice(0, closing.start) + directive + text.slice(closing.start);
}

/** Indentation of the last live, uncommented `<X-PRE-PROCESS` line; two spaces when there is none. */
function directiveIndent(lines: TextLine[], comments: CommentRange[]): string {
  let indent = '  ';
  for (const line of lines) {
    const match = /^([ \t]*)<X-PRE-PROCESS\b/i.exec(line.content);
    if (match !== null && !isInside(comments, line.start + (match[1]?.length ?? 0))) indent = match[1] ?? '';
  }
  return indent;
}
