// A Twilio API emulator: an in-process HTTP server on 127.0.0.1 with in-memory state for the endpoints
// bbb-twilio uses (Trunking v1 and API 2010, see the route files). Tests use it, and `bbb-twilio demo` runs
// it as its "sandbox Twilio account" (which is why it lives under src/ and ships). It speaks
// Twilio's wire format: form-encoded requests with HTTP Basic auth, snake_case JSON with Twilio's paging
// fields, Twilio-shaped error bodies. It signs in with the account's auth token or an API key added with `addApiKey`. Point the real SDK at it with
// `createTwilioClient({ ..., apiUrl: emulator.url })`.

import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api2010Routes } from './twilio-emulator-api2010.js';
import { type JsonObject, twilioErrorBody } from './twilio-emulator-json.js';
import { ApiFailure, type ApiReply, type ApiRequest, type Route, dispatch } from './twilio-emulator-routing.js';
import { TwilioState } from './twilio-emulator-state.js';
import { trunkingRoutes } from './twilio-emulator-trunking.js';

export { TwilioState } from './twilio-emulator-state.js';

export interface RecordedRequest {
  method: string;
  /** The URL path without the query. */
  path: string;
  query: Record<string, string>;
  body: Record<string, string>;
  /** The status the emulator answered with. */
  status: number;
}

export interface InjectedFailure {
  status: number;
  code: number;
  message: string;
}

export interface TwilioEmulator {
  /** Base URL, e.g. `http://127.0.0.1:40123` (for BBB_TWILIO_API_URL / `apiUrl`). */
  url: string;
  state: TwilioState;
  /** Every request received, in order, including refused ones. */
  requests: RecordedRequest[];
  /** Answer the next `times` (default 1) requests whose path matches with this Twilio error. */
  failNext(path: RegExp, err: InjectedFailure, times?: number): void;
  /** Hold the answer to the next `times` (default 1) matching requests for `ms` (to provoke client timeouts). */
  delayNext(path: RegExp, ms: number, times?: number): void;
  /** An API key of the account (SK...): requests signed with it and its secret are accepted too, as Twilio does. */
  addApiKey(sid: string, secret: string): void;
  close(): Promise<void>;
}

interface Pending<T> {
  path: RegExp;
  remaining: number;
  what: T;
}

export async function startTwilioEmulator(opts: { accountSid: string; authToken: string }): Promise<TwilioEmulator> {
  const state = new TwilioState(opts.accountSid);
  const routes: Route[] = [...trunkingRoutes(state), ...api2010Routes(state)];
  const requests: RecordedRequest[] = [];
  const failures: Pending<InjectedFailure>[] = [];
  const delays: Pending<number>[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const accepted = new Set([basic(opts.accountSid, opts.authToken)]);

  const takeNext = <T>(queue: Pending<T>[], path: string): T | undefined => {
    const hit = queue.find((p) => p.remaining > 0 && p.path.test(path));
    if (hit === undefined) return undefined;
    hit.remaining -= 1;
    return hit.what;
  };

  const answer = (req: ApiRequest, authorization: string | undefined): ApiReply & { headers?: Record<string, string> } => {
    if (authorization === undefined || !accepted.has(authorization)) {
      return {
        status: 401,
        body: twilioErrorBody(401, 20003, 'Authenticate'),
        headers: { 'WWW-Authenticate': 'Basic realm="Twilio API"' },
      };
    }
    const injected = takeNext(failures, req.path);
    if (injected !== undefined) {
      return { status: injected.status, body: twilioErrorBody(injected.status, injected.code, injected.message) };
    }
    try {
      return dispatch(routes, req);
    } catch (err) {
      if (err instanceof ApiFailure) return { status: err.status, body: twilioErrorBody(err.status, err.code, err.message) };
      const message = err instanceof Error ? err.message : String(err);
      return { status: 500, body: twilioErrorBody(500, 20500, `Internal emulator error: ${message}`) };
    }
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch(() => response.destroy());
  });

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(incoming);
    const req: ApiRequest = {
      method: (incoming.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      body: Object.fromEntries(new URLSearchParams(rawBody)),
    };
    const reply = answer(req, incoming.headers.authorization);
    requests.push({
      method: req.method,
      path: req.path,
      query: Object.fromEntries(url.searchParams),
      body: req.body,
      status: reply.status,
    });
    const delay = takeNext(delays, req.path);
    if (delay !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, delay);
        timers.add(timer);
      });
    }
    if (!response.writable) return;
    send(response, reply.status, reply.body, reply.headers);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    failNext(path, err, times = 1) {
      failures.push({ path, remaining: times, what: err });
    },
    delayNext(path, ms, times = 1) {
      delays.push({ path, remaining: times, what: ms });
    },
    addApiKey(sid, secret) {
      if (!/^SK[0-9a-fA-F]{32}$/.test(sid)) throw new Error(`addApiKey: ${sid} is not an API key SID (SK + 32 hex digits)`);
      accepted.add(basic(sid, secret));
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: JsonObject | undefined, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  response
    .writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
    .end(text);
}
