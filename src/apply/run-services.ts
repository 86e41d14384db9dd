import { freeswitchConnector, type FreeswitchConnector } from '../freeswitch/connect-freeswitch.js';
import { judgeEslReply } from '../freeswitch/esl-replies.js';
import { formatCommand, type Host } from '../host/host.js';
import type { ServiceAction } from '../model/change.js';
import { restartBbbWeb, type MeetingCounter } from './bbb-web-restart.js';
import { FreeswitchSession, type Unreachable } from './freeswitch-session.js';
import { formatSeconds, plural, waitForIdle, type ProgressLine } from './wait-for-idle.js';

export type ServiceStatus = 'ran' | 'recorded' | 'postponed' | 'skipped' | 'unreachable' | 'failed';

export interface ServiceOutcome {
  action: ServiceAction;
  status: ServiceStatus;
  /** The command a person runs to do this by hand (`fs_cli -x reloadxml`, `systemctl restart bbb-web`). */
  command: string;
  /** Why it failed or waits; a note when it ran. Empty when there is nothing to add. */
  detail: string;
}

export interface ServiceReport {
  outcomes: ServiceOutcome[];
  /** Set when FreeSWITCH's event socket could not be used: every FreeSWITCH command not run is then listed. */
  unreachable: Unreachable | null;
}

