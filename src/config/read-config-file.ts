// Reading the config file safely: root runs bbb-twilio and writes what the file says, so the file must be a
// regular file of a sane size that no other user can change. Checked on the open file itself (no race between
// a check and the read), opened non-blocking so a FIFO cannot hang the run.

import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError } from '../errors.js';
import type { Host } from '../host/host.js';

/** A bbb-twilio config is a few KB; anything this large is the wrong file (or /dev/zero). */
export const MAX_CONFIG_BYTES = 256 * 1024;

export interface ConfigFile {
  /** Machine path of the file read: a symlink's target, so that storing a password writes through the link. */
  file: string;
  text: string;
  /** Permission bits. */
  mode: number;
}

/**
 * The machine path of the file a config path stands for, links resolved. Under --root an absolute link means
 * "from the server's root", as for every other file (Host.realpath); outside the root, the machine's meaning.
 */
export async function resolveConfigFile(host: Host, file: string): Promise<string> {
  const inRoot = path.relative(host.root, file);
  if (inRoot.startsWith('..') || path.isAbsolute(inRoot)) return fs.realpath(file).catch(() => file);
  return host.machinePath(await host.realpath('/' + inRoot));
}

/** Read the config; errors from the file system are left to the caller, which words them. */
export async function readConfigFile(host: Host, given: string, runningUid: number): Promise<ConfigFile> {
  const file = await resolveConfigFile(host, given);
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await handle.stat();
    // Opening a directory read-only succeeds on Linux: report it the way reading it would fail.
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    refuseUnsafe(file, { regular: st.isFile(), mode: st.mode & 0o7777, uid: st.uid, size: st.size }, runningUid);
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) throw tooLarge(file, length);
    }
    return { file, text: buffer.subarray(0, length).toString('utf8'), mode: st.mode & 0o777 };
  } finally {
    await handle.close();
  }
}

interface ConfigFileFacts {
  regular: boolean;
  mode: number;
  uid: number;
  size: number;
}

/** Refuse a config that is not a regular file, is too large, or that a user other than root (or us) could change. */
function refuseUnsafe(file: string, st: ConfigFileFacts, runningUid: number): void {
  if (!st.regular) {
    throw new ConfigError(`cannot read config file ${file}: it is not a regular file (a FIFO, socket or device such as /dev/zero)`, {
      file,
      hint: 'bbb-twilio reads its config from a regular file only: pass --config with the path of the YAML file',
    });
  }
  if (st.size > MAX_CONFIG_BYTES) throw tooLarge(file, st.size);
  if ((st.mode & 0o022) !== 0) {
    throw new ConfigError(
      `${file}: others can change it (mode ${(st.mode & 0o777).toString(8).padStart(3, '0')}, group or world writable), and root acts on what it says`,
      { file, hint: `run: chmod go-w ${file}` },
    );
  }
  if (st.uid !== 0 && st.uid !== runningUid) {
    throw new ConfigError(`${file}: owned by another user (uid ${st.uid}), who could change what root writes`, {
      file,
      hint: `run: chown root: ${file}`,
    });
  }
}

function tooLarge(file: string, size: number): ConfigError {
  const limit = `${MAX_CONFIG_BYTES / 1024} KiB`;
  return new ConfigError(`cannot read config file ${file}: it holds ${size} bytes or more, over the ${limit} limit (a bbb-twilio config is a few KB)`, {
    file,
    hint: `pass --config with the path of the YAML file (see examples/config.yml); bbb-twilio reads at most ${limit}`,
  });
}
