import * as path from 'node:path';
import { readConfigFile, type ConfigFile } from '../config/read-config-file.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_CONFIG_FILE } from '../host/bbb-paths.js';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local-host.js';
import { TreeUfwHost } from '../host/tree-ufw-host.js';

/** Streams and environment of one CLI run; tests pass their own. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Host factory: tests and the demo wrap the real host (fault injection, the sandbox's ufw). */
  makeHost?: (root: string) => Host;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdinIsTTY: Boolean(process.stdin.isTTY), env: process.env };
}

export function useColor(io: CliIo, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR) return true;
  return Boolean(io[stream].isTTY);
}

export function openHost(io: CliIo, root: string | undefined): Host {
  const dir = path.resolve(root ?? '/');
  if (io.makeHost) return io.makeHost(dir);
  // Under another root ufw cannot run: its commands are recorded and their effect mirrored into the tree.
  return dir === '/' ? new LocalHost(dir) : new TreeUfwHost(new LocalHost(dir));
}

/** The config file: --config as given, else /etc/bbb-twilio/config.yml under the root. */
export function configPath(host: Host, option: string | undefined): string {
  return option ? path.resolve(option) : host.machinePath(DEFAULT_CONFIG_FILE);
}

export async function loadConfig(
  host: Host,
  option: string | undefined,
  io: CliIo,
  opts: { generateMissingPassword?: boolean } = {},
): Promise<Config> {
  const given = configPath(host, option);
  let read: ConfigFile;
  try {
    read = await readConfigFile(host, given, process.getuid?.() ?? 0);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw unreadableConfig(given, err);
  }
  // zod, yaml and libphonenumber are heavy: loaded only by commands that read the config.
  const { parseConfig } = await import('../config/load-config.js');
  return parseConfig(read.text, read.file, { env: io.env, fileMode: read.mode, ...opts });
}

/** Why the config file cannot be read, in words, with what to do about it. */
function unreadableConfig(file: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new ConfigError(`config file not found: ${file}`, {
        file,
        hint: 'create it from examples/config.yml, or pass --config FILE',
      });
    case 'EISDIR':
      return new ConfigError(`cannot read config file ${file}: it is a directory`, {
        file,
        hint: 'pass --config with the path of the YAML file itself, or move the directory away',
      });
    case 'ENOTDIR':
      return new ConfigError(`cannot read config file ${file}: a part of its path is a file, not a directory`, {
        file,
        hint: 'check the path (the default is /etc/bbb-twilio/config.yml under --root), or pass --config FILE',
      });
    case 'EACCES':
    case 'EPERM':
      return new ConfigError(`cannot read config file ${file}: permission denied`, {
        file,
        hint: 'run as root (sudo), or pass --config FILE',
      });
    default:
      return new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`, {
        file,
        hint: 'check that the file exists and is readable, or pass --config FILE',
      });
  }
}
