// Kept apart from the XML parser so that code which only escapes (secret masking) stays light to load.

/**
 * Escapes a value for an XML attribute delimited by `quote`: `&`, `<`, `>` and that quote always;
 * tab, line feed and carriage return as character references, so attribute-value normalisation
 * cannot turn them into spaces.
 */
export function escapeXmlAttribute(value: string, quote: '"' | "'" = '"'): string {
  let out = '';
  for (const c of value) {
    switch (c) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '"':
        out += quote === '"' ? '&quot;' : c;
        break;
      case "'":
        out += quote === "'" ? '&apos;' : c;
        break;
      case '\t':
        out += '&#9;';
        break;
      case '\n':
        out += '&#10;';
        break;
      case '\r':
        out += '&#13;';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/**
 * A value for xmlbuilder2's attribute writer that comes out exactly as `escapeXmlAttribute` would write it.
 * xmlbuilder2 leaves anything that looks like an entity (`&amp;`, `&#65;`) unescaped, so a password
 * `a&amp;b` would be read back as `a&b`, and it writes tabs and line breaks raw; escaping `&` and those
 * characters first makes its output escape each character exactly once.
 */
export function forXmlBuilderAttribute(value: string): string {
  return value.replace(/[&\t\n\r]/g, (c) => escapeXmlAttribute(c));
}
