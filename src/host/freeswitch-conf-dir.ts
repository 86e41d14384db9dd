// Finds FreeSWITCH's configuration directory on a BBB server: /opt/freeswitch/conf is a symlink to
// /opt/freeswitch/etc/freeswitch. Copies of servers (archives, test trees) sometimes turn that symlink into a
// plain file holding its target ("etc/freeswitch"); that is read as the link it stands for.

// Resolving the link means a file is never written through two paths. Used by planning, the event-socket
// client and the simulator alike.

import * as path from 'node:path';
import { TargetFileError } from '../errors.js';
import { FREESWITCH_CONF_DIR as CONF_DIR, FREESWITCH_CONF_LINK as CONF_LINK } from './bbb-paths.js';
import type { Host } from './host.js';

/** The read-only part of a Host, all that finding the directory needs. */
export type ReadHost = Pick<Host, 'root' | 'realpath' | 'lstat' | 'readBytes'>;

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
