// A tiny scripted "service" for outbound event-socket tests: FreeSWITCH (or the emulator) connects to it, and the
// test drives each connection by hand (connect, myevents, sendmsg, api, ...), recording every frame it receives in
// order. Used against the real FreeSWITCH to establish the protocol facts, and against the emulator to compare.
import * as net from 'node:net';
import { EslFrameParser, headerValue, parseEventPlain, type EslEvent, type EslFrame } from '../../src/freeswitch/esl-frame.js';

/** One frame the service received: its outer headers, its body, and the event when it carried one. */
export interface ReceivedFrame {
  at: number;
  headers: Record<string, string>;
  body: string;
  /** The parsed event of a `text/event-plain` frame (URL-decoded headers). */
  event?: EslEvent;
}

export function contentType(frame: ReceivedFrame | EslFrame): string {
  return headerValue(frame.headers, 'Content-Type') ?? '';
}

export function eventName(frame: ReceivedFrame): string {
  const e = frame.event;
  if (!e) return '';
  const name = headerValue(e.headers, 'Event-Name') ?? '';
  return name === 'CUSTOM' ? `CUSTOM ${headerValue(e.headers, 'Event-Subclass') ?? ''}` : name;
}

export function eventHeader(frame: ReceivedFrame, name: string): string | undefined {
  return frame.event ? headerValue(frame.event.headers, name) : undefined;
}

/**
 * The `connect` reply carries the channel's data as OUTER headers, URL-encoded like an event body's (even its
 * `Reply-Text: %2BOK%0A`), unlike every other reply: decode them all.
 */
