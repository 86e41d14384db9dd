// Twilio's rules for SIP credential passwords, a generator that meets them, and the salted hash bbb-twilio
// keeps in its state to see whether the configured password changed (Twilio never returns a password).

import { randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';

/** At least 12 characters, a digit, a lower-case and an upper-case letter. */
export function meetsTwilioPasswordRules(password: string): boolean {
  return password.length >= 12 && /\d/.test(password) && /[a-z]/.test(password) && /[A-Z]/.test(password);
}

export const TWILIO_PASSWORD_RULES = 'at least 12 characters with a digit, a lower-case and an upper-case letter';

/**
 * Why a password cannot be the dial-out credential, or undefined when it can: Twilio's rules, and FreeSWITCH's
 * pre-processor, which rewrites `$${name}` on every line of every XML file before the gateway is read.
 */
export function terminationPasswordProblem(password: string): string | undefined {
  if (password.includes('$${')) {
    return 'contains "$${", which FreeSWITCH\'s pre-processor replaces with a variable\'s value before it reads the gateway';
  }
  if (!meetsTwilioPasswordRules(password)) return `does not meet Twilio's rules (${TWILIO_PASSWORD_RULES})`;
  return undefined;
}

// Letters and digits only: safe unquoted in YAML, in XML attributes and in a SIP digest, and easy to read.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** 24 random characters (about 140 bits) that meet Twilio's rules and that FreeSWITCH reads as written. */
export function generateTwilioPassword(length = 24): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
    if (terminationPasswordProblem(out) === undefined) return out;
  }
}

// scrypt with a random salt: the state file never holds anything a password can be read back from cheaply.
const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;

export function hashSecret(secret: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(secret, salt, 32, SCRYPT);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function secretMatches(secret: string, stored: string | undefined): boolean {
  const m = stored === undefined ? null : /^scrypt\$([^$]+)\$([^$]+)$/.exec(stored);
  if (m === null) return false;
  const expected = Buffer.from(m[2] ?? '', 'base64');
  const actual = scryptSync(secret, Buffer.from(m[1] ?? '', 'base64'), expected.length, SCRYPT);
  return expected.length > 0 && timingSafeEqual(actual, expected);
}
