// What the call service plays. Its own sentences ship with the package in sounds/en/ (8 kHz mono 16-bit WAV,
// made by scripts/make-prompts.sh) and are played by absolute path, so nothing is installed into FreeSWITCH's
// sound directory. Stock sounds are named relative to FreeSWITCH's sound prefix (BBB installs the callie pack
// there), exactly as BBB's own dialplan and conference profiles name them.
//
// The package root is found by walking up from this module to the package.json named bbb-twilio: this file runs
// from src/service/ under tsx and from a chunk in dist/bundle/ once bundled, at different depths.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'bbb-twilio';

/** The directory of the package.json named bbb-twilio above `from`. */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && isOurs(manifest)) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${from}: the package is incomplete (reinstall it)`);
  }
}

function isOurs(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

const SOUNDS = path.join(findPackageRoot(path.dirname(fileURLToPath(import.meta.url))), 'sounds', 'en');

/** Our own prompts: absolute paths. */
export const PROMPTS = {
  /** "Welcome. Please enter your meeting PIN, then press pound." */
  welcome: path.join(SOUNDS, 'welcome.wav'),
  /** "The meeting has not started yet. Please hold; you will join as soon as it starts." */
  meetingNotStarted: path.join(SOUNDS, 'meeting-not-started.wav'),
  /** "That PIN is not valid. Please try again." */
  pinNotValid: path.join(SOUNDS, 'pin-not-valid.wav'),
  /** "Too many invalid PINs. Please try again later. Goodbye." */
  tooManyInvalidPins: path.join(SOUNDS, 'too-many-invalid-pins.wav'),
  /** "The meeting has ended. Goodbye." */
  meetingEnded: path.join(SOUNDS, 'meeting-ended.wav'),
  /** "You have waited too long. Goodbye." */
  waitedTooLong: path.join(SOUNDS, 'waited-too-long.wav'),
  /** "You are muted. Press star six to unmute." (the meeting muted the caller on entry) */
  mutedPressStarSix: path.join(SOUNDS, 'muted-press-star-six.wav'),
  /** "You are muted. Press zero to unmute." */
  mutedPressZero: path.join(SOUNDS, 'muted-press-zero.wav'),
  /**
   * Music while a caller waits, for endless_playback. BBB's FreeSWITCH loads neither mod_local_stream nor
   * mod_tone_stream, so its `hold_music` (local_stream://moh) plays nothing there.
   */
  holdMusic: path.join(SOUNDS, 'hold-music.wav'),
} as const;

/** Stock sounds, relative to FreeSWITCH's sound prefix (the static dialplan uses the same ones). */
export const STOCK_SOUNDS = {
  /** callie: "Please enter the conference PIN number, followed by the pound key." */
  enterPin: 'conference/conf-pin.wav',
  /** callie: "That PIN is invalid." */
  badPin: 'conference/conf-bad-pin.wav',
  goodbye: 'voicemail/vm-goodbye.wav',
  /** The conference's own confirmations, played to the one caller who pressed the key. */
  muted: 'conference/conf-muted.wav',
  unmuted: 'conference/conf-unmuted.wav',
} as const;
