// `systemctl restart bbb-web` is not harmless: bbb-web holds the meetings in memory, and after a restart running
// meetings vanish from the API and joins fail (BBB #13155, #2841). So, like the external-profile restart, it runs
// only when getMeetings lists no meeting, with --when-idle waiting for that and --restart-now overriding it.

import { getMeetings } from '../bbb/bbb-api-client.js';
import { checksumAlgorithm, readBbbWebSettings } from '../bbb/bbb-web-settings.js';
import type { Host } from '../host/host.js';
import type { ServiceAction } from '../model/change.js';
import { formatSeconds, plural, waitForIdle, type ProgressLine } from './wait-for-idle.js';

/** How many meetings bbb-web holds now, or why that is not known. */
export type MeetingCount = { meetings: number } | { unknown: string };
export type MeetingCounter = () => Promise<MeetingCount>;

export interface BbbWebRestartOptions {
  restartNow: boolean;
  whenIdle?: boolean;
  idleTimeoutMs: number;
  pollIntervalMs: number;
  /** Default: getMeetings on the bbb-web that the tree's properties name (see meetingCounter). */
  countMeetings?: MeetingCounter;
  progress?: ProgressLine;
  shouldStop?: () => boolean;
}

export interface RestartOutcome {
  status: 'ran' | 'recorded' | 'postponed' | 'failed';
  detail: string;
}

/**
 * getMeetings on bbb-web's API (bigbluebutton.web.serverURL and securitySalt from its properties). Under a --root
 * other than / the tree's server URL names another machine, so it is asked only when it is a loopback address
 * (a test's emulator).
 */
export function meetingCounter(host: Host, timeoutMs = 5000): MeetingCounter {
  return async () => {
    const settings = await readBbbWebSettings(host);
    const url = settings.get('bigbluebutton.web.serverURL')?.value;
    const secret = settings.get('securitySalt')?.value;
    const algorithm = checksumAlgorithm(settings);
    if (!url || !secret || algorithm === null) return { unknown: 'bbb-web\'s server URL, securitySalt or checksum algorithm is not set' };
    if (!host.runsCommands && !isLoopbackUrl(url)) return { unknown: `${url} is not asked from a --root copy` };
    try {
      return { meetings: (await getMeetings({ serverUrl: url, secret, algorithm, timeoutMs })).length };
    } catch (err) {
      return { unknown: err instanceof Error ? err.message : String(err) };
    }
  };
}

function isLoopbackUrl(url: string): boolean {
  try {
    const name = new URL(url).hostname;
    return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
  } catch {
    return false;
  }
}

export async function restartBbbWeb(host: Host, action: ServiceAction, opts: BbbWebRestartOptions): Promise<RestartOutcome> {
  const count = opts.countMeetings ?? meetingCounter(host);
  const now = await count();
  const run = async (detail: string): Promise<RestartOutcome> => {
    const result = await host.run(action.argv);
    if (result.recorded) return { status: 'recorded', detail };
    if (result.code === 0) return { status: 'ran', detail };
    return { status: 'failed', detail: result.stderr.trim() || `exit ${result.code}` };
  };
  if (opts.restartNow) {
    const lost = 'meetings' in now && now.meetings > 0 ? `--restart-now: bbb-web forgot ${plural(now.meetings, 'running meeting')}` : '';
    return run(lost);
  }
  if ('unknown' in now) {
    // A copy of a server's files records the command for the admin to run there: say when.
    if (!host.runsCommands) return run('when no meeting is running');
    return { status: 'postponed', detail: `running meetings unknown (${now.unknown}); run it when no meeting is running, or again with --restart-now` };
  }
  if (now.meetings === 0) return run('no meeting was running');
  if (!opts.whenIdle) {
    return {
      status: 'postponed',
      detail: `${plural(now.meetings, 'meeting')} running now; run it when none is, or again with --when-idle or --restart-now`,
    };
  }
  const counts = async (): Promise<number | null> => {
    const c = await count();
    return 'meetings' in c ? c.meetings : null;
  };
  const waited = await waitForIdle(counts, {
    timeoutMs: opts.idleTimeoutMs,
    pollIntervalMs: opts.pollIntervalMs,
    noun: 'running meeting',
    ...(opts.progress ? { progress: opts.progress } : {}),
    ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
  });
  if (waited.idle) return run(`ran once no meeting was running (after ${formatSeconds(waited.waitedMs)})`);
  if (waited.calls === null) return { status: 'postponed', detail: 'lost bbb-web\'s API while waiting; run it when no meeting is running' };
  const why = waited.interrupted ? 'interrupted' : `after waiting ${formatSeconds(opts.idleTimeoutMs)}`;
  return {
    status: 'postponed',
    detail: `${why}, still ${plural(waited.calls, 'meeting')} running; run it when none is, or again with --restart-now`,
  };
}
