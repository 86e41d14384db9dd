// Typed errors: each carries a message for people and a hint that says how to fix it.
// The CLI maps them to one line and an exit code in one place (src/cli/report-error.ts).

export type ErrorKind =
  | 'config'
  | 'target-file'
  | 'conflict'
  | 'host'
  | 'lock'
  | 'journal'
  | 'twilio'
  | 'esl'
  | 'bbb-api'
  | 'usage';

export class BbbTwilioError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(kind: ErrorKind, message: string, hint?: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

/** The configuration file or a value in it is wrong. `key` is the dotted path (`numbers.0`). */
export class ConfigError extends BbbTwilioError {
  readonly file: string | undefined;
  readonly key: string | undefined;
  constructor(message: string, opts: { file?: string; key?: string; hint?: string } = {}) {
    super('config', message, opts.hint);
    this.file = opts.file;
    this.key = opts.key;
  }
}

/** A file on the server cannot be read, parsed or safely edited. */
export class TargetFileError extends BbbTwilioError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, message: string, opts: { line?: number; hint?: string } = {}) {
    super('target-file', message, opts.hint);
    this.file = file;
    this.line = opts.line;
  }
}

/** The server is not in a state we may change without the admin saying so (hand edits, LiveKit audio). */
export class ConflictError extends BbbTwilioError {
  constructor(message: string, hint?: string) {
    super('conflict', message, hint);
  }
}

/** Something on the machine failed: a write, a command, a permission. */
export class HostError extends BbbTwilioError {
  readonly path: string | undefined;
  constructor(message: string, opts: { path?: string; hint?: string } = {}) {
    super('host', message, opts.hint);
    this.path = opts.path;
  }
}

export class LockError extends BbbTwilioError {
  constructor(message: string, hint?: string) {
    super('lock', message, hint);
  }
}

export class JournalError extends BbbTwilioError {
  constructor(message: string, hint?: string) {
    super('journal', message, hint);
  }
}

export class UsageError extends BbbTwilioError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint, 1);
  }
}

/** Prefix a file path (and line) the way editors and compilers do: `path:line: message`. */
export function describeLocation(file: string, line?: number): string {
  return line === undefined ? file : `${file}:${line}`;
}
