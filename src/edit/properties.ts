// Lossless edits of Java .properties files (bbb-web's /etc/bigbluebutton/bbb-web.properties).
//
// properties-file's lossless parser finds each property and its physical lines; the edit is then
// spliced in by line here, because its editor's format() rewrites every line ending with the first
// one it saw. Values are escaped so Java's Properties.load reads back exactly the string we set:
// backslash, a leading space, tab/newline/carriage-return/form-feed, and every character outside
// printable ASCII as \uXXXX. The last is stricter than Java needs for Latin-1 text, but it keeps the
// file pure ASCII, which reads the same whether bbb-web loads it as ISO-8859-1 or as UTF-8.

import { escapeKey } from 'properties-file/escape';
import { Properties } from 'properties-file/parser';
import type { PropertyNode } from 'properties-file/parser';
import { detectLineEnding, endsWithLineBreak, splitLines, type TextLine } from './text-lines.js';

const BOM = '\uFEFF';

/** The value of `key` (its last definition, as Java reads it), or undefined. */
export function getProperty(text: string, key: string): string | undefined {
  return new Properties(text).getEffectiveProperty(key)?.value;
}

/**
 * Sets every definition of `key` to `value` (normally there is one), keeping each definition's
 * indentation, key spelling and separator, and every other line byte for byte. An absent key is
 * appended as `key=value`. Definitions that already hold `value` are left untouched.
 */
export function setProperty(text: string, key: string, value: string): string {
  const nodes = new Properties(text).getPropertyNodes(key);
  if (nodes.length === 0) return appendProperty(text, key, value);
  const lines = splitLines(text, { loneCarriageReturn: true });
  const escaped = escapePropertyValue(value);
  let result = text;
  // Back to front, so earlier offsets stay valid.
  for (const node of [...nodes].reverse()) {
    if (node.value === value) continue;
    const { start, end } = propertySpan(text, lines, node);
    const separator = node.separatorChar ?? (node.separatorLeading === '' ? '=' : '');
    const rewritten = `${node.leadingWhitespace}${node.escapedKey}${node.separatorLeading}${separator}${node.separatorTrailing}${escaped}`;
    result = result.slice(0, start) + rewritten + result.slice(end);
  }
  return result;
}

/** Removes every definition of `key`, with its continuation lines and their line endings. */
export function removeProperty(text: string, key: string): string {
  const nodes = new Properties(text).getPropertyNodes(key);
  if (nodes.length === 0) return text;
  const lines = splitLines(text, { loneCarriageReturn: true });
  let result = text;
  for (const node of [...nodes].reverse()) {
    const { start, end } = propertySpan(text, lines, node);
    const last = lines[node.endingLineNumber - 1];
    result = result.slice(0, start) + result.slice(end + (last?.eol.length ?? 0));
  }
  return result;
}

/**
 * Escapes a value the way Java's Properties.store does where it matters for reading back: `\\`,
 * a leading space, `=` or `:` (after a whitespace separator Java would take it for the separator),
 * control characters, and anything outside printable ASCII as `\uXXXX`. Elsewhere in a value `=`,
 * `:`, `#` and `!` need no escape and are kept as they are.
 */
export function escapePropertyValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    const code = value.charCodeAt(i);
    if (c === '\\') out += '\\\\';
    else if (i === 0 && (c === ' ' || c === '=' || c === ':')) out += `\\${c}`;
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** Offsets of a property's lines, from its first character to the end of its last line's content. */
function propertySpan(text: string, lines: TextLine[], node: PropertyNode): { start: number; end: number } {
  const first = lines[node.startingLineNumber - 1];
  if (first === undefined) {
    // The parser and splitLines agree on line breaks ("\r\n", "\n", lone "\r"); this cannot happen.
    throw new RangeError(`property on line ${node.startingLineNumber} is outside the text`);
  }
  // A byte order mark belongs to the file, not to the first line's property.
  const start = first.start === 0 && text.startsWith(BOM) ? 1 : first.start;
  // A continuation at the very end of the text ends on the empty line after the last line break.
  const last = lines[node.endingLineNumber - 1];
  return { start, end: last === undefined ? text.length : last.end };
}

function appendProperty(text: string, key: string, value: string): string {
  const eol = detectLineEnding(text);
  let prefix = text;
  if (!endsWithLineBreak(prefix)) prefix += eol;
  if (continuesPastEnd(prefix)) prefix += eol;
  return `${prefix}${escapeKey(key, true)}=${escapePropertyValue(value)}${eol}`;
}

/**
 * True when the text's last property ends in an unpaired backslash, so it would continue onto
 * whatever is appended; an empty line ends it.
 */
function continuesPastEnd(text: string): boolean {
  const lineCount = splitLines(text, { loneCarriageReturn: true }).length;
  const properties = new Properties(text).getProperties();
  const last = properties[properties.length - 1];
  return last !== undefined && last.endingLineNumber > lineCount;
}
