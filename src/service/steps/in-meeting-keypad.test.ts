import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeCallChannel } from '../../../test/support/fake-call-channel.js';
import type { ProfileControls } from '../../freeswitch/conference-controls.js';
import { FreeswitchConferenceDestination } from '../audio-destination.js';
import { interruption, type CallContext } from '../call-context.js';
import { newCallRecord } from '../call-record.js';
import { WALL_CLOCK } from '../service-clock.js';
import { CALL_PROMPTS } from '../service-settings.js';
import { inMeetingKeypad } from './in-meeting-keypad.js';

const STOCK: ProfileControls = { group: 'default', bindings: new Map([['0', 'mute'], ['*', 'deaf mute'], ['6', 'vol listen up']]) };
const NONE: ProfileControls = { group: 'none', bindings: new Map() };

function inMeeting(opts: { controls: ProfileControls; joinMuted?: boolean }) {
  const channel = new FakeCallChannel({ conferenceProfile: 'cdquality', joinMuted: opts.joinMuted });
  const stopping = new AbortController();
  const keypad: string[] = [];
  const ctx = {
    channel,
    settings: { muteKeys: ['*6', '0'], conferenceControls: new Map([['cdquality', opts.controls]]), prompts: CALL_PROMPTS },
    destination: new FreeswitchConferenceDestination(),
    record: newCallRecord(channel.id, 'xxx-xxx-4321', Date.now()),
    stopping: stopping.signal,
    interrupted: interruption(channel.ended, stopping.signal),
    clock: WALL_CLOCK,
    now: Date.now,
    onKeypad: (a: 'mute' | 'unmute') => keypad.push(a),
  } as unknown as CallContext;
  const done = inMeetingKeypad(ctx, '12345').catch((e: unknown) => e);
  return { channel, ctx, keypad, done, stopping };
}

async function joinAndSettle(channel: FakeCallChannel): Promise<void> {
  await channel.watchConference();
  await channel.execute('transfer', '12345 XML default');
  await new Promise((r) => setTimeout(r, 20));
}

describe('the in-meeting keypad', () => {
  it('with caller-controls=none, *6 mutes then unmutes the caller with FreeSWITCH\'s conference commands, confirmed to that caller', async () => {
    const { channel, ctx, keypad } = inMeeting({ controls: NONE });
    await joinAndSettle(channel);
    await channel.press('*6');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(channel.apis, ['conference 12345 mute 7 quiet', 'conference 12345 play conference/conf-muted.wav 7']);
    assert.equal(ctx.record.muted, true);
    await channel.press('0');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(channel.apis.slice(2), ['conference 12345 unmute 7 quiet', 'conference 12345 play conference/conf-unmuted.wav 7']);
    assert.deepEqual(keypad, ['mute', 'unmute']);
    channel.hangup();
  });

  it('on BBB\'s stock profile (0 = mute, * = deaf mute) it acts on no key: FreeSWITCH toggles 0 itself, no double toggle', async () => {
    const { channel, keypad } = inMeeting({ controls: STOCK });
    await joinAndSettle(channel);
    await channel.press('0');
    await channel.press('*6');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(channel.apis, []);
    assert.deepEqual(keypad, []);
    channel.hangup();
  });

  it('follows the conference\'s own mute events, so the next key does the opposite of the real state', async () => {
    const { channel, ctx } = inMeeting({ controls: NONE });
    await joinAndSettle(channel);
    channel.conferenceEvent({ Action: 'mute-member', 'Member-ID': '7' });
    assert.equal(ctx.record.muted, true);
    await new Promise((r) => setTimeout(r, 20));
    channel.apis.length = 0;
    await channel.press('*6');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(channel.apis[0], 'conference 12345 unmute 7 quiet');
    channel.hangup();
  });

  it('a caller muted on entry hears once how to unmute: star six where the service owns it, zero on the stock profile', async () => {
    const a = inMeeting({ controls: NONE, joinMuted: true });
    await joinAndSettle(a.channel);
    a.channel.conferenceEvent({ Action: 'mute-member', 'Member-ID': '7' });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(a.channel.apis, [`conference 12345 play ${CALL_PROMPTS.mutedPressStarSix} 7`]);
    a.channel.hangup();
    const b = inMeeting({ controls: STOCK });
    await joinAndSettle(b.channel);
    b.channel.conferenceEvent({ Action: 'mute-member', 'Member-ID': '7' });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(b.channel.apis, [`conference 12345 play ${CALL_PROMPTS.mutedPressZero} 7`]);
    b.channel.hangup();
  });

  it('ends with the call, and when the service stops it lets go (the caller stays in the meeting)', async () => {
    const a = inMeeting({ controls: NONE });
    await joinAndSettle(a.channel);
    a.channel.hangup();
    assert.equal((await a.done as Error).name, 'CallEndedError');
    const b = inMeeting({ controls: NONE });
    await joinAndSettle(b.channel);
    b.stopping.abort();
    assert.equal((await b.done as Error).name, 'StoppingError');
  });
});
