// The meeting directory: which BBB meeting owns which voiceBridge (the PIN a caller types), kept in memory and filled
// from getMeetings, the only BBB call that lists every meeting's voiceBridge and hasUserJoined.
//
// - lookup(pin): answers from the map; a PIN not in it triggers a refresh and a second look. Refreshes are shared
//   (one getMeetings in flight whatever the number of callers) and spaced (at most one per minRefreshMs: a lookup
//   that comes sooner waits for the next allowed one, so a meeting created a moment ago is still found).
// - peek(digits), extendsAnother(digits): synchronous, from the map, for the PIN step deciding as digits arrive
//   (a breakout room's voiceBridge is its parent's plus one digit, so "12345" may be a meeting and the start of one).
// - callStarted()/callEnded(): while at least one call is up, a background refresh every backgroundMs keeps the
//   map fresh; with no calls the service sends bbb-web nothing.
// - watch(voiceBridge, signal): for callers waiting for a meeting to start. While anyone waits, one shared refresh
//   every waitingMs; each watcher gets the meeting when it changes (hasUserJoined flips) and undefined when it is
//   gone (ended), and stops when its signal aborts or the directory stops.
// - health: whether the last getMeetings worked, for /healthz.
// Every failure of the API (timeout, HTTP 5xx, invalid XML, checksumError, FAILED, unreachable) is caught here and
// becomes `unavailable` with a short reason, never a throw into a call; the map from the last good answer is kept.
// stop() clears every timer and ends every watch: nothing keeps the process (or a test) alive after it.

export interface DirectoryMeeting {
  meetingId: string;
  voiceBridge: string;
  /** A web user has joined. A dial-in does not count: BBB ends a meeting nobody joined after a few minutes. */
  hasUserJoined: boolean;
  running: boolean;
  isBreakout: boolean;
}

export type Lookup = { kind: 'found'; meeting: DirectoryMeeting } | { kind: 'not-found' } | { kind: 'unavailable'; reason: string };

export interface DirectoryHealth {
  /** The last getMeetings worked (false before the first one). */
  ok: boolean;
  /** When the last getMeetings finished (ms, the directory's clock). */
  at: number | undefined;
  error: string | undefined;
}

/** Timers, injectable so tests drive time. */
export interface DirectoryTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface MeetingDirectoryOptions {
  fetchMeetings: () => Promise<DirectoryMeeting[]>;
  now?: () => number;
  timers?: DirectoryTimers;
  /** Least time between two getMeetings started by lookups. Default 1000. */
  minRefreshMs?: number;
  /** Background refresh while calls are up. Default 30000. */
  backgroundMs?: number;
  /** Refresh while callers wait for a meeting to start. Default 2000. */
  waitingMs?: number;
  /** After each getMeetings: how long it took and how it went (metrics, logs). */
  onFetch?: (r: { seconds: number; ok: boolean; error?: string }) => void;
}

