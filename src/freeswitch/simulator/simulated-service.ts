// The call service in-process, for simulate-call's `socket`: the real CallServer and call steps on a virtual
// clock, against the fake BBB of `--meeting` (simulated-meetings.ts) and an in-memory lockout book, with the
// service's settings at their defaults. What the service decides (PIN heard, lookup, hold, join, invalid PIN)
// goes on the timeline beside the applications it runs.

import { Writable } from 'node:stream';
import { FreeswitchConferenceDestination, type AudioDestination } from '../../service/audio-destination.js';
import type { Lockouts, MeetingInfo, MeetingLookup, Meetings } from '../../service/call-context.js';
import type { CallOutcome } from '../../service/call-record.js';
import { CallServer } from '../../service/outbound-server.js';
import { createServiceLog } from '../../service/service-log.js';
import { ServiceMetrics } from '../../service/service-metrics.js';
import { serviceSettings, type ServiceSettings } from '../../service/service-settings.js';
import { VirtualClock } from '../../service/virtual-clock.js';
import { CALL_SERVICE_DEFAULTS, configSchema } from '../../config/schema.js';
import type { AppStep } from './app-runtime.js';
import { MemoryLockouts } from './memory-lockouts.js';
import { SimulatedCallChannel, type SimulationSide, type SocketEnd } from './simulated-call-channel.js';
import { SimulatedMeetings, type MeetingSpec } from './simulated-meetings.js';

export interface ServiceOptions {
  meetings: MeetingSpec[];
  /** How long after a caller starts to hold a web user joins a waiting meeting (tests change it). */
  joinAfterMs?: number;
  /** The service stops (SIGTERM) this long after taking the call: a caller typing or holding is handed back. */
  stopAfterMs?: number;
}

export interface ServiceRun {
  /** The service's outcome, as its calls_total metric counts it; null when the simulation had to stop it. */
  outcome: CallOutcome | null;
  /** How the service let go of the call; null when the simulation had to stop it. */
  socketEnd: SocketEnd | null;
}

/** What the runner needs from the simulation; `ms` is the simulated time since the service took the call. */
export interface ServiceSide extends Pick<SimulationSide, 'channel' | 'dtmf' | 'api'> {
  execute(app: string, data: string, ms: number): AppStep;
  note(result: string, ms: number): void;
}

/** A call longer than this is stopped: only a service waiting for something that never comes gets there. */
const LIMIT_MS = 24 * 60 * 60_000;

export function defaultServiceSettings(): ServiceSettings {
  return serviceSettings({ dialin: { pinLength: undefined, ...configSchema.shape.dialin.parse(undefined) }, callService: { ...CALL_SERVICE_DEFAULTS, keys: { toggleMute: [...CALL_SERVICE_DEFAULTS.keys.toggleMute] } } });
}

export async function runCallService(side: ServiceSide, opts: ServiceOptions): Promise<ServiceRun> {
  const clock = new VirtualClock(0);
  const settings = defaultServiceSettings();
  const note = (result: string): void => side.note(result, clock.now());
  const meetings = new SimulatedMeetings(opts.meetings, clock, opts.joinAfterMs);
  let stopped = false;
  const lockouts = new MemoryLockouts(clock, CALL_SERVICE_DEFAULTS.lockout);
  const channel = new SimulatedCallChannel({
    channel: side.channel,
    dtmf: side.dtmf,
    api: side.api,
    execute: (app, data) => side.execute(app, data, clock.now()),
    clock,
    keysHeard: (keys, lastKeyAt) => note(stopped ? `PIN ${keys || '(none)'}: cut short, the service stopped` : describeEntry(keys, lastKeyAt, clock.now(), meetings)),
  });
  const server = new CallServer({
    settings,
    meetings: observedMeetings(meetings, note),
    lockouts: observedLockouts(lockouts, note),
    destination: observedDestination(new FreeswitchConferenceDestination(), note),
    metrics: new ServiceMetrics(),
    log: createServiceLog(new Writable({ write: (_chunk, _enc, done) => done() })),
    clock,
  });
  note(`the call service takes the call (in-process; simulated time; meetings: ${opts.meetings.map((m) => `${m.voiceBridge}${m.waiting ? ' (nobody joined yet)' : ''}`).join(', ')})`);
  if (opts.stopAfterMs !== undefined) {
    clock.after(opts.stopAfterMs, () => {
      stopped = true;
      note('the call service stops (SIGTERM)');
      void server.stop();
    });
  }
  const run = await clock.run(server.handle(channel), LIMIT_MS);
  if (!run.done) {
    note(`the simulation stopped the call service: ${run.why}`);
    return { outcome: null, socketEnd: null };
  }
  note(`call service outcome: ${run.value}`);
  return { outcome: run.value, socketEnd: channel.socketEnd ?? null };
}

