import { loadConfig, openHost, type CliIo } from './io.js';
import { applyWith } from './apply-command.js';
import type { ServiceFlags } from './service-options.js';

export interface UninstallOptions extends ServiceFlags {
  root?: string;
  config?: string;
  yes?: boolean;
  force?: boolean;
}

/** Remove every file bbb-twilio added, restore every value it changed, delete its firewall rules. */
export async function runUninstall(opts: UninstallOptions, io: CliIo): Promise<number> {
  const host = openHost(io, opts.root);
  const config = await loadConfig(host, opts.config, io);
  return applyWith(host, config, io, { ...opts, force: true, command: 'uninstall' });
}
