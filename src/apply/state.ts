import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { JournalError } from '../errors.js';
import { STATE_DIR } from '../host/bbb-paths.js';
import { readText, type Host } from '../host/host.js';
import type { NumberRouting } from '../twilio/resources/account-reads.js';

/** A number bbb-twilio attached to its trunk, with where its calls went before, to put back on uninstall. */
export interface AttachedNumber {
  phoneNumber: string;
  previous: NumberRouting;
}

/**
 * What bbb-twilio set up in the Twilio account: the SID of its trunk (a trunk found by name that is not this
 * one, and sends calls to another server, is not taken over), and the numbers it attached, by PN SID.
 */
export interface TwilioMemory {
  trunkSid?: string;
  numbers: Record<string, AttachedNumber>;
}

/**
 * What bbb-twilio remembers between runs: a hash of each file it wrote (never the content, so no secrets),
 * and the original values of what it edited in other people's files, so uninstall can put them back.
 */
export interface State {
  version: 1;
  files: Record<string, { sha256: string; resource: string }>;
  originals: Record<string, string | null>;
  /**
   * Salted hashes (scrypt) of secrets bbb-twilio set where they cannot be read back, such as the password of
   * its Twilio SIP credential, so a plan can tell whether the configured secret changed.
   */
  secretHashes: Record<string, string>;
  /** Directories bbb-twilio created (e.g. sip_profiles/external/): removed again once they are empty. */
  dirs: string[];
  twilio: TwilioMemory;
}

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

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
