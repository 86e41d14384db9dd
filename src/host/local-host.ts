import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { HostError } from '../errors.js';
import type { CommandResult, FileStat, Host, RecordedCommand, WriteOptions } from './host.js';

export interface LocalHostOptions {
  /** Run system commands for real. Default: only when root is "/". */
  runCommands?: boolean;
}

const MAX_LINK_DEPTH = 40;

/** The host on this machine's file system, rooted at `root`. */
export class LocalHost implements Host {
  readonly root: string;
  readonly runsCommands: boolean;
  private readonly recorded: RecordedCommand[] = [];

  constructor(root: string, opts: LocalHostOptions = {}) {
    this.root = path.resolve(root);
    this.runsCommands = opts.runCommands ?? this.root === '/';
  }

  get recordedCommands(): readonly RecordedCommand[] {
    return this.recorded;
  }

  machinePath(serverPath: string): string {
    const normal = path.posix.normalize('/' + serverPath);
    return this.root === '/' ? normal : path.join(this.root, normal);
  }

  async realpath(serverPath: string): Promise<string> {
    const parts = path.posix.normalize('/' + serverPath).split('/').filter(Boolean);
    let resolved = '/';
    let depth = 0;
    while (parts.length > 0) {
      const part = parts.shift() as string; // loop guard: parts is non-empty
      const candidate = path.posix.join(resolved, part);
      let target: string | null = null;
      try {
        target = await fs.readlink(this.machinePath(candidate));
      } catch {
        target = null; // not a symlink, or does not exist: keep the name as it is
      }
      if (target === null) {
        resolved = candidate;
        continue;
      }
      if (++depth > MAX_LINK_DEPTH) {
        throw new HostError(`too many levels of symbolic links at ${candidate}`, { path: candidate });
      }
      // An absolute target means "from the server's root", which under a test root is our root.
      const base = target.startsWith('/') ? '/' : resolved;
      parts.unshift(...path.posix.normalize(path.posix.join(base, target)).split('/').filter(Boolean));
      resolved = '/';
    }
    return resolved;
  }

  async lstat(serverPath: string): Promise<FileStat | null> {
    try {
      const st = await fs.lstat(this.machinePath(serverPath));
      const kind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      return { kind, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw wrap(err, serverPath, 'read the metadata of');
    }
  }

  async readBytes(serverPath: string): Promise<Buffer | null> {
    try {
      // Through symlinks the way realpath() resolves them, so an absolute link stays inside the root.
      const file = this.machinePath(await this.realpath(serverPath));
      const st = await fs.stat(file);
      // A FIFO or a device would block or never end: only regular files are read.
      if (!st.isFile()) throw notRegularFile(serverPath, st.isDirectory());
      return await fs.readFile(file);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw wrap(err, serverPath, 'read');
    }
  }

  async listDir(serverPath: string): Promise<string[] | null> {
    try {
      return (await fs.readdir(this.machinePath(serverPath))).sort();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw wrap(err, serverPath, 'list');
    }
  }

  async writeFileAtomic(serverPath: string, data: Buffer, opts: WriteOptions): Promise<void> {
    // A symlink is written through: its target is replaced (keeping its mode and owner), never the link itself.
    const target = this.machinePath(await this.realpath(serverPath));
    const dir = path.dirname(target);
    const tmp = path.join(dir, `.${path.basename(target)}.bbb-twilio-${randomBytes(4).toString('hex')}.tmp`);
    try {
      await fs.mkdir(dir, { recursive: true });
      const existing = await fs.stat(target).catch(() => null);
      if (existing && !existing.isFile()) throw notRegularFile(serverPath, existing.isDirectory());
      const mode = opts.mode ?? (existing ? existing.mode & 0o7777 : 0o644);
      const handle = await fs.open(tmp, 'wx', mode);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.chmod(tmp, mode); // the umask may have narrowed the mode given to open()
      const uid = opts.uid ?? existing?.uid;
      const gid = opts.gid ?? existing?.gid;
      if (uid !== undefined && gid !== undefined) await fs.chown(tmp, uid, gid);
      await fs.rename(tmp, target);
      await syncDir(dir);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw wrap(err, serverPath, 'write');
    }
  }

  async removeFile(serverPath: string): Promise<void> {
    try {
      await fs.rm(this.machinePath(serverPath), { force: true });
    } catch (err) {
      throw wrap(err, serverPath, 'remove');
    }
  }

  async makeDir(serverPath: string, mode: number): Promise<void> {
    try {
      await fs.mkdir(this.machinePath(serverPath), { recursive: true, mode });
    } catch (err) {
      throw wrap(err, serverPath, 'create the directory');
    }
  }

  async removeEmptyDir(serverPath: string): Promise<boolean> {
    try {
      await fs.rmdir(this.machinePath(serverPath));
      return true;
    } catch {
      return false; // not empty, or already gone: both mean "leave it"
    }
  }

  async setOwner(serverPath: string, uid: number, gid: number): Promise<void> {
    try {
      await fs.lchown(this.machinePath(serverPath), uid, gid);
    } catch (err) {
      throw wrap(err, serverPath, 'change the owner of');
    }
  }

  async setMode(serverPath: string, mode: number): Promise<void> {
    try {
      await fs.chmod(this.machinePath(serverPath), mode);
    } catch (err) {
      throw wrap(err, serverPath, 'change the mode of');
    }
  }

  async run(argv: string[]): Promise<CommandResult> {
    if (!this.runsCommands) {
      this.recorded.push({ argv: [...argv] });
      return { code: 0, stdout: '', stderr: '', recorded: true };
    }
    const [cmd, ...args] = argv;
    if (cmd === undefined) throw new HostError('empty command');
    return new Promise((resolve) => {
      execFile(cmd, args, { timeout: 60_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stderr ? err.message : '')), recorded: false });
      });
    });
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT';
}

function notRegularFile(serverPath: string, isDir: boolean): HostError {
  return isDir
    ? new HostError(`${serverPath} is a directory where bbb-twilio expects a file (EISDIR)`, {
        path: serverPath,
        hint: 'move the directory away (bbb-twilio keeps a file at this path), then run again; nothing was changed',
      })
    : new HostError(`${serverPath} is not a regular file (a FIFO, socket or device)`, {
        path: serverPath,
        hint: 'bbb-twilio reads and writes regular files only: replace it with the file, then run again; nothing was changed',
      });
}

function wrap(err: unknown, serverPath: string, verb: string): HostError {
  if (err instanceof HostError) return err;
  const e = err as NodeJS.ErrnoException;
  const reason =
    e.code === 'ENOTDIR'
      ? 'a part of that path is a file, not a directory'
      : e.code === 'EACCES' || e.code === 'EPERM'
      ? 'permission denied'
      : e.code === 'EROFS'
        ? 'read-only file system'
        : e.code === 'ENOSPC'
          ? 'no space left on device'
          : (e.message ?? String(err));
  const hint =
    e.code === 'ENOTDIR'
      ? 'restore the directory (move the file that stands in its place away); nothing was changed'
      : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
      ? 'run as root, or make the file writable; nothing was changed'
      : undefined;
  return new HostError(`cannot ${verb} ${serverPath}: ${reason}`, { path: serverPath, ...(hint ? { hint } : {}) });
}

async function syncDir(dir: string): Promise<void> {
  // Make the rename durable; some file systems refuse fsync on directories, which is harmless here.
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    /* best effort */
  }
}
