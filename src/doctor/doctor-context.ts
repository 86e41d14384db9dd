// What every doctor check may look at: the host, the config (or why it did not load), the facts detected from the
// tree, and connections opened once and shared (FreeSWITCH's event socket, bbb-web's settings).

import type * as os from 'node:os';
import { readBbbWebSettings, type BbbWebSettings } from '../bbb/bbb-web-settings.js';
import type { Config } from '../config/schema.js';
import type { FreeswitchApi } from '../freeswitch/connect-freeswitch.js';
import { describeEslTarget } from '../freeswitch/esl-error.js';
import { EslClient } from '../freeswitch/esl-client.js';
import { eslOptionsFromConfig, readEventSocketConfig } from '../freeswitch/event-socket-config.js';
import { detectFacts, type ServerFacts } from '../host/detect-facts.js';
import type { Host } from '../host/host.js';
import { PROFILE_NAME } from '../host/bbb-paths.js';

export interface DoctorOptions {
  /** Skip the checks that call Twilio's API. */
  offline: boolean;
  env: NodeJS.ProcessEnv;
  /** The host's addresses; os.networkInterfaces() by default. Only consulted when the root is /. */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  eslTimeoutMs?: number;
  httpTimeoutMs?: number;
}

export type FreeswitchLink =
  | { ok: true; api: FreeswitchApi; target: string }
  | { ok: false; error: unknown; target: string | undefined };

export interface DoctorContext {
  host: Host;
  /** Checking the running server (root /): a service that does not answer is a failure, not a skip. */
  live: boolean;
  configFile: string;
  config: Config | null;
  configError: unknown;
  facts: ServerFacts | null;
  factsError: unknown;
  options: DoctorOptions;
  /** The event-socket connection, opened on first use and shared by the checks. */
  freeswitch(): Promise<FreeswitchLink>;
  bbbWeb(): Promise<BbbWebSettings>;
  /** Run `compute` once per key and share its promise: several checks read the same API answer. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function createDoctorContext(
  host: Host,
  loaded: { configFile: string; config: Config | null; configError: unknown },
  options: DoctorOptions,
): Promise<DoctorContext> {
  let facts: ServerFacts | null = null;
  let factsError: unknown = null;
  try {
    facts = await detectFacts(host);
  } catch (err) {
    factsError = err;
  }
  let link: Promise<FreeswitchLink> | null = null;
  let settings: Promise<BbbWebSettings> | null = null;
  const memos = new Map<string, Promise<unknown>>();
  return {
    host,
    live: host.root === '/',
    ...loaded,
    facts,
    factsError,
    options,
    freeswitch: () => (link ??= openFreeswitch(host, facts, options.eslTimeoutMs)),
    bbbWeb: () => (settings ??= readBbbWebSettings(host)),
    memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
      let found = memos.get(key);
      if (!found) {
        found = compute();
        memos.set(key, found);
      }
      return found as Promise<T>;
    },
    close: async () => {
      const open = link ? await link : null;
      if (open?.ok) await open.api.close();
    },
  };
}

async function openFreeswitch(host: Host, facts: ServerFacts | null, timeoutMs: number | undefined): Promise<FreeswitchLink> {
  let target: string | undefined;
  try {
    if (!facts) throw new Error('the FreeSWITCH configuration directory was not found');
    const config = await readEventSocketConfig(host, facts.confDir);
    target = describeEslTarget(config.host, config.port);
    const api = await EslClient.connect(eslOptionsFromConfig(config, timeoutMs ?? 3000));
    return { ok: true, api, target };
  } catch (error) {
    return { ok: false, error, target };
  }
}

/** The sofia profile Twilio calls reach, and its port: bbb-twilio on sip.port, or external on its vars.xml port. */
export function profileInUse(config: Config, facts: ServerFacts): { name: string; port: number } {
  return config.sip.profile === 'dedicated'
    ? { name: PROFILE_NAME, port: config.sip.port }
    : { name: 'external', port: facts.externalSipPort };
}
