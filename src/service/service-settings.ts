// The call service's settings, derived once from the config (and again on SIGHUP).

import type { Config } from '../config/schema.js';
import { PROMPTS, type Prompts } from './prompts.js';

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
  prompts: Prompts;
}

/** Only the parts it reads, so simulate-call can pass the defaults without a whole Config. */
export type SettingsSource = Pick<Config, 'dialin'> & { callService: Pick<Config['callService'], 'digitTimeoutSeconds' | 'maxWaitMinutes'> };

export function serviceSettings(config: SettingsSource, prompts: Prompts = PROMPTS): ServiceSettings {
  return {
    tries: config.dialin.tries,
    maskCallerId: config.dialin.maskCallerId,
    allowAnonymous: config.dialin.allowAnonymous,
    maxCallMinutes: config.dialin.maxCallMinutes,
    digitTimeoutMs: config.callService.digitTimeoutSeconds * 1000,
    firstDigitTimeoutMs: 10_000,
    ambiguousPinMs: 2_000,
    maxWaitMs: config.callService.maxWaitMinutes * 60_000,
    holdMusic: 'local_stream://moh',
    prompts,
  };
}
