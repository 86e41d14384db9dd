import * as path from 'node:path';
import { JournalError } from '../errors.js';
import { STATE_DIR } from '../host/bbb-paths.js';
import { readText, type Host } from '../host/host.js';
import { sha256, type State, type TwilioMemory } from '../model/state.js';

export type { AttachedNumber } from '../model/number-routing.js';
export { sha256, type State, type TwilioMemory };

export const STATE_FILE = path.posix.join(STATE_DIR, 'state.json');

export function emptyState(): State {
  return { version: 1, files: {}, originals: {}, secretHashes: {}, dirs: [], twilio: { numbers: {} } };
}

export async function readState(host: Host): Promise<State> {
  const text = await readText(host, STATE_FILE);
  if (text === null) return emptyState();
  try {
    const data = JSON.parse(text) as Partial<State>;
    if (data.version !== 1 || typeof data.files !== 'object' || typeof data.originals !== 'object') {
      throw new Error('unknown layout');
    }
    return {
      version: 1,
      files: data.files ?? {},
      originals: data.originals ?? {},
      secretHashes: data.secretHashes ?? {},
      dirs: data.dirs ?? [],
      twilio: { numbers: {}, ...data.twilio },
    };
  } catch (err) {
    throw new JournalError(
      `${STATE_FILE}: unreadable state (${(err as Error).message})`,
      'restore it from a backup or move it away; bbb-twilio then treats its files as unknown',
    );
  }
}

/**
 * Keep what the state knows of the Twilio account across a rollback or a failed apply: their Twilio changes
 * stay (forward only), so the record of them must too, or uninstall --twilio could not put the numbers back.
 */
export async function keepTwilioMemory(host: Host, twilio: TwilioMemory): Promise<void> {
  if (twilio.trunkSid === undefined && Object.keys(twilio.numbers).length === 0) return;
  const state = await readState(host);
  await host.writeFileAtomic(STATE_FILE, Buffer.from(serialiseState({ ...state, twilio })), { mode: 0o600 });
}

export function serialiseState(state: State): string {
  return JSON.stringify(state, null, 2) + '\n';
}

