import type { ProgressLine } from '../apply/wait-for-idle.js';
import { SILENT_PROGRESS } from '../apply/wait-for-idle.js';
import type { CliIo } from './io.js';

/**
 * A status line on stderr that rewrites itself, only when stderr is a terminal; piped output gets nothing, so logs
 * are not filled with carriage returns.
 */
export function stderrProgressLine(io: CliIo): ProgressLine {
  if (!io.stderr.isTTY) return SILENT_PROGRESS;
  let shown = false;
  return {
    update(text: string): void {
      io.stderr.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    done(): void {
      if (shown) io.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
