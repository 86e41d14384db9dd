import { DEFAULT_IDLE_TIMEOUT_MS, type ServiceRunOptions } from '../apply/run-services.js';
import { UsageError } from '../errors.js';
import type { CliIo } from './io.js';
import { stderrProgressLine } from './progress-line.js';

/** The flags apply, rollback and uninstall share for service actions. */
export interface ServiceFlags {
  restartNow?: boolean;
  whenIdle?: boolean;
  /** Seconds (--idle-timeout). */
  idleTimeout?: number;
  /** False with --no-reload. */
  reload?: boolean;
}

export function serviceRunOptions(flags: ServiceFlags, io: CliIo): ServiceRunOptions {
  if (flags.restartNow && flags.whenIdle) {
    throw new UsageError('--restart-now and --when-idle contradict each other; nothing was changed', 'choose one: restart now (drops live web audio) or wait for idle');
  }
  // --no-reload with --restart-now / --when-idle is not a contradiction: those also govern the bbb-web restart.
  return {
    restartNow: Boolean(flags.restartNow),
    whenIdle: Boolean(flags.whenIdle),
    idleTimeoutMs: flags.idleTimeout === undefined ? DEFAULT_IDLE_TIMEOUT_MS : flags.idleTimeout * 1000,
    reload: flags.reload !== false,
    progress: stderrProgressLine(io),
  };
}
