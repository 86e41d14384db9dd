// Where a PIN's audio lives: the one decision that differs between BBB's own FreeSWITCH conference (BBB 2.7 /
// 3.0, this file's implementation), LiveKit (BBB 4.0: livekit-sip, a trunk per meeting keyed by voiceBridge) and
// a Scalelite cluster (the meeting's server, bridged over SIP). The steps ask it to join; nothing else knows.

import type { CallChannel } from './call-channel.js';
import type { CallerIdentity } from './caller-identity.js';

export interface AudioDestination {
  /** For logs and the live view: "BBB FreeSWITCH conference 12345". */
  describe(voiceBridge: string): string;
  /** Whether someone is in the PIN's audio now: the static rule, used when BBB's API cannot be asked. */
  hasMembers(channel: CallChannel, voiceBridge: string): Promise<boolean>;
  /** Put the caller into the meeting's audio. Resolves once the call has been handed over. */
  join(channel: CallChannel, voiceBridge: string, identity: CallerIdentity): Promise<void>;
  /** The in-meeting keypad's actions, where the destination has them. */
  readonly member?: MemberControls;
}

/** What the keypad does to one member of the meeting's audio, named by the member id its join event gave. */
export interface MemberControls {
  setMuted(channel: CallChannel, voiceBridge: string, memberId: string, muted: boolean): Promise<void>;
  /** Play a sound to that member alone. */
  tell(channel: CallChannel, voiceBridge: string, memberId: string, sound: string): Promise<void>;
}

/**
 * BBB's own FreeSWITCH: the caller is transferred into BBB's `bbb_conferences` extension (`<voiceBridge> XML
 * default`), exactly as web audio arrives, so akka-fsesl sees the member and BBB shows a dial-in user.
 */
export class FreeswitchConferenceDestination implements AudioDestination {
  readonly member: MemberControls = {
    // `quiet`: the profile's own muted-sound would otherwise play too (cdquality has one); we confirm ourselves.
    setMuted: async (channel, voiceBridge, memberId, muted) => {
      await channel.api(`conference ${digitsOnly(voiceBridge)} ${muted ? 'mute' : 'unmute'} ${memberIdOnly(memberId)} quiet`);
    },
    tell: async (channel, voiceBridge, memberId, sound) => {
      await channel.api(`conference ${digitsOnly(voiceBridge)} play ${sound} ${memberIdOnly(memberId)}`);
    },
  };

  describe(voiceBridge: string): string {
    return `BBB FreeSWITCH conference ${voiceBridge}`;
  }

  async hasMembers(channel: CallChannel, voiceBridge: string): Promise<boolean> {
    const list = await channel.api(`conference ${digitsOnly(voiceBridge)} list`);
    // One line per member, "id;sofia/...;uuid;name;number;flags;..."; BBB's web audio is a sofia channel.
    return /^\d+;sofia\//m.test(list);
  }

  async join(channel: CallChannel, voiceBridge: string, identity: CallerIdentity): Promise<void> {
    const pin = digitsOnly(voiceBridge);
    // set_profile_var writes the caller profile BBB reads; values are validated digits or fixed text.
    if (identity.number === undefined) await channel.execute('set_profile_var', 'caller_id_number=0000000000');
    await channel.execute('set_profile_var', `caller_id_name=${identity.name}`);
    await channel.setVariable('bbb_authorized', 'true');
    // Closing a resumed socket after the transfer would throw the caller out of the conference (CS_RESET).
    await channel.setVariable('socket_resume', 'false');
    // Before the transfer, so the add-member event (the member id the keypad needs) cannot be missed.
    await channel.watchConference();
    // transfer completes at once (the channel leaves the socket app's park for the new extension).
    await channel.execute('transfer', `${pin} XML default`);
  }
}

function memberIdOnly(memberId: string): string {
  if (!/^\d{1,10}$/.test(memberId)) throw new Error(`refusing a conference member id that is not a number: ${JSON.stringify(memberId.slice(0, 20))}`);
  return memberId;
}

function digitsOnly(voiceBridge: string): string {
  if (!/^\d{5,11}$/.test(voiceBridge)) throw new Error(`refusing a voiceBridge that is not 5 to 11 digits: ${JSON.stringify(voiceBridge.slice(0, 20))}`);
  return voiceBridge;
}
