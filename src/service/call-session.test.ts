import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeCallChannel } from '../../test/support/fake-call-channel.js';
import { FreeswitchConferenceDestination } from './audio-destination.js';
import { interruption, type Lockouts, type MeetingInfo, type MeetingLookup, type Meetings } from './call-context.js';
import { newCallRecord } from './call-record.js';
import { runCall } from './call-session.js';
import { CALL_PROMPTS as PROMPTS, type ServiceSettings } from './service-settings.js';
import { WALL_CLOCK } from './service-clock.js';

const settings: ServiceSettings = {
  tries: 3,
  maskCallerId: true,
  allowAnonymous: false,
  maxCallMinutes: 240,
  digitTimeoutMs: 40,
  firstDigitTimeoutMs: 200,
  ambiguousPinMs: 60,
  maxWaitMs: 2_000,
  holdMusic: PROMPTS.holdMusic,
  prompts: PROMPTS,
  muteKeys: ['*6', '0'],
  conferenceControls: new Map(),
};

function meeting(voiceBridge: string, hasUserJoined = true): MeetingInfo {
  return { meetingId: `m-${voiceBridge}`, voiceBridge, hasUserJoined, running: hasUserJoined, isBreakout: false };
}

/** Meetings over a plain map the test changes; `down` makes every lookup "unavailable". */
class MapMeetings implements Meetings {
  down = false;
  constructor(readonly map = new Map<string, MeetingInfo>()) {}
  async lookup(pin: string): Promise<MeetingLookup> {
    if (this.down) return { kind: 'unavailable', reason: 'BBB API down' };
    const m = this.map.get(pin);
    return m ? { kind: 'found', meeting: m } : { kind: 'not-found' };
  }
  peek(d: string): MeetingInfo | undefined {
    return this.down ? undefined : this.map.get(d);
  }
  extendsAnother(d: string): boolean {
    return [...this.map.keys()].some((k) => k.length > d.length && k.startsWith(d));
  }
  async *watch(vb: string, signal: AbortSignal): AsyncIterable<MeetingInfo | undefined> {
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, 10));
      yield this.map.get(vb);
    }
  }
}

class CountingLockouts implements Lockouts {
  failures = new Map<string, number>();
  locked = new Set<string>();
  joins: string[] = [];
  constructor(private readonly limit = 6) {}
  isLockedOut(key: string): number | undefined {
    return this.locked.has(key) ? Date.now() + 60_000 : undefined;
  }
  recordFailure(key: string): { lockedUntil?: number; delayMs: number } {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    if (n >= this.limit) this.locked.add(key);
    return n >= this.limit ? { lockedUntil: Date.now() + 60_000, delayMs: 0 } : { delayMs: 0 };
  }
  recordJoin(key: string): void {
    this.joins.push(key);
    this.failures.delete(key);
  }
}

function call(opts: { meetings?: MapMeetings; lockouts?: CountingLockouts; channel?: FakeCallChannel; stopping?: AbortController; settings?: Partial<ServiceSettings> }) {
  const channel = opts.channel ?? new FakeCallChannel();
  const stopping = opts.stopping ?? new AbortController();
  const record = newCallRecord(channel.id, 'xxx-xxx-4321', Date.now());
  const outcome = runCall({
    channel,
    settings: { ...settings, ...opts.settings },
    meetings: opts.meetings ?? new MapMeetings(),
    lockouts: opts.lockouts ?? new CountingLockouts(),
    destination: new FreeswitchConferenceDestination(),
    record,
    stopping: stopping.signal,
    interrupted: interruption(channel.ended, stopping.signal),
    clock: WALL_CLOCK,
    now: Date.now,
    onKeypad: () => undefined,
  });
  // A joined caller's session lasts until the call ends: the test hangs up once the transfer ran.
  const joined = async (): Promise<string> => {
    await until(() => channel.executed.some((e) => e.startsWith('transfer ')) || channel.gone);
    channel.hangup();
    return outcome;
  };
  return { channel, record, outcome, joined };
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition never met');
};

