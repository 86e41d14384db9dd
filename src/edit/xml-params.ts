// Lossless edits of FreeSWITCH `<param name="X" value="Y"/>` elements: the file is parsed to find
// the real elements (comments and CDATA do not count), and the new value is spliced between the
// quotes of the existing `value` attribute, so every other byte stays as it was.
//
// Param names are matched case-insensitively, as FreeSWITCH modules compare them with strcasecmp.

import { TargetFileError } from '../errors.js';
import { formatLineList } from './text-lines.js';
import { parseXmlWithOffsets, type XMLElement } from './xml-document.js';
import { decodeXmlAttribute, escapeXmlAttribute } from './xml-escape.js';

export { decodeXmlAttribute, escapeXmlAttribute };

export interface ParamOccurrence {
  /** The name as written in the file. */
  name: string;
  /** The entity-decoded value. */
  value: string;
  /** 1-based line of the `<param` element. */
  line: number;
  /** Offsets of the raw attribute value between the quotes. */
  valueStart: number;
  valueEnd: number;
}

/** Every real `<param name="name" value="..."/>` element in the document, in file order. */
export function findParams(text: string, file: string, name: string): ParamOccurrence[] {
  const { document, offsetBase } = parseXmlWithOffsets(text, file);
  const found: ParamOccurrence[] = [];
  const wanted = name.toLowerCase();
  const visit = (element: XMLElement): void => {
    if (element.name === 'param' && element.ns === undefined) {
      const nameAttr = element.attributes.find((a) => a.key === 'name');
      const rawName = nameAttr?.value;
      if (rawName !== undefined && rawName !== null && decodeXmlAttribute(rawName).toLowerCase() === wanted) {
        const valueAttr = element.attributes.find((a) => a.key === 'value');
        const token = valueAttr?.syntax.value;
        if (valueAttr === undefined || token === undefined || valueAttr.value === null) {
          throw new TargetFileError(file, `<param name="${name}"> on line ${element.position.startLine} has no value attribute`, {
            line: element.position.startLine,
            hint: 'give it a value="..." by hand or remove it, then run again',
          });
        }
        found.push({
          name: decodeXmlAttribute(rawName),
          value: decodeXmlAttribute(valueAttr.value),
          line: element.position.startLine,
          // The token spans the quotes and its endOffset is inclusive: the content is between them.
          valueStart: offsetBase + token.startOffset + 1,
          valueEnd: offsetBase + token.endOffset,
        });
      }
    }
    for (const child of element.subElements) visit(child);
  };
  if (document.rootElement !== null) visit(document.rootElement);
  return found;
}

/**
 * Sets the value of the one `<param name="name">` in the document. The same value returns the same
 * string; none or several such params throw.
 */
export function setParamValue(text: string, file: string, name: string, value: string): string {
  const params = findParams(text, file, name);
  const param = params[0];
  if (param === undefined) {
    throw new TargetFileError(file, `no <param name="${name}"> found`, {
      hint: `add <param name="${name}" value="..."/> to the profile's <settings> by hand, or restore the file from its backup`,
    });
  }
  if (params.length > 1) {
    const lines = params.map((p) => p.line);
    const last = lines[lines.length - 1];
    throw new TargetFileError(file, `duplicate <param name="${name}"> on lines ${formatLineList(lines)}`, {
      line: last,
      hint: `remove one of them by hand; FreeSWITCH would use the last one (line ${String(last)})`,
    });
  }
  if (param.value === value) return text;
  const quote = text.charAt(param.valueStart - 1) === "'" ? "'" : '"';
  return text.slice(0, param.valueStart) + escapeXmlAttribute(value, quote) + text.slice(param.valueEnd);
}


