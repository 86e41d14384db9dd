// The FreeSWITCH side of `npm run bench:calls`, in its own process so the service's process is measured alone.
// bench/calls.ts spawns it with an IPC channel and sends a BenchPlan; it plays N callers with the outbound-socket
// emulator and reports a BenchReport once every caller is in its meeting ('joined'), then, told 'hangup', hangs
// every caller up and reports again ('done').
//
// What "service-added latency" is, exactly (timed here, on the FreeSWITCH side of each connection): from the TCP
// connect to the transfer into the meeting, each time the service sends something (a `data` chunk arrives), the
// time since the LAST frame FreeSWITCH wrote on that connection (or since the connect, for the first command) is
// added to the call's total, once per FreeSWITCH frame. A playback and the caller's typing end with a frame
// (EXECUTE_COMPLETE, DTMF), so the time the service spends waiting for them is not counted; what is counted is the
// service's reaction to each frame: parsing, its step logic, the getMeetings lookup, its next command, and the
// loopback hop both ways. Both processes' event-loop queueing under load is in it too (that is the point of a load
// test; this side does little work per frame).
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as net from 'node:net';
import type { EmulatedCall, EmulatedOutcome } from '../test/emulators/outbound-socket-emulator.js';

export interface BenchPlan {
  port: number;
  /** One PIN per caller (its meeting's voiceBridge). */
  pins: string[];
  /** Arrivals per second; 0 = all at once. */
  rate: number;
  playbackMs: number;
}

export interface BenchReport {
  phase: 'joined' | 'done' | 'failed';
  joined: number;
  /** Per joined call: service-added ms, connect-to-transfer ms. */
  addedMs: number[];
  setupMs: number[];
  /** Joined calls / (last transfer - first connect), per second. */
  setupsPerSecond: number;
  /** This process's CPU (ms) so far: when it nears the run's wall time, this side is the bottleneck, not the service. */
  cpuMs: number;
  wallMs: number;
  outcomes?: Record<string, number>;
  error?: string;
}

interface Track {
  call: EmulatedCall | undefined;
  pin: string;
  connectAt: number;
  lastFrameAt: number;
  /** A FreeSWITCH frame (or the connect) the service has not answered yet. */
  pending: boolean;
  addedMs: number;
  typed: boolean;
  transferAt: number;
}

// The emulator opens its connection with net.connect; wrap it to time that socket's frames both ways.
const netModule = createRequire(import.meta.url)('node:net') as typeof net;
const realConnect = netModule.connect;
let nextTrack: Track | undefined;
const tracks: Track[] = [];
let firstConnect = Number.POSITIVE_INFINITY;
let lastTransfer = 0;
let joined = 0;
let plan: BenchPlan | undefined;

function instrument(socket: net.Socket, track: Track): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    track.lastFrameAt = performance.now();
    track.pending = true;
    return write(...args);
  }) as typeof socket.write;
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    const now = performance.now();
    if (event === 'connect') {
      track.connectAt = now;
      track.lastFrameAt = now;
      track.pending = true;
      firstConnect = Math.min(firstConnect, now);
    }
    const counting = event === 'data' && track.transferAt === 0;
    if (counting && track.pending) {
      track.addedMs += now - track.lastFrameAt;
      track.pending = false;
    }
    const result = emit(event, ...args);
    if (counting) afterCommand(track, now);
    return result;
  }) as typeof socket.emit;
}

/** The emulator has handled the service's command: the caller types once the prompt starts; a transfer is a setup. */
function afterCommand(track: Track, now: number): void {
  const call = track.call;
  if (!call) return;
  if (!track.typed && call.applications.some((a) => a.app === 'playback')) {
    track.typed = true;
    void call.press(track.pin);
  }
  if (call.joined !== null) {
    track.transferAt = now;
    lastTransfer = Math.max(lastTransfer, now);
    joined++;
    if (plan && joined === plan.pins.length) report('joined');
  }
}

netModule.connect = ((...args: unknown[]) => {
  const socket = (realConnect as (...a: unknown[]) => net.Socket)(...args);
  if (nextTrack) instrument(socket, nextTrack);
  return socket;
}) as typeof netModule.connect;
syncBuiltinESMExports();
// Imported after the wrap so its `net.connect` is ours whatever the loader does with live bindings.
const { emulateCall } = await import('../test/emulators/outbound-socket-emulator.js');

function report(phase: BenchReport['phase'], extra: Partial<BenchReport> = {}): void {
  const done = tracks.filter((t) => t.transferAt > 0);
  const span = (lastTransfer - firstConnect) / 1000;
  const message: BenchReport = {
    phase,
    joined: done.length,
    addedMs: done.map((t) => t.addedMs),
    setupMs: done.map((t) => t.transferAt - t.connectAt),
    setupsPerSecond: span > 0 ? done.length / span : 0,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    wallMs: performance.now() - firstConnect,
    ...extra,
  };
  process.send?.(message);
}

async function run(p: BenchPlan): Promise<void> {
  plan = p;
  const conferences = new Map();
  const gapMs = p.rate > 0 ? 1000 / p.rate : 0;
  const start = performance.now();
  for (const [i, pin] of p.pins.entries()) {
    if (gapMs > 0) {
      const due = start + i * gapMs - performance.now();
      if (due > 1) await new Promise((r) => setTimeout(r, due));
    } else if (i % 100 === 0) {
      await new Promise((r) => setImmediate(r));
    }
    const track: Track = { call: undefined, pin, connectAt: 0, lastFrameAt: 0, pending: false, addedMs: 0, typed: false, transferAt: 0 };
    tracks.push(track);
    nextTrack = track;
    track.call = emulateCall({
      port: p.port,
      channel: { callerNumber: `+1500${String(5_000_000 + i)}`, destination: '+16135550142' },
      playbackMs: p.playbackMs,
      conferences,
    });
    nextTrack = undefined;
  }
}

async function hangUpAll(): Promise<void> {
  const outcomes: Record<string, number> = {};
  const ends = tracks.map(async (t) => {
    t.call?.hangup();
    const o: EmulatedOutcome | undefined = await t.call?.outcome;
    const key = o ? o.kind : 'none';
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    await t.call?.closed;
  });
  await Promise.all(ends);
  report('done', { outcomes });
}

process.on('message', (m: { start?: BenchPlan; hangup?: true }) => {
  if (m.start) run(m.start).catch((err: Error) => report('failed', { error: err.message }));
  if (m.hangup) hangUpAll().then(() => process.disconnect(), (err: Error) => report('failed', { error: err.message }));
});
