// bbb-web's settings as bbb-web runs with them: the packaged defaults, overridden key by key by the admin's
// /etc/bigbluebutton/bbb-web.properties. Each value comes with the file it was read from, for messages.

import { getProperty } from '../edit/properties.js';
import { BBB_WEB_DEFAULTS, BBB_WEB_OVERRIDES } from '../host/bbb-paths.js';
import { readText, type Host } from '../host/host.js';
import type { ChecksumAlgorithm } from './bbb-api-client.js';

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

/** sha1 where bbb-web accepts it (the default list has it), else the first of sha256, sha384, sha512 it accepts; null if none. */
export function checksumAlgorithm(settings: BbbWebSettings): ChecksumAlgorithm | null {
  const configured = settings.get('supportedChecksumAlgorithms')?.value;
  if (configured === undefined || configured === '') return 'sha1';
  const allowed = configured.split(',').map((a) => a.trim().toLowerCase());
  for (const a of ['sha1', 'sha256', 'sha384', 'sha512'] as const) if (allowed.includes(a)) return a;
  return null;
}
