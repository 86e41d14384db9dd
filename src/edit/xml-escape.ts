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

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The value of a raw attribute (as between its quotes): whitespace normalised as XML does
 * (line breaks and tabs become spaces), then the five named entities and character references
 * decoded. An unknown reference is kept as written, as FreeSWITCH does.
 */
export function decodeXmlAttribute(raw: string): string {
  const normalised = raw.replace(/\r\n?/g, '\n').replace(/[\t\n]/g, ' ');
  return normalised.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole: string, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}
