// Which keys a conference member's keypad already does in FreeSWITCH (mod_conference caller-controls), so the call
// service never acts on a key twice. A profile's `caller-controls` param names a group in conference.conf.xml's
// <caller-controls>; without the param it is "default", and a "default" group missing from the XML is the built-in
// one (mod_conference's conference_loop.c). "none" binds nothing. FreeSWITCH's digit machine fires a binding as
// soon as the digits typed equal it, so a key sequence of ours is FreeSWITCH's when a binding is a prefix of it
// (BBB's default group binds `*` to "deaf mute": `*6` would deafen the caller before our 6 arrived).

import type { XmlNode } from './simulator/xml-tree.js';
import { childElements } from './simulator/xml-tree.js';
import { findConfiguration } from './simulator/load-config.js';

/** mod_conference's built-in default caller-controls (used when the XML has no "default" group). */
const BUILT_IN_DEFAULT: ReadonlyMap<string, string> = new Map([
  ['0', 'mute'],
  ['*', 'deaf mute'],
  ['9', 'energy up'],
  ['8', 'energy equ'],
  ['7', 'energy dn'],
  ['3', 'vol talk up'],
  ['2', 'vol talk zero'],
  ['1', 'vol talk dn'],
  ['6', 'vol listen up'],
  ['5', 'vol listen zero'],
  ['4', 'vol listen dn'],
  ['#', 'hangup'],
]);

/** What FreeSWITCH does when bbb-twilio could not read the profile: assume the built-in group (never a double toggle). */
export const ASSUMED_CONTROLS: ProfileControls = { group: 'default (assumed)', bindings: BUILT_IN_DEFAULT };

export interface ProfileControls {
  /** The group in force: a name, or "none". */
  group: string;
  /** digits -> action. */
  bindings: ReadonlyMap<string, string>;
}

/** The caller-controls of each conference profile of the configuration (FreeSWITCH's loaded document). */
export function conferenceControls(document: XmlNode): Map<string, ProfileControls> {
  const conf = findConfiguration(document, 'conference.conf');
  const result = new Map<string, ProfileControls>();
  if (!conf) return result;
  const groups = new Map<string, Map<string, string>>();
  for (const section of childElements(conf, 'caller-controls')) {
    for (const group of childElements(section, 'group')) {
      const bindings = new Map<string, string>();
      for (const control of childElements(group, 'control')) {
        const digits = control.attrs.get('digits');
        const action = control.attrs.get('action');
        if (digits && action) bindings.set(digits, action);
      }
      groups.set(group.attrs.get('name') ?? '', bindings);
    }
  }
  for (const profiles of childElements(conf, 'profiles')) {
    for (const profile of childElements(profiles, 'profile')) {
      const name = profile.attrs.get('name');
      if (!name) continue;
      const param = childElements(profile, 'param').find((p) => p.attrs.get('name')?.toLowerCase() === 'caller-controls');
      const group = param?.attrs.get('value') ?? 'default';
      const bindings = group === 'none' ? new Map<string, string>() : groups.get(group) ?? (group === 'default' ? BUILT_IN_DEFAULT : new Map<string, string>());
      result.set(name, { group, bindings });
    }
  }
  return result;
}

export type KeyOwner = { by: 'service' } | { by: 'freeswitch'; binding: string; action: string };

/** Who acts on a key sequence in a conference with these controls. */
export function keyOwner(sequence: string, controls: ProfileControls | undefined): KeyOwner {
  if (controls) {
    for (let i = 1; i <= sequence.length; i++) {
      const action = controls.bindings.get(sequence.slice(0, i));
      if (action !== undefined) return { by: 'freeswitch', binding: sequence.slice(0, i), action };
    }
  }
  return { by: 'service' };
}

