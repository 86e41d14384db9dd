// What an application of the simulator works with, and what it reports back: shared by the applications and
// the transfer they may end in, so neither has to import the other for its types.

import type { Channel } from './channel.js';
import type { DtmfScript } from './dtmf-script.js';
import type { LoadedConfig } from './load-config.js';
import type { PagdResult } from './play-and-get-digits.js';
import type { Where } from './types.js';

export interface AppRuntime {
  config: LoadedConfig;
  channel: Channel;
  dtmf: DtmfScript;
  expand(text: string, where: Where): string;
  report(where: Where, what: string, detail: string): void;
  /** The last play_and_get_digits run, for the outcome line ("hung up after 3 invalid PINs"). */
  pinEntries: PagdResult[];
}

export interface AppStep {
  result: string;
  details?: string[];
  variables?: Record<string, string | null>;
}
