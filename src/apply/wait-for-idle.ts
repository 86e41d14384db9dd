// `--when-idle`: wait, bounded, until FreeSWITCH has no call up, polling `show calls count`. Restarting the external
// profile drops every web-audio user, so it waits for a moment when there is nobody to drop. The bbb-web restart
// waits the same way for no meeting to be running (getMeetings).

/** A line that can be rewritten in place (a terminal), or nothing at all. */
export interface ProgressLine {
  update(text: string): void;
  /** Clear the line; what was shown is not kept. */
  done(): void;
}

export const SILENT_PROGRESS: ProgressLine = { update: () => undefined, done: () => undefined };

export interface IdleWaitOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  /** What is counted, for the progress line (default `live call`). */
  noun?: string;
  progress?: ProgressLine;
  /** Set by a signal handler (Ctrl-C): stop waiting, the restart stays postponed. */
  shouldStop?: () => boolean;
  /** For tests: a clock and a sleep. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface IdleWaitResult {
  /** True once a poll saw no call up. */
  idle: boolean;
  /** True when the wait was cut short by a signal. */
  interrupted: boolean;
  /** Calls up at the last poll; null when the count could not be read. */
  calls: number | null;
  waitedMs: number;
}

/** Poll `countCalls` until it says 0, the count cannot be read, or the timeout passes. */
export async function waitForIdle(countCalls: () => Promise<number | null>, opts: IdleWaitOptions): Promise<IdleWaitResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const progress = opts.progress ?? SILENT_PROGRESS;
  const start = now();
  try {
    for (;;) {
      const calls = await countCalls();
      const waitedMs = now() - start;
      if (calls === null || calls === 0) return { idle: calls === 0, interrupted: false, calls, waitedMs };
      const leftMs = opts.timeoutMs - waitedMs;
      if (leftMs <= 0) return { idle: false, interrupted: false, calls, waitedMs };
      if (opts.shouldStop?.()) return { idle: false, interrupted: true, calls, waitedMs };
      progress.update(`waiting for ${plural(calls, opts.noun ?? 'live call')} to end before restarting (${formatSeconds(leftMs)} left, Ctrl-C leaves it postponed)`);
      await sleep(Math.min(opts.pollIntervalMs, leftMs));
      if (opts.shouldStop?.()) return { idle: false, interrupted: true, calls, waitedMs: now() - start };
    }
  } finally {
    progress.done();
  }
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** 600000 -> "10m 0s", 42000 -> "42s". */
export function formatSeconds(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}
