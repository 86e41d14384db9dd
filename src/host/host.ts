// The Host is the only thing that touches the system. Paths given to it are *server* paths
// ("/opt/freeswitch/conf/vars.xml"); the host maps them under its root, so the same code runs on a
// real server (root "/"), in tests and in the demo (a temp dir).

export type FileKind = 'file' | 'dir' | 'symlink' | 'other';

export interface FileStat {
  kind: FileKind;
  /** Permission bits only (e.g. 0o644). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

export interface WriteOptions {
  /** Permission bits for the file; an existing file's mode is kept when omitted. */
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when the command was only recorded (not run), e.g. under a --root other than "/". */
  recorded: boolean;
}

export interface RecordedCommand {
  argv: string[];
}

export interface Host {
  /** Absolute machine path that stands for "/" on the server. */
  readonly root: string;
  /** True when system commands (ufw, systemctl, fs_cli) really run. */
  readonly runsCommands: boolean;
  /** Machine path of a server path. */
  machinePath(serverPath: string): string;
  /** Server path with every symlink resolved inside the root (absolute link targets are re-rooted). */
  realpath(serverPath: string): Promise<string>;
  lstat(serverPath: string): Promise<FileStat | null>;
  readBytes(serverPath: string): Promise<Buffer | null>;
  listDir(serverPath: string): Promise<string[] | null>;
  /** Write via a temp file in the same directory, fsync, rename. Creates parent directories. */
  writeFileAtomic(serverPath: string, data: Buffer, opts: WriteOptions): Promise<void>;
  removeFile(serverPath: string): Promise<void>;
  makeDir(serverPath: string, mode: number): Promise<void>;
  /** Remove a directory only if it is empty; true when removed. */
  removeEmptyDir(serverPath: string): Promise<boolean>;
  setOwner(serverPath: string, uid: number, gid: number): Promise<void>;
  setMode(serverPath: string, mode: number): Promise<void>;
  /** Run a system command, or record it when this host does not run commands. */
  run(argv: string[]): Promise<CommandResult>;
  /** Commands recorded (not run) so far, in order. */
  readonly recordedCommands: readonly RecordedCommand[];
}

export async function readText(host: Host, serverPath: string): Promise<string | null> {
  const bytes = await host.readBytes(serverPath);
  return bytes === null ? null : bytes.toString('utf8');
}

/** Shell-quote argv for display ("commands to run later"). */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
