// What bbb-twilio remembers between runs, as data (read and written by apply/state.ts). Hashes, never contents.

import { createHash } from 'node:crypto';
import type { AttachedNumber } from './number-routing.js';

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

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