describe('a call through the service', () => {
  it('joins a meeting with a web user the moment the PIN is typed, masked, with socket_resume cleared before the transfer', async () => {
    const { channel, joined, record } = call({ meetings: new MapMeetings(new Map([['12345', meeting('12345')]])) });
    await until(() => channel.executed.some((e) => e.startsWith('playback')));
    await channel.press('12345');
    assert.equal(await joined(), 'joined');
    const transfer = channel.executed.indexOf('transfer 12345 XML default');
    assert.ok(transfer > 0, channel.executed.join('\n'));
    assert.ok(channel.executed.indexOf('set socket_resume=false') < transfer);
    assert.ok(channel.executed.indexOf('set bbb_authorized=true') < transfer);
    assert.ok(channel.executed.includes('set_profile_var caller_id_name=xxx-xxx-4321'));
    assert.equal(record.meetingId, 'm-12345');
    assert.ok(channel.executed.includes('sched_hangup +14400 ALLOTTED_TIMEOUT'));
  });

  it('waits for a breakout room digit after a PIN that is also the start of another, then joins the shorter one', async () => {
    const meetings = new MapMeetings(new Map([['12345', meeting('12345')], ['123451', meeting('123451')]]));
    const { channel, joined } = call({ meetings });
    await until(() => channel.executed.some((e) => e.startsWith('playback')));
    await channel.press('12345');
    assert.equal(await joined(), 'joined');
    assert.ok(channel.executed.includes('transfer 12345 XML default'));
    const second = call({ meetings, channel: new FakeCallChannel({ id: 'two' }) });
    await until(() => second.channel.executed.some((e) => e.startsWith('playback')));
    await second.channel.press('123451');
    assert.equal(await second.joined(), 'joined');
    assert.ok(second.channel.executed.includes('transfer 123451 XML default'));
  });

  it('holds a caller whose meeting has no web user yet and joins once one joins', async () => {
    const meetings = new MapMeetings(new Map([['55555', meeting('55555', false)]]));
    const { channel, joined, record } = call({ meetings });
    await until(() => channel.executed.some((e) => e.startsWith('playback')));
    await channel.press('55555');
    await until(() => record.step === 'waiting');
    assert.ok(!channel.executed.some((e) => e.startsWith('transfer')));
    meetings.map.set('55555', meeting('55555', true));
    assert.equal(await joined(), 'joined_after_wait');
    assert.ok(channel.executed.includes(`playback ${PROMPTS.notStarted}`));
    assert.ok(channel.executed.includes('transfer 55555 XML default'));
  });

  it('says goodbye when the awaited meeting ends', async () => {
    const meetings = new MapMeetings(new Map([['55555', meeting('55555', false)]]));
    const { channel, outcome, record } = call({ meetings });
    await until(() => channel.executed.some((e) => e.startsWith('playback')));
    await channel.press('55555#');
    await until(() => record.step === 'waiting');
    meetings.map.delete('55555');
    assert.equal(await outcome, 'hung_up');
    assert.ok(channel.executed.includes(`playback ${PROMPTS.meetingEnded}`));
  });

  it('gives a wrong PIN another try, and after the last one says goodbye (invalid_pin), counting each failure', async () => {
    const lockouts = new CountingLockouts();
    const { channel, outcome } = call({ lockouts });
    for (let i = 0; i < 3; i++) {
      await until(() => channel.executed.filter((e) => e === `playback ${PROMPTS.enterPin}` || e === `playback ${PROMPTS.enterPinAgain}`).length === i + 1);
      await channel.press('99999#');
    }
    assert.equal(await outcome, 'invalid_pin');
    assert.equal(lockouts.failures.get('+15557654321'), 3);
    assert.equal(channel.executed.filter((e) => e === `playback ${PROMPTS.pinNotValid}`).length, 2);
    assert.equal(channel.executed.at(-1), 'hangup NORMAL_CLEARING');
  });

  it('ends the entry after a pause when the digits are no known PIN', async () => {
    const meetings = new MapMeetings(new Map([['1234567', meeting('1234567')]]));
    const { channel, outcome } = call({ meetings, settings: { tries: 1 } });
    await until(() => channel.executed.some((e) => e.startsWith('playback')));
    await channel.press('123456');
    assert.equal(await outcome, 'invalid_pin');
  });

  it('turns a locked-out number away before any PIN prompt', async () => {
    const lockouts = new CountingLockouts();
    lockouts.locked.add('+15557654321');
    const { channel, outcome } = call({ lockouts });
    assert.equal(await outcome, 'locked_out');
    assert.ok(!channel.executed.includes(`playback ${PROMPTS.enterPin}`));
    assert.deepEqual(channel.executed.slice(-2), [`playback ${PROMPTS.tryLater}`, 'hangup CALL_REJECTED']);
  });

  it('locks a number out on the failure that reaches the limit, mid-call', async () => {
    const lockouts = new CountingLockouts(2);
    const { channel, outcome } = call({ lockouts });
    for (let i = 0; i < 2; i++) {
      await until(() => channel.executed.filter((e) => e === `playback ${PROMPTS.enterPin}` || e === `playback ${PROMPTS.enterPinAgain}`).length === i + 1);
      await channel.press('99999#');
    }
    assert.equal(await outcome, 'locked_out');
    assert.equal(channel.executed.at(-1), 'hangup CALL_REJECTED');
  });

  it('falls back to the static rule when BBB cannot be asked: a conference with a web-audio member is joined', async () => {
    const meetings = new MapMeetings();
    meetings.down = true;
    const channel = new FakeCallChannel({ api: (c) => (c === 'conference 12345 list' ? '1;sofia/external/1001-bbbID-x@1.2.3.4;uuid;name;num;hear|speak;0;0;100\n' : '') });
    const lockouts = new CountingLockouts();
    const { joined } = call({ meetings, channel, lockouts });
    await until(() => channel.executed.some((e) => e.startsWith('playback')));
    await channel.press('12345#');
    assert.equal(await joined(), 'api_fallback');
    assert.ok(channel.executed.includes('transfer 12345 XML default'));
    assert.equal(lockouts.failures.size, 0);
  });

  it('hands a caller who is typing back to the dialplan when the service stops', async () => {
    const stopping = new AbortController();
    const { channel, outcome } = call({ stopping });
    await until(() => channel.executed.some((e) => e.startsWith('playback')));
    await channel.press('12');
    stopping.abort();
    assert.equal(await outcome, 'handed_back');
    assert.ok(channel.handedBack);
  });

  it('hands a waiting caller back too, and the caller who hangs up while waiting is hung_up', async () => {
    const meetings = new MapMeetings(new Map([['55555', meeting('55555', false)]]));
    const stopping = new AbortController();
    const a = call({ meetings, stopping });
    const b = call({ meetings, stopping: new AbortController(), channel: new FakeCallChannel({ id: 'b' }) });
    for (const c of [a, b]) {
      await until(() => c.channel.executed.some((e) => e.startsWith('playback')));
      await c.channel.press('55555');
      await until(() => c.record.step === 'waiting');
    }
    stopping.abort();
    b.channel.hangup();
    assert.equal(await a.outcome, 'handed_back');
    assert.equal(await b.outcome, 'hung_up');
  });

  it('never puts a caller-chosen number into an application argument', async () => {
    const channel = new FakeCallChannel({ callerNumber: '${system(id)}' });
    const { joined } = call({ channel, meetings: new MapMeetings(new Map([['12345', meeting('12345')]])), settings: { allowAnonymous: true } });
    await until(() => channel.executed.some((e) => e.startsWith('playback')));
    await channel.press('12345');
    assert.equal(await joined(), 'joined');
    assert.ok(!channel.executed.some((e) => e.includes('system')), channel.executed.join('\n'));
    assert.ok(channel.executed.includes('set_profile_var caller_id_name=Phone caller'));
  });
});

describe('a caller who types nothing', () => {
  it('uses up the tries without counting towards a lockout', async () => {
    const lockouts = new CountingLockouts();
    const { outcome } = call({ lockouts, settings: { tries: 2, firstDigitTimeoutMs: 20 } });
    assert.equal(await outcome, 'invalid_pin');
    assert.equal(lockouts.failures.size, 0);
  });
});
