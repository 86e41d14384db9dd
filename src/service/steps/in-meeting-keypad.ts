// Step 8: in the meeting. The service stays on the call (its socket open, never blocking on `conference`) and
// acts on the caller's keys: the mute keys (*6 and 0 by default) toggle the caller's microphone with FreeSWITCH's
// own conference commands, so BBB shows the new state, and the caller alone hears "muted" / "unmuted". A key the
// conference profile's caller-controls already bind is left to FreeSWITCH: acting on it too would toggle twice.
// A caller the meeting mutes on entry (mute-on-start) hears once how to unmute. Returns when the call ends;
// rejects with StoppingError when the service stops (the caller stays in the meeting: socket_resume is false).

import type { CallContext } from '../call-context.js';
import { ASSUMED_CONTROLS } from '../../freeswitch/conference-controls.js';
import { assessKeypad, type KeypadAssessment } from '../../freeswitch/keypad-assessment.js';

/** Keys of one sequence more than this far apart are two presses. */
const SEQUENCE_GAP_MS = 2000;
/** A mute this soon after joining, not by the caller's key, is the meeting's mute-on-start. */
const ENTRY_MUTE_MS = 10_000;

export async function inMeetingKeypad(ctx: CallContext, voiceBridge: string): Promise<void> {
  const { channel, settings, destination, record } = ctx;
  const controls = destination.member;
  let memberId: string | undefined;
  let profile: string | undefined;
  let joinedAt = ctx.now();
  let pressedAt = Number.NEGATIVE_INFINITY;
  let hinted = false;
  let keys = '';
  let lastKeyAt = 0;
  let busy: Promise<void> = Promise.resolve();

  // Which keys are ours and which mute at all: the same assessment plan and doctor show.
  const keypad = (): KeypadAssessment => {
    const name = profile ?? 'cdquality';
    return assessKeypad([...settings.muteKeys, '0'], name, settings.conferenceControls.get(name) ?? ASSUMED_CONTROLS);
  };
  const owned = (): string[] => keypad().keys.filter((k) => k.by === 'service' && settings.muteKeys.includes(k.key)).map((k) => k.key);
  const hint = (): string | undefined => {
    const muting = keypad().keys.filter((k) => k.mutes && (k.by === 'freeswitch' || settings.muteKeys.includes(k.key)));
    if (muting.some((k) => k.key === '*6')) return settings.prompts.mutedPressStarSix;
    if (muting.some((k) => k.key === '0')) return settings.prompts.mutedPressZero;
    return undefined;
  };
  const tell = (sound: string): void => {
    if (!controls || memberId === undefined) return;
    const id = memberId;
    busy = busy.then(() => controls.tell(channel, voiceBridge, id, sound)).catch(() => undefined);
  };
  const mutedOnEntry = (): void => {
    if (hinted || ctx.now() - joinedAt > ENTRY_MUTE_MS || ctx.now() - pressedAt < SEQUENCE_GAP_MS) return;
    hinted = true;
    const sound = hint();
    if (sound) tell(sound);
  };

  const stopEvents = channel.onConferenceEvent((e) => {
    if (e['Unique-ID'] !== undefined && e['Unique-ID'] !== channel.id) return;
    switch (e['Action']) {
      case 'add-member':
        memberId = e['Member-ID'];
        profile = e['Conference-Profile-Name'];
        joinedAt = ctx.now();
        record.muted = e['Speak'] === 'false';
        if (record.muted) mutedOnEntry();
        break;
      case 'mute-member':
        record.muted = true;
        mutedOnEntry();
        break;
      case 'unmute-member':
        record.muted = false;
        break;
    }
  });

  const stopKeys = channel.onDtmf((key) => {
    if (!controls || memberId === undefined) return;
    const now = ctx.now();
    keys = now - lastKeyAt > SEQUENCE_GAP_MS ? key : (keys + key).slice(-4);
    lastKeyAt = now;
    const sequence = owned().find((k) => keys.endsWith(k));
    if (sequence === undefined) return;
    keys = '';
    pressedAt = now;
    const id = memberId;
    const muting = !record.muted;
    busy = busy
      .then(async () => {
        await controls.setMuted(channel, voiceBridge, id, muting);
        record.muted = muting;
        ctx.onKeypad(muting ? 'mute' : 'unmute');
        await controls.tell(channel, voiceBridge, id, muting ? settings.prompts.muted : settings.prompts.unmuted);
      })
      .catch(() => undefined);
  });

  try {
    await ctx.interrupted;
  } finally {
    stopEvents();
    stopKeys();
  }
}
