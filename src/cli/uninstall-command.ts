import { loadConfig, openHost, type CliIo } from './io.js';
import { applyWith } from './apply-command.js';
import type { ServiceFlags } from './service-options.js';

export interface UninstallOptions extends ServiceFlags {
  root?: string;
  config?: string;
  yes?: boolean;
  force?: boolean;
  /** Also remove what bbb-twilio created in the Twilio account (numbers are detached, never released). */
  twilio?: boolean;
  /** `host` or `twilio`: one side only. */
  only?: string;
}

/** Remove every file bbb-twilio added, restore every value it changed, delete its firewall rules. */
export async function runUninstall(opts: UninstallOptions, io: CliIo): Promise<number> {
  const host = openHost(io, opts.root);
  // The dial-out password does not matter to an uninstall: a missing one is not an error here.
  const config = await loadConfig(host, opts.config, io, { generateMissingPassword: true });
  return applyWith(host, config, io, { ...opts, force: true, command: 'uninstall' });
}
