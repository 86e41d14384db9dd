import pc from 'picocolors';
import { BbbTwilioError, TargetFileError, describeLocation } from '../errors.js';
import type { CliIo } from './io.js';
import { useColor } from './io.js';

/** The one place that turns errors into a line for people and an exit code. */
export function reportError(err: unknown, io: CliIo, debug: boolean): number {
  const c = pc.createColors(useColor(io, 'stderr'));
  if (err instanceof BbbTwilioError) {
    io.stderr.write(`${c.red('error:')} ${oneLine(locatedMessage(err))}\n`);
    if (err.hint) io.stderr.write(`${c.dim('hint:')} ${oneLine(err.hint)}\n`);
    if (debug && err.stack) io.stderr.write(c.dim(err.stack) + '\n');
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`${c.red('error:')} ${oneLine(message)}\n`);
  io.stderr.write(`${c.dim('hint:')} this is a bug in bbb-twilio; run again with --debug and report the output\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(c.dim(err.stack) + '\n');
  return 1;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * The message with the file (and line) it is about in front, compiler style, for errors about a file on the
 * server; also when such an error is the cause of another (an apply that failed and was undone).
 */
function locatedMessage(err: BbbTwilioError): string {
  if (err instanceof TargetFileError) return withLocation(err);
  const cause: unknown = err.cause;
  if (cause instanceof TargetFileError && err.message.includes(cause.message)) {
    return err.message.replace(cause.message, () => withLocation(cause));
  }
  return err.message;
}

function withLocation(err: TargetFileError): string {
  if (err.message.startsWith(err.file)) return err.message;
  return `${describeLocation(err.file, err.line)}: ${err.message}`;
}
