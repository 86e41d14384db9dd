import * as fs from 'node:fs/promises';
import { installedTraces } from '../apply/installed-traces.js';
import { ConfigError } from '../errors.js';
import { configPath, loadConfig, openHost, type CliIo } from './io.js';
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
  const file = configPath(host, opts.config);
  const missing = await fs.stat(file).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
  );
  if (missing) {
    // Without a config there may still be nothing to do: say what was found rather than fail on the file.
    const traces = await installedTraces(host);
    if (traces.length === 0) {
      io.stdout.write(`Nothing of bbb-twilio is installed here: no config at ${file}, no file, value or firewall rule of its.\n`);
      return 0;
    }
    throw new ConfigError(`config file not found: ${file}, but bbb-twilio is installed here (${traces.join(', ')})`, {
      file,
      hint: 'uninstall needs the config it was applied with: restore it or pass --config FILE (bbb-twilio rollback undoes the last apply without one)',
    });
  }
  // The dial-out password does not matter to an uninstall: a missing one is not an error here.
  const config = await loadConfig(host, opts.config, io, { generateMissingPassword: true });
  return applyWith(host, config, io, { ...opts, force: true, command: 'uninstall' });
}
