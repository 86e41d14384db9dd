// The pre-processed document as a small element tree, each element knowing the file and line it came from.
// Parsed with @xml-tools/parser; FreeSWITCH's own parser (ezxml) is more lenient about '<' inside quoted
// attribute values (a PCRE look-behind, for instance), so those are escaped before parsing. Attribute values
// are entity-decoded and their white space normalised the way ezxml does.

import { buildAst } from '@xml-tools/ast';
import { parse } from '@xml-tools/parser';
import type { SourceLocation } from './preprocess.js';

export interface XmlNode {
  name: string;
  attrs: Map<string, string>;
  children: XmlNode[];
  /** Text content (CDATA unwrapped, entities decoded), only for elements without child elements. */
  text: string;
  origin: SourceLocation;
  parent: XmlNode | null;
}

export class XmlParseError extends Error {
  readonly origin: SourceLocation;
  constructor(message: string, origin: SourceLocation) {
    super(message);
    this.origin = origin;
  }
}

/** Escape '<' inside quoted attribute values; offsets within a line move, line numbers do not. */
export function escapeAttributeAngles(text: string): string {
  let out = '';
  let i = 0;
  const skipTo = (end: string): void => {
    const j = text.indexOf(end, i);
    const stop = j < 0 ? text.length : j + end.length;
    out += text.slice(i, stop);
    i = stop;
  };
  while (i < text.length) {
    if (text.startsWith('<!--', i)) skipTo('-->');
    else if (text.startsWith('<![CDATA[', i)) skipTo(']]>');
    else if (text.startsWith('<?', i)) skipTo('?>');
    else if (text.startsWith('<!', i)) skipTo('>');
    else if (text[i] === '<') {
      let quote: string | null = null;
      out += '<';
      i++;
      while (i < text.length) {
        const ch = text[i] as string;
        if (quote) {
          out += ch === '<' ? '&lt;' : ch;
          if (ch === quote) quote = null;
        } else {
          out += ch;
          if (ch === '"' || ch === "'") quote = ch;
          else if (ch === '>') {
            i++;
            break;
          }
        }
        i++;
      }
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (m, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? m;
  });
}

function decodeAttribute(raw: string): string {
  return decodeEntities(raw.replace(/\r\n?/g, '\n').replace(/[\t\n\r]/g, ' '));
}

function innerText(raw: string): string {
  let out = '';
  const re = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw)) !== null) {
    if (m[1] !== undefined) out += m[1];
    else if (m[2] !== undefined) out += decodeEntities(m[2].replace(/\r\n?/g, '\n'));
    else if (m[3] !== undefined) out += m[3];
  }
  return out;
}

/** The first element left open by a wrong closing tag (or by the end), for a precise error location. */
export function findUnclosedElement(text: string): { name: string; line: number; found: string } | null {
  const stack: Array<{ name: string; line: number }> = [];
  let line = 1;
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!(?!--)[^>]*>|<(\/?)([A-Za-z_][\w.:-]*)(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>|\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0] === '\n') {
      line++;
      continue;
    }
    const startLine = line;
    line += (m[0].match(/\n/g) ?? []).length;
    const name = m[2];
    if (name === undefined || m[3] === '/') continue;
    if (m[1] !== '/') {
      stack.push({ name, line: startLine });
      continue;
    }
    const top = stack.pop();
    if (!top) return { name, line: startLine, found: `</${name}>` };
    if (top.name !== name) return { ...top, found: `</${name}>` };
  }
  const open = stack.pop();
  return open ? { ...open, found: 'the end of the document' } : null;
}

type AstElement = ReturnType<typeof buildAst>['rootElement'];

function origin(lineOrigins: SourceLocation[], line: number, fallback: string): SourceLocation {
  return lineOrigins[line - 1] ?? lineOrigins[lineOrigins.length - 1] ?? { file: fallback, line };
}

function convert(el: NonNullable<AstElement>, text: string, lineOrigins: SourceLocation[], parent: XmlNode | null, name: string): XmlNode {
  const attrs = new Map<string, string>();
  for (const a of el.attributes) {
    if (a.key !== null && a.value !== null && !attrs.has(a.key)) attrs.set(a.key, decodeAttribute(a.value));
  }
  const node: XmlNode = {
    name: el.name ?? '',
    attrs,
    children: [],
    text: '',
    origin: origin(lineOrigins, el.position.startLine, name),
    parent,
  };
  for (const child of el.subElements) node.children.push(convert(child, text, lineOrigins, node, name));
  const open = el.syntax.openBody;
  const close = el.syntax.closeBody;
  if (node.children.length === 0 && open && close) node.text = innerText(text.slice(open.endOffset + 1, close.startOffset));
  return node;
}

/** Parse a pre-processed document; `lineOrigins` maps its lines back to the files they came from. */
export function parseXmlTree(rawText: string, lineOrigins: SourceLocation[], name: string): XmlNode {
  const text = escapeAttributeAngles(rawText);
  const { cst, lexErrors, parseErrors, tokenVector } = parse(text);
  const lex = lexErrors[0];
  if (lex) throw new XmlParseError(`XML syntax error: ${lex.message}`, origin(lineOrigins, lex.line ?? 1, name));
  const perr = parseErrors[0];
  const unclosed = perr ? findUnclosedElement(text) : null;
  if (unclosed) {
    throw new XmlParseError(`XML syntax error: <${unclosed.name}> is not closed (found ${unclosed.found})`, origin(lineOrigins, unclosed.line, name));
  }
  if (perr) {
    const line = Number.isFinite(perr.token.startLine) ? (perr.token.startLine as number) : lineOrigins.length;
    throw new XmlParseError(`XML syntax error: ${perr.message}`, origin(lineOrigins, line, name));
  }
  const ast = buildAst(cst as Parameters<typeof buildAst>[0], tokenVector);
  if (!ast.rootElement) throw new XmlParseError('XML document has no root element', origin(lineOrigins, 1, name));
  return convert(ast.rootElement, text, lineOrigins, null, name);
}

export function childElements(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

export function firstChild(node: XmlNode, name: string): XmlNode | null {
  return node.children.find((c) => c.name === name) ?? null;
}

/** switch_xml_find_child(): first `name` child whose attribute `attr` equals `value`, case-insensitively. */
export function findChild(node: XmlNode, name: string, attr: string, value: string): XmlNode | null {
  const v = value.toLowerCase();
  return node.children.find((c) => c.name === name && c.attrs.get(attr)?.toLowerCase() === v) ?? null;
}
