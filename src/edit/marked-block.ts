// A block of lines that bbb-twilio owns inside a file someone else owns (BBB's
// /etc/bigbluebutton/bbb-conf/apply-config.sh), between two marker lines. Everything outside the
// markers is kept byte for byte; a file has at most one block.
//
// Appending puts one blank line before the block (and supplies a missing final line break first);
// removing takes the block and that one blank line away again, so set -> remove gives back the
// original bytes of any file that ended with a line break.

import { TargetFileError } from '../errors.js';
import { detectLineEnding, endsWithLineBreak, splitLines, type TextLine } from './text-lines.js';

export const BLOCK_BEGIN =
  '# BEGIN bbb-twilio (managed by bbb-twilio; edit the config and run "bbb-twilio apply" instead)';
export const BLOCK_END = '# END bbb-twilio';

// A begin marker is recognised by its start, so a block written with older wording is still found.
const BEGIN_PATTERN = /^[ \t]*# BEGIN bbb-twilio(?:[ \t(]|$)/;
const END_PATTERN = /^[ \t]*# END bbb-twilio[ \t]*$/;

const MARKER_HINT =
  'fix the markers by hand (one "# BEGIN bbb-twilio ..." line, then one "# END bbb-twilio" line), then run again';

interface BlockLocation {
  begin: TextLine;
  end: TextLine;
  lines: TextLine[];
}

/** The lines between the markers (each with its line ending), or undefined when there is no block. */
export function getMarkedBlock(text: string, file: string): string | undefined {
  const block = locateBlock(text, file);
  if (block === undefined) return undefined;
  return text.slice(block.begin.end + block.begin.eol.length, block.end.start);
}

/**
 * Puts `body` between the markers: replaces the existing block in place, or appends a new one at
 * the end. The body's line breaks become the file's, and it gets a final line break when it has
 * none. Setting the body the block already has returns the same string.
 */
export function setMarkedBlock(text: string, file: string, body: string): string {
  const eol = detectLineEnding(text);
  const normalisedBody = normaliseBody(file, body, eol);
  const block = locateBlock(text, file);
  if (block !== undefined) {
    const current = text.slice(block.begin.start, block.end.end);
    const wanted = `${BLOCK_BEGIN}${block.begin.eol}${normalisedBody}${BLOCK_END}`;
    if (current === wanted) return text;
    return text.slice(0, block.begin.start) + wanted + text.slice(block.end.end);
  }
  const blockText = `${BLOCK_BEGIN}${eol}${normalisedBody}${BLOCK_END}${eol}`;
  if (text.length === 0) return blockText;
  const prefix = endsWithLineBreak(text) ? text : text + eol;
  return `${prefix}${eol}${blockText}`;
}

/** Removes the block, its markers and the one blank line just before it. No block: the same string. */
export function removeMarkedBlock(text: string, file: string): string {
  const block = locateBlock(text, file);
  if (block === undefined) return text;
  const before = block.lines[block.begin.number - 2];
  const start = before !== undefined && before.content === '' ? before.start : block.begin.start;
  return text.slice(0, start) + text.slice(block.end.end + block.end.eol.length);
}

function normaliseBody(file: string, body: string, eol: string): string {
  if (body.length === 0) return '';
  const lines = body.split(/\r\n|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const marker = lines.find((l) => BEGIN_PATTERN.test(l) || END_PATTERN.test(l));
  if (marker !== undefined) {
    throw new TargetFileError(file, `the bbb-twilio block may not contain a marker line: ${JSON.stringify(marker)}`, {
      hint: 'this is a bug in bbb-twilio; please report it',
    });
  }
  return lines.map((l) => l + eol).join('');
}

function locateBlock(text: string, file: string): BlockLocation | undefined {
  const lines = splitLines(text);
  let begin: TextLine | undefined;
  let found: BlockLocation | undefined;
  for (const line of lines) {
    if (BEGIN_PATTERN.test(line.content)) {
      if (begin !== undefined) {
        throw new TargetFileError(file, `two "# BEGIN bbb-twilio" markers (lines ${begin.number} and ${line.number}) without an END between them`, {
          line: line.number,
          hint: MARKER_HINT,
        });
      }
      if (found !== undefined) {
        throw new TargetFileError(file, `a second bbb-twilio block starts on line ${line.number} (the first is on lines ${found.begin.number}-${found.end.number})`, {
          line: line.number,
          hint: 'remove one of the blocks by hand, then run again',
        });
      }
      begin = line;
    } else if (END_PATTERN.test(line.content)) {
      if (begin === undefined) {
        throw new TargetFileError(file, `"${BLOCK_END}" on line ${line.number} has no "# BEGIN bbb-twilio" before it`, {
          line: line.number,
          hint: MARKER_HINT,
        });
      }
      found = { begin, end: line, lines };
      begin = undefined;
    }
  }
  if (begin !== undefined) {
    throw new TargetFileError(file, `"# BEGIN bbb-twilio" on line ${begin.number} has no "${BLOCK_END}" after it`, {
      line: begin.number,
      hint: MARKER_HINT,
    });
  }
  return found;
}
