import { escapeXmlAttribute } from '../edit/xml-escape.js';

export const MASK = '********';

/** Every form a secret can take in our files: raw, XML-escaped for either quote, .properties-escaped. */
function variants(secret: string): string[] {
  const forms = new Set([secret, escapeXmlAttribute(secret), escapeXmlAttribute(secret, "'"), secret.replace(/\\/g, '\\\\')]);
  return [...forms].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of variants(secret)) out = out.split(form).join(MASK);
  }
  return out;
}
