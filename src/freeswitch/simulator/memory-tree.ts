// A server file tree held in memory, for building configurations without touching the disk (tests, and
// tools that want to simulate a dialplan they have only rendered). Paths are server paths; no symlinks.

import * as path from 'node:path';
import type { FileStat } from '../../host/host.js';
import type { ReadHost } from './preprocess.js';

export class MemoryTree implements ReadHost {
  readonly root = '(memory)';
  private readonly files = new Map<string, Buffer>();

  constructor(files: Record<string, string>) {
    for (const [p, text] of Object.entries(files)) this.files.set(path.posix.normalize(p), Buffer.from(text, 'utf8'));
  }

  private isDir(p: string): boolean {
    const prefix = p === '/' ? '/' : `${p}/`;
    return [...this.files.keys()].some((f) => f.startsWith(prefix));
  }

  async realpath(serverPath: string): Promise<string> {
    return path.posix.normalize(serverPath);
  }

  async lstat(serverPath: string): Promise<FileStat | null> {
    const p = path.posix.normalize(serverPath);
    const file = this.files.get(p);
    if (file) return { kind: 'file', mode: 0o644, uid: 0, gid: 0, size: file.length };
    if (this.isDir(p)) return { kind: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 };
    return null;
  }

  async readBytes(serverPath: string): Promise<Buffer | null> {
    return this.files.get(path.posix.normalize(serverPath)) ?? null;
  }

  async listDir(serverPath: string): Promise<string[] | null> {
    const p = path.posix.normalize(serverPath);
    if (!this.isDir(p)) return null;
    const prefix = p === '/' ? '/' : `${p}/`;
    const names = new Set<string>();
    for (const f of this.files.keys()) if (f.startsWith(prefix)) names.add(f.slice(prefix.length).split('/')[0] as string);
    return [...names].sort();
  }
}
