// What the in-meeting keypad will do on this server, for plan and doctor: for each of callService.keys.toggleMute,
// whether the call service acts on it or the conference profile's own caller-controls do (then the service leaves
// it: no double toggle). BBB joins callers into `<pin>@cdquality` (its bbb_conferences extension); the profile is
// read from the loaded dialplan, cdquality when it cannot be found.

import type { Host } from '../host/host.js';
import { conferenceControls, keyOwner, type ProfileControls } from './conference-controls.js';
import { loadFreeswitchConfig } from './simulator/load-config.js';
import { childElements } from './simulator/xml-tree.js';
import type { XmlNode } from './simulator/xml-tree.js';

export interface KeypadAssessment {
  profile: string;
  group: string | undefined;
  /** One line per key: "*6: the call service toggles mute"; `mutes`: pressing it toggles mute (by either side). */
  keys: { key: string; by: 'service' | 'freeswitch'; mutes: boolean; text: string }[];
  /** At least one key mutes and unmutes (the service's or FreeSWITCH's own `mute`). */
  usable: boolean;
}

export function assessKeypad(muteKeys: readonly string[], profile: string, controls: ProfileControls | undefined): KeypadAssessment {
  const keys = muteKeys.map((key) => {
    const owner = keyOwner(key, controls);
    if (owner.by === 'service') return { key, by: 'service' as const, mutes: true, text: `${key}: the call service toggles mute` };
    const mutes = owner.action === 'mute' && owner.binding === key;
    const text = mutes
      ? `${key}: FreeSWITCH's own caller-controls toggle mute (the service leaves it)`
      : `${key}: not used: the ${profile} profile's caller-controls bind ${owner.binding} to "${owner.action}"`;
    return { key, by: 'freeswitch' as const, mutes, text };
  });
  const usable = keys.some((k) => k.mutes);
  return { profile, group: controls?.group, keys, usable };
}

/** Read the tree's FreeSWITCH configuration and assess; undefined when it cannot be read. */
export async function assessServerKeypad(host: Host, muteKeys: readonly string[]): Promise<KeypadAssessment | undefined> {
  let loaded;
  try {
    loaded = await loadFreeswitchConfig(host);
  } catch {
    return undefined;
  }
  const profile = bbbConferenceProfile(loaded.dialplan) ?? 'cdquality';
  return assessKeypad(muteKeys, profile, conferenceControls(loaded.document).get(profile));
}

/** The profile of the first `conference <x>@<profile>` action in the default context. */
function bbbConferenceProfile(dialplan: XmlNode | null): string | undefined {
  if (!dialplan) return undefined;
  const context = childElements(dialplan, 'context').find((c) => c.attrs.get('name') === 'default');
  for (const ext of context ? childElements(context, 'extension') : []) {
    for (const cond of childElements(ext, 'condition')) {
      for (const action of childElements(cond, 'action')) {
        if (action.attrs.get('application') !== 'conference') continue;
        const m = /@([A-Za-z0-9_-]+)/.exec(action.attrs.get('data') ?? '');
        if (m?.[1]) return m[1];
      }
    }
  }
  return undefined;
}
