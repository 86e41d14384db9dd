// The FreeSWITCH a tree belongs to: the one its event_socket.conf.xml names, under any --root. On a server that is
// the local FreeSWITCH; a test tree points its file at an emulator. The password never leaves this module's callee.

import { resolveConfDir } from '../host/freeswitch-conf-dir.js';
import type { Host } from '../host/host.js';
import { EslClient } from './esl-client.js';
import { eslOptionsFromConfig, readEventSocketConfig } from './event-socket-config.js';

/** The part of an event-socket connection that service actions and doctor use (tests may pass a fake). */
export interface FreeswitchApi {
  api(command: string): Promise<string>;
  close(): Promise<void>;
}

export type FreeswitchConnector = () => Promise<FreeswitchApi>;

/**
 * Connect and authenticate to the FreeSWITCH named by the tree's event_socket.conf.xml. Throws EslError
 * (refused, auth, timeout, protocol) or TargetFileError (the file is missing or unreadable).
 */
export async function connectFreeswitch(host: Host, opts: { confDir?: string; timeoutMs?: number } = {}): Promise<EslClient> {
  const confDir = opts.confDir ?? (await resolveConfDir(host));
  const config = await readEventSocketConfig(host, confDir);
  return EslClient.connect(eslOptionsFromConfig(config, opts.timeoutMs));
}

export function freeswitchConnector(host: Host, opts: { confDir?: string; timeoutMs?: number } = {}): FreeswitchConnector {
  return () => connectFreeswitch(host, opts);
}