const realTimers: DirectoryTimers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class MeetingDirectory {
  private meetings = new Map<string, DirectoryMeeting>();
  /** Every proper prefix of a known voiceBridge, for extendsAnother. */
  private prefixes = new Set<string>();
  private inFlight: Promise<void> | undefined;
  /** A lookup's refresh waiting for minRefreshMs to pass, shared by every lookup until it runs. */
  private scheduled: { promise: Promise<void>; handle: unknown; resolve: () => void } | undefined;
  private lastStart: number | undefined;
  private calls = 0;
  private backgroundTimer: unknown;
  private waiters = 0;
  private waitingTimer: unknown;
  private readonly listeners = new Set<() => void>();
  private stopped = false;
  private readonly now: () => number;
  private readonly timers: DirectoryTimers;
  private readonly minRefreshMs: number;
  private readonly backgroundMs: number;
  private readonly waitingMs: number;
  readonly health: DirectoryHealth = { ok: false, at: undefined, error: undefined };

  constructor(private readonly opts: MeetingDirectoryOptions) {
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? realTimers;
    this.minRefreshMs = opts.minRefreshMs ?? 1000;
    this.backgroundMs = opts.backgroundMs ?? 30_000;
    this.waitingMs = opts.waitingMs ?? 2000;
  }

  async lookup(pin: string): Promise<Lookup> {
    const known = this.meetings.get(pin);
    if (known) return { kind: 'found', meeting: known };
    await this.refreshSoon();
    const meeting = this.meetings.get(pin);
    if (meeting) return { kind: 'found', meeting };
    if (!this.health.ok) return { kind: 'unavailable', reason: this.health.error ?? 'the BBB API has not answered yet' };
    return { kind: 'not-found' };
  }

  peek(digits: string): DirectoryMeeting | undefined {
    return this.meetings.get(digits);
  }

  /** The digits are the start of a longer known voiceBridge (a breakout room of the meeting they name). */
  extendsAnother(digits: string): boolean {
    return this.prefixes.has(digits);
  }

  /** One getMeetings, shared by every caller while it runs. Never throws: a failure shows in `health`. */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  callStarted(): void {
    this.calls++;
    if (this.calls === 1) this.scheduleBackground();
  }

  callEnded(): void {
    this.calls = Math.max(0, this.calls - 1);
    if (this.calls === 0) this.cancel('backgroundTimer');
  }

  async *watch(voiceBridge: string, signal: AbortSignal): AsyncIterable<DirectoryMeeting | undefined> {
    let last = this.meetings.get(voiceBridge);
    let wake: (() => void) | undefined;
    const poke = (): void => wake?.();
    this.listeners.add(poke);
    signal.addEventListener('abort', poke);
    this.waiters++;
    if (this.waiters === 1) this.scheduleWaiting();
    try {
      while (!signal.aborted && !this.stopped) {
        const current = this.meetings.get(voiceBridge);
        if (current === undefined) {
          if (this.health.ok) {
            yield undefined;
            return;
          }
        } else if (!sameState(current, last)) {
          last = current;
          yield current;
          continue; // the consumer may have taken a while: look again before sleeping
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.listeners.delete(poke);
      signal.removeEventListener('abort', poke);
      this.waiters--;
      if (this.waiters === 0) this.cancel('waitingTimer');
    }
  }

  stop(): void {
    this.stopped = true;
    this.cancel('backgroundTimer');
    this.cancel('waitingTimer');
    if (this.scheduled) {
      this.timers.clear(this.scheduled.handle);
      this.scheduled.resolve();
      this.scheduled = undefined;
    }
    for (const listener of this.listeners) listener();
  }

  /** The next refresh a lookup may cause: the one in flight, or a new one once minRefreshMs has passed. */
  private refreshSoon(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.scheduled) return this.scheduled.promise;
    const wait = this.lastStart === undefined ? 0 : this.lastStart + this.minRefreshMs - this.now();
    if (wait <= 0) return this.refresh();
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    const handle = this.timers.set(() => {
      this.scheduled = undefined;
      void this.refresh().then(resolve);
    }, wait);
    this.scheduled = { promise, handle, resolve };
    return promise;
  }

  private async fetchOnce(): Promise<void> {
    const started = this.now();
    this.lastStart = started;
    let list: DirectoryMeeting[];
    try {
      list = await this.opts.fetchMeetings();
    } catch (err) {
      const error = shortReason(err);
      Object.assign(this.health, { ok: false, at: this.now(), error });
      this.opts.onFetch?.({ seconds: (this.now() - started) / 1000, ok: false, error });
      return;
    }
    this.meetings = new Map(list.map((m) => [m.voiceBridge, m]));
    this.prefixes = new Set(list.flatMap((m) => Array.from({ length: m.voiceBridge.length - 1 }, (_, i) => m.voiceBridge.slice(0, i + 1))));
    Object.assign(this.health, { ok: true, at: this.now(), error: undefined });
    this.opts.onFetch?.({ seconds: (this.now() - started) / 1000, ok: true });
    for (const listener of this.listeners) listener();
  }

  private scheduleBackground(): void {
    this.repeat('backgroundTimer', this.backgroundMs, () => this.calls > 0);
  }

  private scheduleWaiting(): void {
    this.repeat('waitingTimer', this.waitingMs, () => this.waiters > 0);
  }

  /** A refresh every `ms` (counted from the end of the last) for as long as `wanted`. */
  private repeat(which: 'backgroundTimer' | 'waitingTimer', ms: number, wanted: () => boolean): void {
    if (this.stopped) return;
    this[which] = this.timers.set(() => {
      this[which] = undefined;
      void this.refresh().then(() => {
        if (wanted() && this[which] === undefined) this.repeat(which, ms, wanted);
      });
    }, ms);
  }

  private cancel(which: 'backgroundTimer' | 'waitingTimer'): void {
    if (this[which] !== undefined) this.timers.clear(this[which]);
    this[which] = undefined;
  }
}

function sameState(a: DirectoryMeeting, b: DirectoryMeeting | undefined): boolean {
  return b !== undefined && a.meetingId === b.meetingId && a.hasUserJoined === b.hasUserJoined && a.running === b.running;
}

/** The first line of the error's message, bounded: the BBB client's messages name the URL, never the secret. */
function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = message.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
