// Parses a FreeSWITCH XML file with @xml-tools (a fault-tolerant parser that keeps token offsets),
// and turns every lexing, parsing or well-formedness problem into a TargetFileError with its line.
// FreeSWITCH's own X-PRE-PROCESS elements and comments are ordinary XML here.

import { buildAst } from '@xml-tools/ast';
import { parse, type DocumentCstNode } from '@xml-tools/parser';
import { TargetFileError } from '../errors.js';
import { lineNumberAt } from './text-lines.js';

/** The @xml-tools AST of a document (not the DOM's XMLDocument). */
export type XMLDocument = ReturnType<typeof buildAst>;
export type XMLElement = NonNullable<XMLDocument['rootElement']>;
export type XMLAttribute = XMLElement['attributes'][number];

export interface ParsedXml {
  document: XMLDocument;
  /**
   * Where the parser's offset 0 is in the text: 1 when a leading byte order mark was skipped, else 0.
   * Add it to every AST offset before slicing the original text.
   */
  offsetBase: number;
}

const SYNTAX_HINT = 'fix the file by hand or restore it from its backup, then run again';
const BOM = '\uFEFF';

/** Parses `text` or throws `TargetFileError(file, 'XML syntax error: ...', { line, hint })`. */
export function parseXmlOrThrow(text: string, file: string): XMLDocument {
  return parseXmlWithOffsets(text, file).document;
}

/** Throws like parseXmlOrThrow when `text` is not a well-formed XML document. */
export function assertWellFormed(text: string, file: string): void {
  parseXmlWithOffsets(text, file);
}

/** parseXmlOrThrow, plus the offset base needed to map AST offsets back into `text`. */
export function parseXmlWithOffsets(text: string, file: string): ParsedXml {
  const offsetBase = text.startsWith(BOM) ? 1 : 0;
  const source = offsetBase === 1 ? text.slice(1) : text;
  const { cst, tokenVector, lexErrors, parseErrors } = parse(source);
  // parse() always starts from the "document" rule, so its CST root is a DocumentCstNode.
  const document = buildAst(cst as DocumentCstNode, tokenVector);

  const lexError = lexErrors[0];
  if (lexError !== undefined) {
    const offset = lexError.offset;
    const char = source.slice(offset, offset + 1);
    fail(file, `unexpected character ${JSON.stringify(char)}`, lexError.line ?? lineNumberAt(source, offset));
  }

  const parseError = parseErrors[0];
  if (parseError !== undefined) {
    const token = parseError.token;
    const atEnd = token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset);
    if (atEnd) {
      if (document.rootElement === null) fail(file, 'no root element', 1);
      // A mismatched closing tag earlier on is the usual cause of running out of input.
      checkElement(file, document.rootElement);
      const lastLine = lineNumberAt(source, source.trimEnd().length);
      const unclosed = findUnclosedElement(document.rootElement);
      if (unclosed !== undefined) {
        fail(file, `<${elementName(unclosed)}> opened on line ${unclosed.position.startLine} is never closed`, lastLine);
      }
      fail(file, 'unexpected end of file', lastLine);
    }
    const line = Number.isNaN(token.startLine ?? Number.NaN) ? lineNumberAt(source, token.startOffset) : (token.startLine ?? 1);
    if (/--> EOF <--/.test(parseError.message)) {
      fail(file, `only one root element is allowed, but more follows the root <${elementName(document.rootElement)}>: ${JSON.stringify(token.image)}`, line);
    }
    fail(file, describeParseError(parseError.message, token.image), line);
  }

  if (document.rootElement === null) fail(file, 'no root element', 1);
  checkElement(file, document.rootElement);
  return { document, offsetBase };
}

function fail(file: string, message: string, line: number): never {
  throw new TargetFileError(file, `XML syntax error: ${message}`, { line, hint: SYNTAX_HINT });
}

/** Closing tags must match their opening tags, and an attribute may appear once per element. */
function checkElement(file: string, element: XMLElement): void {
  const open = element.syntax.openName;
  const close = element.syntax.closeName;
  if (open !== undefined && close !== undefined && open.image !== close.image) {
    fail(file, `closing tag </${close.image}> does not match <${open.image}> opened on line ${open.startLine}`, close.startLine);
  }
  const seen = new Set<string>();
  for (const attribute of element.attributes) {
    if (attribute.key === null) continue;
    if (seen.has(attribute.key)) {
      fail(file, `attribute "${attribute.key}" appears twice in <${elementName(element)}>`, attribute.position.startLine);
    }
    seen.add(attribute.key);
  }
  for (const child of element.subElements) checkElement(file, child);
}

/** The innermost element that has an opening tag but neither "/>" nor a closing tag. */
function findUnclosedElement(element: XMLElement | null): XMLElement | undefined {
  if (element === null) return undefined;
  for (const child of element.subElements) {
    const inner = findUnclosedElement(child);
    if (inner !== undefined) return inner;
  }
  const closed = element.syntax.isSelfClosing === true || element.syntax.closeName !== undefined;
  return closed ? undefined : element;
}

function elementName(element: XMLElement | null): string {
  if (element === null) return '?';
  const name = element.syntax.openName?.image ?? element.name;
  return name ?? '?';
}

const TOKEN_NAMES: Record<string, string> = {
  CLOSE: '">"',
  SLASH_CLOSE: '"/>"',
  EQUALS: '"="',
  STRING: 'a quoted value',
  Name: 'a name',
  OPEN: '"<"',
  SLASH_OPEN: '"</"',
  EOF: 'end of file',
};

/** Chevrotain's multi-line messages, made into one line a person can read. */
function describeParseError(message: string, image: string): string {
  const mismatched = /Expecting token of type --> (\w+) <--/.exec(message);
  const expected: string[] = [];
  if (mismatched?.[1] !== undefined) {
    expected.push(TOKEN_NAMES[mismatched[1]] ?? mismatched[1]);
  } else {
    for (const m of message.matchAll(/\[(\w+)\]/g)) {
      const name = m[1];
      if (name !== undefined) expected.push(TOKEN_NAMES[name] ?? name);
    }
  }
  const found = image === '' ? 'end of file' : JSON.stringify(image);
  if (expected.length === 0) return `unexpected ${found}`;
  return `expected ${expected.join(' or ')} but found ${found}`;
}
