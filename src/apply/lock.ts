import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LockError } from '../errors.js';
import { STATE_DIR } from '../host/bbb-paths.js';
import type { Host } from '../host/host.js';

export const LOCK_FILE = path.posix.join(STATE_DIR, 'lock');

export interface Lock {
  release(): Promise<void>;
}

/** One bbb-twilio at a time per server: an exclusive lock file holding our pid; a dead owner's lock is taken over. */
export async function acquireLock(host: Host): Promise<Lock> {
  const file = host.machinePath(LOCK_FILE);
  // Remember which of /var/lib/bbb-twilio's folders this run creates, to take them away again if left empty.
  const created: string[] = [];
  for (let dir = path.dirname(file); !(await exists(dir)); dir = path.dirname(dir)) created.push(dir);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return {
        release: async () => {
          await fs.rm(file, { force: true });
          // A run that changed nothing (declined, refused) leaves no trace: the state dir goes if it is empty, and
          // so do the parents this run created.
          for (const dir of created) {
            if (!(await fs.rmdir(dir).then(() => true).catch(() => false))) break;
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LockError(`cannot create ${LOCK_FILE}: ${(err as Error).message}`, 'run as root');
      }
      const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new LockError(
          `another bbb-twilio (pid ${pid}) is changing this server`,
          `wait for it to finish; if it is gone, remove ${LOCK_FILE}`,
        );
      }
      await fs.rm(file, { force: true }); // stale: its owner died
    }
  }
  throw new LockError(`cannot take ${LOCK_FILE}`, `remove it if no bbb-twilio is running`);
}

/** The pid of a live bbb-twilio holding the lock, or null (no lock, or its owner died). Reads only. */
export async function lockHolder(host: Host): Promise<number | null> {
  const pid = Number((await fs.readFile(host.machinePath(LOCK_FILE), 'utf8').catch(() => '')).trim());
  return pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true).catch(() => false);
}
