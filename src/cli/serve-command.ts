// `bbb-twilio serve`: the call service in the foreground (systemd runs it), one JSON log line per event on stdout.
// SIGHUP re-reads the config and bbb-web's properties; SIGTERM (and SIGINT) stop taking calls, hand callers who are
// typing or waiting back to the dialplan, and exit 0.

import { hostPortOption } from './host-port-option.js';
import { loadConfig, openHost, type CliIo } from './io.js';

export interface ServeOptions {
  root?: string;
  config?: string;
  listen?: string;
  metrics?: string;
}

export async function runServe(opts: ServeOptions, io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const host = openHost(io, opts.root);
  const listen = opts.listen === undefined ? undefined : hostPortOption('--listen', opts.listen, '127.0.0.1:8084');
  const metrics = opts.metrics === undefined ? undefined : hostPortOption('--metrics', opts.metrics, '127.0.0.1:9466');
  const [{ startCallService }, { createServiceLog }] = await Promise.all([
    import('../service/call-service.js'),
    import('../service/service-log.js'),
  ]);
  const log = createServiceLog(io.stdout as NodeJS.WritableStream);
  const service = await startCallService({ host, loadConfig: () => loadConfig(host, opts.config, io), log, listen, metrics });
  return new Promise<number>((resolve) => {
    const onHup = (): void => void service.reload();
    const onStop = (signal: string) => (): void => {
      signals.off('SIGHUP', onHup);
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
      log.info({ event: 'stopping', signal }, `${signal}: stopping`);
      void service.stop().then(() => resolve(0));
    };
    const onTerm = onStop('SIGTERM');
    const onInt = onStop('SIGINT');
    signals.on('SIGHUP', onHup);
    signals.on('SIGTERM', onTerm);
    signals.on('SIGINT', onInt);
  });
}
