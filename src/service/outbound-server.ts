// The TCP server FreeSWITCH's `socket` application connects to, one connection per call. It runs each call's
// session, keeps the live records (metrics, SIGTERM, the live view) and writes one summary log line per call.

import { setMaxListeners } from 'node:events';
import * as net from 'node:net';
import { HostError } from '../errors.js';
import type { AudioDestination } from './audio-destination.js';
import { interruption, type CallContext, type Lockouts, type Meetings } from './call-context.js';
import { callerIdentity } from './caller-identity.js';
import { newCallRecord, type CallOutcome, type CallRecord } from './call-record.js';
import { runCall } from './call-session.js';
import { EslCallChannel } from './esl-call-channel.js';
import type { CallChannel } from './call-channel.js';
import type { ServiceLog } from './service-log.js';
import type { ServiceMetrics } from './service-metrics.js';
import type { ServiceSettings } from './service-settings.js';
import { WALL_CLOCK, type ServiceClock } from './service-clock.js';

export interface CallServerDeps {
  settings: ServiceSettings;
  meetings: Meetings & { callStarted(): void; callEnded(): void };
  lockouts: Lockouts;
  destination: AudioDestination;
  metrics: ServiceMetrics;
  log: ServiceLog;
  clock?: ServiceClock;
}

/** How long SIGTERM waits for calls being handed back before the process exits anyway. */
const STOP_GRACE_MS = 5_000;

export class CallServer {
  private readonly server: net.Server;
  private readonly sessions = new Map<string, { record: CallRecord; done: Promise<void> }>();
  private readonly stopping = new AbortController();
  private readonly sockets = new Set<net.Socket>();
  private settings: ServiceSettings;
  private readonly clock: ServiceClock;
  private readonly lockouts: Lockouts;

  constructor(private readonly deps: CallServerDeps) {
    this.settings = deps.settings;
    // Every call listens for the stop: thousands of listeners on this one signal are expected.
    setMaxListeners(0, this.stopping.signal);
    this.clock = deps.clock ?? WALL_CLOCK;
    this.lockouts = countingLockouts(deps.lockouts, deps.metrics);
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    // Thousands of calls at once are normal for a big server: do not refuse them at the kernel's default backlog.
    this.server.maxConnections = 20_000;
    deps.metrics.liveCounts = () => ({
      active: this.sessions.size,
      waiting: [...this.sessions.values()].filter((s) => s.record.step === 'waiting').length,
    });
  }

  /** Resolves once listening; a port in use is a HostError with the way out. */
  listen(host: string, port: number): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => reject(listenError(err, host, port, 'the call service (callService.listen)'));
      this.server.once('error', onError);
      this.server.listen({ host, port, backlog: 4096 }, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  /** Calls being handled now, for the live view. */
  get calls(): CallRecord[] {
    return [...this.sessions.values()].map((s) => s.record);
  }

  updateSettings(settings: ServiceSettings): void {
    this.settings = settings;
  }

  /** Run a call on any CallChannel (simulate-call uses this with the simulator's channel). */
  async handle(channel: CallChannel): Promise<CallOutcome> {
    const clock = this.clock;
    const now = (): number => clock.now();
    const identity = callerIdentity(channel.callerNumber, { maskCallerId: true });
    const record = newCallRecord(channel.id, identity.masked, now());
    const ctx: CallContext = {
      channel,
      settings: this.settings,
      meetings: this.deps.meetings,
      lockouts: this.lockouts,
      destination: this.deps.destination,
      record,
      stopping: this.stopping.signal,
      interrupted: interruption(channel.ended, this.stopping.signal),
      clock,
      now,
      onKeypad: (action) => this.deps.metrics.keypad.labels(action).inc(),
    };
    this.deps.meetings.callStarted();
    let finished!: () => void;
    this.sessions.set(record.id, { record, done: new Promise<void>((r) => (finished = r)) });
    let outcome: CallOutcome;
    let error: unknown;
    try {
      outcome = await runCall(ctx);
    } catch (err) {
      outcome = 'error';
      error = err;
    }
    if (record.joinedAt !== undefined) {
      this.deps.metrics.setupSeconds.observe(Math.max(0, record.joinedAt - record.startedAt - record.callerMs) / 1000);
      if (channel.gone) this.deps.metrics.joinedSeconds.observe((now() - record.joinedAt) / 1000);
      // Stopping: the joined caller stays in the meeting (socket_resume is false) when the connection closes.
      await channel.release().catch(() => undefined);
    }
    this.deps.metrics.finished(outcome);
    this.deps.log.info(
      {
        event: 'call',
        call: record.id,
        number: record.maskedNumber,
        meetingId: record.meetingId,
        voiceBridge: record.voiceBridge,
        outcome,
        invalidPins: record.invalidPins,
        start: new Date(record.startedAt).toISOString(),
        end: new Date(now()).toISOString(),
        ...(error ? { error: error instanceof Error ? error.message : String(error) } : {}),
      },
      `call ${outcome}`,
    );
    this.sessions.delete(record.id);
    this.deps.meetings.callEnded();
    finished();
    return outcome;
  }

  /** Stop taking calls; callers typing or waiting go back to the dialplan (the static flow). */
  async stop(): Promise<void> {
    this.server.close();
    this.stopping.abort();
    const pending = [...this.sessions.values()].map((s) => s.done);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(pending), new Promise<void>((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
    clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
  }

  private accept(socket: net.Socket): void {
    if (this.stopping.signal.aborted) {
      // FreeSWITCH continues with the dialplan when the socket closes before `connect`.
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    void EslCallChannel.open(socket).then(
      (channel) => this.handle(channel),
      (err: unknown) => {
        this.deps.log.warn({ event: 'connection-refused', error: err instanceof Error ? err.message : String(err) }, 'a connection that is not a FreeSWITCH call');
        this.deps.metrics.finished('error');
      },
    );
  }
}

/** Count PIN failures and lockouts where they happen, whatever book keeps them. */
function countingLockouts(book: Lockouts, metrics: ServiceMetrics): Lockouts {
  return {
    isLockedOut: (key) => book.isLockedOut(key),
    recordJoin: (key) => book.recordJoin(key),
    recordFailure: (key) => {
      metrics.pinFailures.inc();
      const result = book.recordFailure(key);
      if (result.lockedUntil !== undefined) metrics.lockouts.inc();
      return result;
    },
  };
}

export function listenError(err: NodeJS.ErrnoException, host: string, port: number, what: string): Error {
  if (err.code === 'EADDRINUSE') {
    return new HostError(`${host}:${port} is already in use: ${what} cannot listen there`, {
      hint: `is bbb-twilio serve already running (systemctl status bbb-twilio)? see who holds it: ss -ltnp 'sport = :${port}'`,
    });
  }
  if (err.code === 'EADDRNOTAVAIL') {
    return new HostError(`${host} is not an address of this machine: ${what} cannot listen there`, { hint: 'use 127.0.0.1 (FreeSWITCH runs on the same machine)' });
  }
  if (err.code === 'EACCES') {
    return new HostError(`not allowed to listen on ${host}:${port} for ${what}`, { hint: 'use a port above 1023' });
  }
  return new HostError(`cannot listen on ${host}:${port} for ${what}: ${err.code ?? err.message}`);
}
