// The call service's settings, derived once from the config (and again on SIGHUP).

import type { Config } from '../config/schema.js';
import type { ProfileControls } from '../freeswitch/conference-controls.js';
import { PROMPTS, STOCK_SOUNDS } from './prompts.js';

export interface ServiceSettings {
  tries: number;
  maskCallerId: boolean;
  allowAnonymous: boolean;
  maxCallMinutes: number;
  /** A pause this long ends the PIN entry. */
  digitTimeoutMs: number;
  /** With no key at all after the prompt, the entry ends after this long. */
  firstDigitTimeoutMs: number;
  /** Digits that are a whole PIN and the start of a longer one (breakout rooms) wait this long for more. */
  ambiguousPinMs: number;
  maxWaitMs: number;
  /** Hold audio while a caller waits for a meeting to start. */
  holdMusic: string;
  prompts: CallPrompts;
  /** Key sequences that toggle the caller's mute in the meeting. */
  muteKeys: string[];
  /** Each conference profile's caller-controls (conference.conf.xml), so no key is acted on twice. */
  conferenceControls: ReadonlyMap<string, ProfileControls>;
}

/** What the caller hears at each point: file paths (ours, absolute) or stock sounds (FreeSWITCH's relative names). */
export interface CallPrompts {
  enterPin: string;
  /** Again, after a PIN that was not valid. */
  enterPinAgain: string;
  pinNotValid: string;
  notStarted: string;
  tryLater: string;
  meetingEnded: string;
  waitedTooLong: string;
  goodbye: string;
  holdMusic: string;
  mutedPressStarSix: string;
  mutedPressZero: string;
  muted: string;
  unmuted: string;
}

export const CALL_PROMPTS: CallPrompts = {
  enterPin: PROMPTS.welcome,
  enterPinAgain: STOCK_SOUNDS.enterPin,
  pinNotValid: PROMPTS.pinNotValid,
  notStarted: PROMPTS.meetingNotStarted,
  tryLater: PROMPTS.tooManyInvalidPins,
  meetingEnded: PROMPTS.meetingEnded,
  waitedTooLong: PROMPTS.waitedTooLong,
  goodbye: STOCK_SOUNDS.goodbye,
  holdMusic: PROMPTS.holdMusic,
  mutedPressStarSix: PROMPTS.mutedPressStarSix,
  mutedPressZero: PROMPTS.mutedPressZero,
  muted: STOCK_SOUNDS.muted,
  unmuted: STOCK_SOUNDS.unmuted,
};

/** Only the parts it reads, so simulate-call can pass the defaults without a whole Config. */
export type SettingsSource = Pick<Config, 'dialin'> & { callService: Pick<Config['callService'], 'digitTimeoutSeconds' | 'maxWaitMinutes' | 'keys'> };

export function serviceSettings(
  config: SettingsSource,
  conferenceControls: ReadonlyMap<string, ProfileControls> = new Map(),
  prompts: CallPrompts = CALL_PROMPTS,
): ServiceSettings {
  return {
    tries: config.dialin.tries,
    maskCallerId: config.dialin.maskCallerId,
    allowAnonymous: config.dialin.allowAnonymous,
    maxCallMinutes: config.dialin.maxCallMinutes,
    digitTimeoutMs: config.callService.digitTimeoutSeconds * 1000,
    firstDigitTimeoutMs: 10_000,
    ambiguousPinMs: 2_000,
    maxWaitMs: config.callService.maxWaitMinutes * 60_000,
    holdMusic: prompts.holdMusic,
    prompts,
    muteKeys: config.callService.keys.toggleMute,
    conferenceControls,
  };
}
