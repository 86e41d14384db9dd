import pc from 'picocolors';
import { BbbTwilioError } from '../errors.js';
import type { CliIo } from './io.js';
import { useColor } from './io.js';

/** The one place that turns errors into a line for people and an exit code. */
export function reportError(err: unknown, io: CliIo, debug: boolean): number {
  const c = pc.createColors(useColor(io, 'stderr'));
  if (err instanceof BbbTwilioError) {
    io.stderr.write(`${c.red('error:')} ${oneLine(err.message)}\n`);
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