export function connectHeaders(frame: ReceivedFrame): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(frame.headers)) {
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/** One outbound connection, seen from the service's side. */
export class ServiceSession {
  readonly frames: ReceivedFrame[] = [];
  /** Raw bytes as received, for failure messages. */
  raw = '';
  closedAt: number | null = null;
  /** Set when the peer sent bytes that are not the event-socket protocol. */
  protocolError: string | null = null;
  private readonly parser = new EslFrameParser();
  private readonly waiters = new Set<() => void>();
  private replyCursor = 0;

  constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.raw += chunk.toString('utf8');
      if (this.protocolError !== null) return;
      let parsed: EslFrame[];
      try {
        parsed = this.parser.push(chunk);
      } catch (err) {
        // Not the protocol (a test sends garbage on purpose): note it and hang up, as a service would.
        this.protocolError = (err as Error).message;
        socket.destroy();
        return;
      }
      for (const f of parsed) {
        const frame: ReceivedFrame = { at: Date.now(), headers: f.headers, body: f.body };
        if (contentType(f) === 'text/event-plain') frame.event = parseEventPlain(f.body);
        this.frames.push(frame);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedAt = Date.now();
      this.wake();
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The first frame from index `from` on that `match` accepts (already received or still to come). */
  waitFrame(what: string, match: (f: ReceivedFrame) => boolean, timeoutMs = 10_000, from = 0): Promise<ReceivedFrame> {
    return new Promise((resolve, reject) => {
      let index = from;
      const check = (): void => {
        for (; index < this.frames.length; index += 1) {
          const f = this.frames[index] as ReceivedFrame;
          if (match(f)) {
            done();
            resolve(f);
            return;
          }
        }
        if (this.closedAt !== null) {
          done();
          reject(new Error(`connection closed while waiting for ${what}; frames: ${this.summary().join(' | ')}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; frames: ${this.summary().join(' | ')}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Wait for an event by name (`DTMF`, `CHANNEL_EXECUTE_COMPLETE`, `CUSTOM conference::maintenance`). */
  waitEvent(name: string, extra: (f: ReceivedFrame) => boolean = () => true, timeoutMs = 10_000, from = 0): Promise<ReceivedFrame> {
    return this.waitFrame(`event ${name}`, (f) => eventName(f) === name && extra(f), timeoutMs, from);
  }

  waitClosed(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closedAt !== null) return resolve();
      const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Send a command and wait for its reply frame (command/reply or api/response), in order of sending. */
  async send(text: string, timeoutMs = 10_000): Promise<ReceivedFrame> {
    const from = this.frames.length;
    this.write(text.endsWith('\n\n') ? text : `${text}\n\n`);
    const reply = await this.waitFrame(`the reply to ${JSON.stringify(text.split('\n')[0])}`, (f) => {
      const type = contentType(f);
      return type === 'command/reply' || type === 'api/response';
    }, timeoutMs, Math.max(from, this.replyCursor));
    this.replyCursor = this.frames.indexOf(reply) + 1;
    return reply;
  }

  /** `sendmsg` execute of one application; resolves with the command/reply. */
  execute(app: string, arg = '', opts: { eventUuid?: string; eventLock?: boolean; uuid?: string } = {}): Promise<ReceivedFrame> {
    const lines = [`sendmsg${opts.uuid ? ` ${opts.uuid}` : ''}`, 'call-command: execute', `execute-app-name: ${app}`];
    if (arg !== '') lines.push(`execute-app-arg: ${arg}`);
    if (opts.eventUuid) lines.push(`Event-UUID: ${opts.eventUuid}`);
    if (opts.eventLock) lines.push('event-lock: true');
    return this.send(`${lines.join('\n')}\n\n`);
  }

  /** Frames since index `from`, one line each: content type, event name, application. */
  summary(from = 0): string[] {
    return this.frames.slice(from).map((f) => {
      const name = eventName(f);
      if (!name) return `${contentType(f)}${headerValue(f.headers, 'Reply-Text') ? ` ${headerValue(f.headers, 'Reply-Text')}` : ''}`;
      const app = eventHeader(f, 'Application');
      const action = eventHeader(f, 'Action');
      return [name, app, action].filter(Boolean).join(' ');
    });
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The service's listening socket: each connection becomes a session, handed to whoever waits for the next. */
export class ScriptedService {
  readonly sessions: ServiceSession[] = [];
  private readonly waiting: ((s: ServiceSession) => void)[] = [];
  private constructor(readonly server: net.Server, readonly port: number) {}

  static async listen(host = '127.0.0.1'): Promise<ScriptedService> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const service = new ScriptedService(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => {
      const session = new ServiceSession(socket);
      service.sessions.push(session);
      const next = service.waiting.shift();
      if (next) next(session);
    });
    return service;
  }

  /** The next connection (one that arrived already and nobody took, or the next to come). */
  nextSession(timeoutMs = 15_000): Promise<ServiceSession> {
    const taken = this.taken;
    if (this.sessions.length > taken) {
      this.taken += 1;
      return Promise.resolve(this.sessions[taken] as ServiceSession);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no outbound connection within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((s) => {
        clearTimeout(timer);
        this.taken += 1;
        resolve(s);
      });
    });
  }

  private taken = 0;

  async close(): Promise<void> {
    for (const s of this.sessions) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A public-context extension that hands `sock<digits>` calls to the service the way our dialplan does (answer,
 * socket_resume=true, `socket ... async full`), then a fallback: `set probe_fallback=reached` and `park`.
 * One element a line: FreeSWITCH's pre-processor drops any line that holds `<include>`.
 */
export function socketTestExtension(port: number): string {
  return (
    '<include>\n  <extension name="test_socket">\n    <condition field="destination_number" expression="^sock(\\d*)$">\n' +
    '      <action application="answer"/>\n      <action application="set" data="socket_resume=true"/>\n' +
    '      <action application="set" data="probe_var=a b&amp;c%d"/>\n' +
    `      <action application="socket" data="127.0.0.1:${port} async full"/>\n` +
    '      <action application="set" data="probe_fallback=reached"/>\n      <action application="park"/>\n' +
    '    </condition>\n  </extension>\n</include>\n'
  );
}
