// Finds FreeSWITCH's configuration directory on a BBB server: /opt/freeswitch/conf is a symlink to
// /opt/freeswitch/etc/freeswitch. Copies of servers (archives, test trees) sometimes turn that symlink into a
// plain file holding its target ("etc/freeswitch"); that is read as the link it stands for.

import * as path from 'node:path';
import type { ReadHost } from './preprocess.js';
import { TargetFileError } from '../../errors.js';

export const CONF_LINK = '/opt/freeswitch/conf';
export const CONF_DIR = '/opt/freeswitch/etc/freeswitch';

async function isDir(host: ReadHost, serverPath: string): Promise<boolean> {
  const st = await host.lstat(await host.realpath(serverPath));
  return st?.kind === 'dir';
}

/** Target of a plain file that stands in for a symlink: one short line that looks like a path. */
async function fileLinkTarget(host: ReadHost, serverPath: string): Promise<string | null> {
  const st = await host.lstat(serverPath);
  if (st?.kind !== 'file' || st.size > 1024) return null;
  const bytes = await host.readBytes(serverPath);
  if (!bytes) return null;
  const target = bytes.toString('utf8').trim();
  if (target === '' || target.includes('\n') || !/^[\w./-]+$/.test(target)) return null;
  return target;
}

/** Server path of the directory holding freeswitch.xml, with every link resolved. */
export async function resolveConfDir(host: ReadHost): Promise<string> {
  const candidates: string[] = [];
  const link = await host.lstat(CONF_LINK);
  if (link?.kind === 'symlink' || link?.kind === 'dir') {
    candidates.push(await host.realpath(CONF_LINK));
  } else if (link?.kind === 'file') {
    const target = await fileLinkTarget(host, CONF_LINK);
    if (target !== null) {
      const base = target.startsWith('/') ? '/' : path.posix.dirname(CONF_LINK);
      candidates.push(await host.realpath(path.posix.join(base, target)));
    }
  }
  candidates.push(await host.realpath(CONF_DIR));
  for (const dir of candidates) {
    if ((await isDir(host, dir)) && (await host.lstat(path.posix.join(dir, 'freeswitch.xml'))) !== null) return dir;
  }
  throw new TargetFileError(`${CONF_DIR}/freeswitch.xml`, 'FreeSWITCH configuration not found', {
    hint: `expected ${CONF_LINK} (a link to ${CONF_DIR}) with freeswitch.xml in it under ${host.root}; pass --root to point at the server's file tree`,
  });
}
