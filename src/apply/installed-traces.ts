// What of bbb-twilio a server still has, read from what bbb-twilio leaves behind without its config: its state (the
// files it wrote, the values it changed, the directories it made) and the ufw rules tagged with its name.

import { readText, type Host } from '../host/host.js';
import { UFW_USER_RULES } from '../host/bbb-paths.js';
import { RULE_COMMENT, parseUfwTuples } from '../resources/ufw-rules.js';
import { plural } from './wait-for-idle.js';
import { STATE_FILE, readState } from './state.js';

/** One phrase per kind of trace found (`2 files it wrote (state.json)`); empty when nothing of bbb-twilio is here. */
export async function installedTraces(host: Host): Promise<string[]> {
  const state = await readState(host);
  const rules = parseUfwTuples((await readText(host, UFW_USER_RULES)) ?? '').filter((t) => t.comment === RULE_COMMENT);
  const files = Object.keys(state.files).length;
  const originals = Object.keys(state.originals).length;
  return [
    files > 0 ? `${plural(files, 'file')} it wrote (${STATE_FILE})` : '',
    originals > 0 ? `${plural(originals, 'value')} it changed in BBB's files` : '',
    rules.length > 0 ? `${plural(rules.length, 'ufw rule')} tagged ${RULE_COMMENT}` : '',
  ].filter((t) => t !== '');
}
