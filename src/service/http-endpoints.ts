// The service's HTTP side on callService.metrics: `/metrics` (Prometheus text) and `/healthz` (200 when the
// service listens and its last BBB API call worked, else 503), both JSON-free of secrets and numbers.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenError } from './outbound-server.js';
import type { ServiceMetrics } from './service-metrics.js';

export interface Health {
  listening: boolean;
  /** Where FreeSWITCH hands calls to (HOST:PORT): doctor compares it with the dialplan's `socket`. */
  listen: string;
  bbbApi: { ok: boolean; at: string | undefined; error: string | undefined };
  calls: number;
}

export interface HttpEndpoints {
  address: AddressInfo;
  close(): Promise<void>;
}

export interface LiveViewSource {
  calls(): unknown;
  lockouts(): unknown;
  /** Lift a number's lockout: true when it was locked out. */
  unlock(number: string): boolean;
}

export async function startHttpEndpoints(
  host: string,
  port: number,
  metrics: ServiceMetrics,
  health: () => Health,
  live?: LiveViewSource,
): Promise<HttpEndpoints> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/lockouts/unlock' && live) {
      // The number is in the query: no body to parse. Only local admins reach this port (127.0.0.1 by default).
      const number = url.searchParams.get('number') ?? '';
      const unlocked = live.unlock(number);
      return send(res, unlocked ? 200 : 404, 'application/json', `${JSON.stringify({ unlocked })}\n`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only (and POST /lockouts/unlock)\n');
    if (url.pathname === '/metrics') {
      void metrics.registry.metrics().then(
        (text) => send(res, 200, metrics.registry.contentType, text),
        (err: unknown) => send(res, 500, 'text/plain', `${err instanceof Error ? err.message : String(err)}\n`),
      );
      return;
    }
    if (url.pathname === '/healthz') {
      const h = health();
      const ok = h.listening && h.bbbApi.ok;
      return send(res, ok ? 200 : 503, 'application/json', `${JSON.stringify({ status: ok ? 'ok' : 'unhealthy', ...h })}\n`);
    }
    if (live && url.pathname === '/calls') return send(res, 200, 'application/json', `${JSON.stringify(live.calls())}\n`);
    if (live && url.pathname === '/lockouts') return send(res, 200, 'application/json', `${JSON.stringify(live.lockouts())}\n`);
    send(res, 404, 'text/plain', 'not found: try /metrics, /healthz, /calls or /lockouts\n');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port, 'the metrics endpoint (callService.metrics)')));
    server.listen({ host, port }, resolve);
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
