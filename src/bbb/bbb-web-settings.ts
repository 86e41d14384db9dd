// bbb-web's settings as bbb-web runs with them: the packaged defaults, overridden key by key by the admin's
// /etc/bigbluebutton/bbb-web.properties. Each value comes with the file it was read from, for messages.

import { getProperty } from '../edit/properties.js';
import { BBB_WEB_DEFAULTS, BBB_WEB_OVERRIDES } from '../host/bbb-paths.js';
import { readText, type Host } from '../host/host.js';
import type { BbbApiOptions, ChecksumAlgorithm } from './bbb-api-client.js';

export interface Setting {
  value: string;
  /** Server path of the file that sets it. */
  source: string;
}

export interface BbbWebSettings {
  get(key: string): Setting | undefined;
  /** Files that exist, in the order they are read. */
  files: string[];
}

export async function readBbbWebSettings(host: Host): Promise<BbbWebSettings> {
  const texts: { file: string; text: string }[] = [];
  for (const file of [BBB_WEB_DEFAULTS, BBB_WEB_OVERRIDES]) {
    const text = await readText(host, file);
    if (text !== null) texts.push({ file, text });
  }
  return {
    files: texts.map((t) => t.file),
    get(key: string): Setting | undefined {
      let found: Setting | undefined;
      for (const { file, text } of texts) {
        const value = getProperty(text, key);
        if (value !== undefined) found = { value: value.trim(), source: file };
      }
      return found;
    },
  };
}

const ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;

/** The algorithms bbb-web accepts: its `supportedChecksumAlgorithms`, all four when unset or empty (its default). */
function acceptedAlgorithms(settings: BbbWebSettings): ChecksumAlgorithm[] {
  const configured = settings.get('supportedChecksumAlgorithms')?.value;
  if (configured === undefined || configured === '') return [...ALGORITHMS];
  const listed = configured.split(',').map((a) => a.trim().toLowerCase());
  return ALGORITHMS.filter((a) => listed.includes(a));
}

/** sha1 where bbb-web accepts it (the default list has it), else the first of sha256, sha384, sha512 it accepts; null if none. */
export function checksumAlgorithm(settings: BbbWebSettings): ChecksumAlgorithm | null {
  return acceptedAlgorithms(settings)[0] ?? null;
}

/**
 * The strongest algorithm bbb-web accepts (sha512 > sha384 > sha256 > sha1), for the call service, which has no
 * older peer to match. null when the list names none of them.
 */
export function strongestChecksumAlgorithm(settings: BbbWebSettings): ChecksumAlgorithm | null {
  return acceptedAlgorithms(settings).at(-1) ?? null;
}

/**
 * How the call service reaches bbb-web's API: serverURL and securitySalt (the admin's override wins, as in
 * bbb-web) and the strongest checksum algorithm it accepts; or what is missing, in one line (never the secret).
 */
export function callServiceApiAccess(settings: BbbWebSettings): { ok: true; options: BbbApiOptions } | { ok: false; problem: string } {
  const serverUrl = settings.get('bigbluebutton.web.serverURL')?.value;
  const secret = settings.get('securitySalt')?.value;
  const algorithm = strongestChecksumAlgorithm(settings);
  if (!serverUrl) return { ok: false, problem: `bigbluebutton.web.serverURL is not set in ${settings.files.join(' or ') || BBB_WEB_OVERRIDES}` };
  if (!secret) return { ok: false, problem: `securitySalt is not set in ${settings.files.join(' or ') || BBB_WEB_OVERRIDES}` };
  if (algorithm === null) return { ok: false, problem: `supportedChecksumAlgorithms (${settings.get('supportedChecksumAlgorithms')?.source}) names none of sha1, sha256, sha384, sha512` };
  return { ok: true, options: { serverUrl, secret, algorithm } };
}