/** The PIN entry as the service heard it, and what ended it. */
function describeEntry(keys: string, lastKeyAt: number | undefined, now: number, meetings: SimulatedMeetings): string {
  const digits = keys.replace(/[^0-9]/g, '');
  if (keys === '') return 'PIN: no key pressed';
  const paused = lastKeyAt === undefined ? 0 : now - lastKeyAt;
  const pause = `after a ${(paused / 1000).toFixed(1)} s pause`;
  let end: string;
  if (keys.endsWith('#')) end = 'ended by #';
  else if (meetings.peek(digits) && paused === 0) end = 'a known PIN: no # needed';
  else if (meetings.peek(digits) && meetings.extendsAnother(digits)) end = `a known PIN that starts a longer one (a breakout room): ended ${pause}`;
  else if (digits.length >= 11) end = 'the longest PIN there is';
  else end = `ended ${pause}`;
  return `PIN ${digits === '' ? '(none)' : digits}: ${end}`;
}

function observedMeetings(inner: SimulatedMeetings, note: (r: string) => void): Meetings & { callStarted(): void; callEnded(): void } {
  return {
    lookup: async (pin: string): Promise<MeetingLookup> => {
      const found = await inner.lookup(pin);
      if (found.kind === 'found') {
        note(`lookup ${pin}: meeting ${found.meeting.meetingId}, ${found.meeting.hasUserJoined ? 'a web user has joined' : 'nobody has joined it yet'}`);
      } else {
        note(`lookup ${pin}: no meeting has this PIN`);
      }
      return found;
    },
    peek: (digits) => inner.peek(digits),
    extendsAnother: (digits) => inner.extendsAnother(digits),
    watch: (voiceBridge, signal) => watchNoted(inner, voiceBridge, signal, note),
    callStarted: () => inner.callStarted(),
    callEnded: () => inner.callEnded(),
  };
}

async function* watchNoted(inner: SimulatedMeetings, voiceBridge: string, signal: AbortSignal, note: (r: string) => void): AsyncIterable<MeetingInfo | undefined> {
  note(`waiting: meeting ${voiceBridge} has not started; the caller holds until a web user joins`);
  for await (const meeting of inner.watch(voiceBridge, signal)) {
    if (meeting === undefined) note(`meeting ${voiceBridge} ended`);
    else if (meeting.hasUserJoined) note(`a web user joined meeting ${voiceBridge}`);
    yield meeting;
  }
}

function observedLockouts(inner: Lockouts, note: (r: string) => void): Lockouts {
  return {
    isLockedOut: (key) => inner.isLockedOut(key),
    recordJoin: (key) => inner.recordJoin(key),
    recordFailure: (key) => {
      const result = inner.recordFailure(key);
      note(`invalid PIN${result.lockedUntil !== undefined ? ': the number is now locked out' : ''}`);
      return result;
    },
  };
}

function observedDestination(inner: AudioDestination, note: (r: string) => void): AudioDestination {
  return {
    describe: (voiceBridge) => inner.describe(voiceBridge),
    hasMembers: async (channel, voiceBridge) => {
      const has = await inner.hasMembers(channel, voiceBridge);
      note(`BBB cannot be asked: the static rule says conference ${voiceBridge} ${has ? 'has' : 'has no'} web-audio member`);
      return has;
    },
    join: async (channel, voiceBridge, identity) => {
      note(`join: ${inner.describe(voiceBridge)} as "${identity.name}"`);
      await inner.join(channel, voiceBridge, identity);
    },
  };
}
