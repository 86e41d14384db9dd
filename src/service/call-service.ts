// The call service put together: the outbound-socket server, the meeting directory over BBB's getMeetings, the
// lockout book, metrics and health. `serve` runs it; SIGHUP calls reload(), SIGTERM stop().

import type { Config } from '../config/schema.js';
import { conferenceControls, type ProfileControls } from '../freeswitch/conference-controls.js';
import { loadFreeswitchConfig } from '../freeswitch/simulator/load-config.js';
import { formatHostPort } from '../config/schema.js';
import { getMeetings } from '../bbb/bbb-api-client.js';
import type { Host } from '../host/host.js';
import { FreeswitchConferenceDestination, type AudioDestination } from './audio-destination.js';
import { readBbbApiAccess } from './bbb-api-access.js';
import { startHttpEndpoints, type HttpEndpoints } from './http-endpoints.js';
import { liveCalls, liveLockouts, unlockCandidates } from './live-view.js';
import { maskNumber } from './caller-identity.js';
import { LockoutBook } from './lockout-book.js';
import { MeetingDirectory } from './meeting-directory.js';
import { CallServer } from './outbound-server.js';
import type { ServiceLog } from './service-log.js';
import { ServiceMetrics } from './service-metrics.js';
import { serviceSettings } from './service-settings.js';
import type { BbbApiOptions } from '../bbb/bbb-api-client.js';

export interface CallServiceOptions {
  host: Host;
  /** Reads and validates the config (the CLI's loader: file checks, environment secrets). */
  loadConfig: () => Promise<Config>;
  log: ServiceLog;
  listen?: { host: string; port: number };
  metrics?: { host: string; port: number };
  /** Where a PIN's audio lives; BBB's FreeSWITCH conference unless told otherwise. */
  destination?: AudioDestination;
  bbbApiTimeoutMs?: number;
}

export interface RunningCallService {
  listen: string;
  metricsAddress: string;
  server: CallServer;
  metrics: ServiceMetrics;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCallService(opts: CallServiceOptions): Promise<RunningCallService> {
  const { host, log } = opts;
  const timeoutMs = opts.bbbApiTimeoutMs ?? 3000;
  let config = await opts.loadConfig();
  let api: BbbApiOptions = await readBbbApiAccess(host, timeoutMs);
  const metrics = new ServiceMetrics();
  const directory = new MeetingDirectory({
    fetchMeetings: async () => getMeetings(api),
    onFetch: (r) => {
      metrics.apiSeconds.labels(r.ok ? 'ok' : 'error').observe(r.seconds);
      if (!r.ok) log.warn({ event: 'bbb-api', error: r.error }, 'BBB API unavailable');
    },
  });
  const lockoutProblem = (problem: string): void => log.warn({ event: 'lockout-state', problem }, problem);
  const lockouts = await LockoutBook.load({ host, ...config.callService.lockout, onProblem: lockoutProblem });
  const readControls = async (): Promise<Map<string, ProfileControls>> => {
    try {
      return conferenceControls((await loadFreeswitchConfig(host)).document);
    } catch (err) {
      log.warn({ event: 'conference-controls', error: err instanceof Error ? err.message : String(err) }, "cannot read FreeSWITCH's conference profiles: keys they might bind are left to FreeSWITCH");
      return new Map();
    }
  };
  let controls = await readControls();
  const server = new CallServer({
    settings: serviceSettings(config, controls),
    meetings: directory,
    lockouts,
    destination: opts.destination ?? new FreeswitchConferenceDestination(),
    metrics,
    log,
  });
  const listenAt = opts.listen ?? config.callService.listen;
  const metricsAt = opts.metrics ?? config.callService.metrics;
  const address = await server.listen(listenAt.host, listenAt.port);
  const listen = formatHostPort({ host: address.address, port: address.port });
  let stopped = false;
  let http: HttpEndpoints;
  try {
    http = await startHttpEndpoints(metricsAt.host, metricsAt.port, metrics, () => ({
      listening: !stopped,
      listen,
      bbbApi: {
        ok: directory.health.ok,
        at: directory.health.at === undefined ? undefined : new Date(directory.health.at).toISOString(),
        error: directory.health.error,
      },
      calls: server.calls.length,
    }), {
      calls: () => liveCalls(server.calls),
      lockouts: () => liveLockouts(lockouts.list(), Date.now()),
      unlock: (number) => {
        const unlocked = unlockCandidates(number).some((key) => lockouts.unlock(key));
        if (unlocked) log.info({ event: 'unlocked', number: maskNumber(number.replace(/\D/g, '')) }, 'lockout lifted by an admin');
        return unlocked;
      },
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  // Know BBB's meetings (and whether its API answers, for /healthz) before the first call.
  await directory.refresh();
  const metricsAddress = formatHostPort({ host: http.address.address, port: http.address.port });
  log.info({ event: 'started', listen, metrics: metricsAddress, bbbApi: directory.health.ok }, `listening on ${listen}`);

  return {
    listen,
    metricsAddress,
    server,
    metrics,
    async reload() {
      try {
        const next = await opts.loadConfig();
        const nextApi = await readBbbApiAccess(host, timeoutMs);
        config = next;
        api = nextApi;
        controls = await readControls();
        server.updateSettings(serviceSettings(config, controls));
        lockouts.updateLimits(config.callService.lockout);
        log.info({ event: 'reloaded' }, 'config and bbb-web properties re-read');
      } catch (err) {
        log.error({ event: 'reload-failed', error: err instanceof Error ? err.message : String(err) }, 'reload failed: the previous config stays in force');
      }
    },
    async stop() {
      stopped = true;
      await server.stop();
      directory.stop();
      await lockouts.stop();
      await http.close();
      log.info({ event: 'stopped' }, 'stopped');
    },
  };
}
