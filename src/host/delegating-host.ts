import type { CommandResult, FileStat, Host, RecordedCommand, WriteOptions } from './host.js';

/** A Host that forwards everything to another; subclasses override what they change (sandbox, fault injection). */
export class DelegatingHost implements Host {
  constructor(protected readonly inner: Host) {}
  get root(): string {
    return this.inner.root;
  }
  get runsCommands(): boolean {
    return this.inner.runsCommands;
  }
  get recordedCommands(): readonly RecordedCommand[] {
    return this.inner.recordedCommands;
  }
  machinePath(p: string): string {
    return this.inner.machinePath(p);
  }
  realpath(p: string): Promise<string> {
    return this.inner.realpath(p);
  }
  lstat(p: string): Promise<FileStat | null> {
    return this.inner.lstat(p);
  }
  readBytes(p: string): Promise<Buffer | null> {
    return this.inner.readBytes(p);
  }
  listDir(p: string): Promise<string[] | null> {
    return this.inner.listDir(p);
  }
  writeFileAtomic(p: string, data: Buffer, opts: WriteOptions): Promise<void> {
    return this.inner.writeFileAtomic(p, data, opts);
  }
  removeFile(p: string): Promise<void> {
    return this.inner.removeFile(p);
  }
  makeDir(p: string, mode: number): Promise<void> {
    return this.inner.makeDir(p, mode);
  }
  removeEmptyDir(p: string): Promise<boolean> {
    return this.inner.removeEmptyDir(p);
  }
  setOwner(p: string, uid: number, gid: number): Promise<void> {
    return this.inner.setOwner(p, uid, gid);
  }
  setMode(p: string, mode: number): Promise<void> {
    return this.inner.setMode(p, mode);
  }
  run(argv: string[]): Promise<CommandResult> {
    return this.inner.run(argv);
  }
}