export interface ServiceRunOptions {
  /** Run restarts that drop live web audio or running meetings now. */
  restartNow: boolean;
  /** Run them once no call is up (no meeting for bbb-web), waiting at most idleTimeoutMs. */
  whenIdle?: boolean;
  idleTimeoutMs?: number;
  /** False (--no-reload): FreeSWITCH commands are not sent, only listed. */
  reload?: boolean;
  /** Opens the event socket; default: the FreeSWITCH that the tree's event_socket.conf.xml names. */
  connect?: FreeswitchConnector;
  /** Bound on each event-socket step when the default connector is used. */
  eslTimeoutMs?: number;
  /** How often `show calls count` (getMeetings) is asked while waiting for idle, and for a started profile. */
  pollIntervalMs?: number;
  /** How many meetings bbb-web holds; default: getMeetings on the bbb-web the tree's properties name. */
  countMeetings?: MeetingCounter;
  /** How long a profile that FreeSWITCH says it started may take to show up as running. */
  profileStartWaitMs?: number;
  /** Tests: scale the wait mod_sofia asks for before it stops or restarts a young profile. */
  profileWaitScale?: number;
  progress?: ProgressLine;
  shouldStop?: () => boolean;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 600_000;
const DEFAULT_POLL_MS = 1000;
const DEFAULT_PROFILE_START_WAIT_MS = 3000;

/**
 * Run the service actions a plan needs, after its files are in place. FreeSWITCH commands go over its event socket
 * (under any --root: a test tree names an emulator); system commands go through the host (recorded unless the root
 * is /). A failure here does not undo the files (they are right): it is reported with the command to run by hand.
 * Restarts that drop web audio wait for --restart-now, or for no call to be up with --when-idle; the bbb-web restart
 * runs when no meeting is running (it makes running meetings vanish), else waits the same way.
 */
export async function runServiceActions(host: Host, actions: readonly ServiceAction[], opts: ServiceRunOptions): Promise<ServiceReport> {
  const session = new FreeswitchSession(opts.connect ?? freeswitchConnector(host, { timeoutMs: opts.eslTimeoutMs }));
  const outcomes: ServiceOutcome[] = [];
  try {
    for (const action of actions) outcomes.push(await runAction(host, action, session, opts));
  } finally {
    await session.close();
  }
  return { outcomes, unreachable: session.failure };
}

async function runAction(host: Host, action: ServiceAction, session: FreeswitchSession, opts: ServiceRunOptions): Promise<ServiceOutcome> {
  const command = formatCommand(action.argv);
  const outcome = (status: ServiceStatus, detail = ''): ServiceOutcome => ({ action, status, command, detail });
  if (action.eslCommand === undefined) {
    if (action.need === 'bbb-web-restart') {
      const done = await restartBbbWeb(host, action, {
        restartNow: opts.restartNow,
        whenIdle: Boolean(opts.whenIdle),
        idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        pollIntervalMs: opts.pollIntervalMs ?? DEFAULT_POLL_MS,
        ...(opts.countMeetings ? { countMeetings: opts.countMeetings } : {}),
        ...(opts.progress ? { progress: opts.progress } : {}),
        ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
      });
      return outcome(done.status, done.detail);
    }
    if (action.requiresConsent && !opts.restartNow) return outcome('postponed', 'needs --restart-now');
    const result = await host.run(action.argv);
    if (result.recorded) return outcome('recorded');
    if (result.code === 0) return outcome('ran');
    return outcome('failed', result.stderr.trim() || `exit ${result.code}`);
  }
  if (opts.reload === false) return outcome('skipped', '--no-reload');
  if (action.requiresConsent) return runRestart(action, session, opts, outcome);
  return runFreeswitchCommand(action.eslCommand, action, session, opts, outcome);
}

type MakeOutcome = (status: ServiceStatus, detail?: string) => ServiceOutcome;

async function runFreeswitchCommand(
  eslCommand: string,
  action: ServiceAction,
  session: FreeswitchSession,
  opts: ServiceRunOptions,
  outcome: MakeOutcome,
): Promise<ServiceOutcome> {
  let answer = await session.api(eslCommand);
  // mod_sofia refuses to stop or restart a profile in its first seconds ("must be up for at least 5 seconds ...
  // Please wait N seconds"): a rollback or uninstall right after an apply meets this. Wait as told, once or twice.
  for (let retry = 0; retry < 2 && !('unreachable' in answer); retry++) {
    const wait = /must be up for at least[\s\S]*?wait (\d+) second/.exec(answer.reply);
    if (!wait) break;
    await new Promise((resolve) => setTimeout(resolve, (Number(wait[1]) + 0.5) * 1000 * (opts.profileWaitScale ?? 1)));
    answer = await session.api(eslCommand);
  }
  if ('unreachable' in answer) return outcome('unreachable', answer.unreachable.message);
  const verdict = judgeEslReply(eslCommand, answer.reply);
  if (!verdict.ok) return outcome('failed', verdict.problem);
  if (action.need === 'profile-start') {
    const profile = eslCommand.split(/\s+/)[2] ?? '';
    const problem = await confirmRunning(session, profile, opts);
    if (problem) return outcome(problem.unreachable ? 'unreachable' : 'failed', problem.text);
  }
  if (action.need === 'profile-stop') await confirmStopped(session, eslCommand.split(/\s+/)[2] ?? '', opts);
  return outcome('ran', verdict.note ?? '');
}

/**
 * `sofia profile X stop` returns while the profile thread is still shutting down. A `start` sent meanwhile (the
 * next apply, seconds later) is judged against the dying profile and the new one never comes up: wait until the
 * profile is gone (bounded; a profile that lingers is FreeSWITCH's to finish, not an error of ours).
 */
async function confirmStopped(session: FreeswitchSession, profile: string, opts: ServiceRunOptions): Promise<void> {
  const deadline = Date.now() + (opts.profileStartWaitMs ?? DEFAULT_PROFILE_START_WAIT_MS);
  const step = Math.min(250, opts.pollIntervalMs ?? DEFAULT_POLL_MS);
  while (Date.now() < deadline) {
    const answer = await session.api(`sofia status profile ${profile}`);
    if ('unreachable' in answer || /^Invalid Profile/m.test(answer.reply)) return;
    await new Promise((resolve) => setTimeout(resolve, step));
  }
}

/**
 * `sofia profile X start` answers "started successfully" once the XML is read; the profile thread then binds its
 * port, and when that fails the profile never appears. Ask `sofia status profile X` until it does, or time runs out.
 */
async function confirmRunning(
  session: FreeswitchSession,
  profile: string,
  opts: ServiceRunOptions,
): Promise<{ text: string; unreachable: boolean } | null> {
  const deadline = Date.now() + (opts.profileStartWaitMs ?? DEFAULT_PROFILE_START_WAIT_MS);
  const step = Math.min(250, opts.pollIntervalMs ?? DEFAULT_POLL_MS);
  for (;;) {
    const answer = await session.api(`sofia status profile ${profile}`);
    if ('unreachable' in answer) return { text: answer.unreachable.message, unreachable: true };
    if (!/^Invalid Profile/m.test(answer.reply)) return null;
    if (Date.now() >= deadline) {
      return {
        text: `FreeSWITCH said it started the "${profile}" profile, but it is not running (is its port taken? see freeswitch.log)`,
        unreachable: false,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, step));
  }
}

/** A restart that drops live web audio: say how many calls are up, then run, wait for idle, or postpone. */
async function runRestart(action: ServiceAction, session: FreeswitchSession, opts: ServiceRunOptions, outcome: MakeOutcome): Promise<ServiceOutcome> {
  const eslCommand = action.eslCommand ?? '';
  const calls = await session.callsCount();
  const live = calls === null ? 'live calls unknown' : `${plural(calls, 'live call')} now`;
  if (opts.restartNow) {
    const done = await runFreeswitchCommand(eslCommand, action, session, opts, outcome);
    if (done.status !== 'ran' || calls === null) return done;
    return { ...done, detail: calls === 0 ? 'no call was up' : `--restart-now: ${plural(calls, 'live call')} dropped` };
  }
  if (!opts.whenIdle || calls === null) {
    return outcome('postponed', `${live}; run it when the server is idle, or again with --when-idle or --restart-now`);
  }
  const timeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const waited = await waitForIdle(() => session.callsCount(), {
    timeoutMs,
    pollIntervalMs: opts.pollIntervalMs ?? DEFAULT_POLL_MS,
    ...(opts.progress ? { progress: opts.progress } : {}),
    ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
  });
  if (waited.idle) {
    const done = await runFreeswitchCommand(eslCommand, action, session, opts, outcome);
    if (done.status !== 'ran') return done;
    return { ...done, detail: waited.waitedMs < 1000 ? 'no call was up' : `ran once no call was up (after ${formatSeconds(waited.waitedMs)})` };
  }
  if (waited.calls === null) return outcome('postponed', 'lost FreeSWITCH while waiting for idle; run it when the server is idle');
  const why = waited.interrupted ? 'interrupted' : `after waiting ${formatSeconds(timeoutMs)}`;
  return outcome('postponed', `${why}, still ${plural(waited.calls, 'live call')}; run it when the server is idle, or again with --restart-now`);
}
