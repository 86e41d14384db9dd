// Test code: a TCP server on 127.0.0.1 that speaks FreeSWITCH's inbound event-socket protocol the way
// mod_event_socket.c does (greeting `Content-Type: auth/request`, `command/reply` with `Reply-Text`,
// `api/response`, `text/event-plain` events serialized like switch_event_serialize with URL-encoded values,
// `text/disconnect-notice` on exit or a wrong password, `text/rude-rejection` for an ACL). API commands are
// answered from a mutable FreeswitchState (freeswitch-api-emulation.ts). Fault behaviours stand in for the ways a
// real server goes wrong; `closedPort()` gives a port where nothing listens.

import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { answerApi, defaultFreeswitchState, type FreeswitchState } from './freeswitch-api-emulation.js';
import { urlEncode } from '../../src/freeswitch/sandbox/switch-url-encode.js';

export { urlEncode };

export type EslEmulatorBehaviour =
  /** Speaks the protocol. */
  | 'normal'
  /** Accepts the TCP connection and never says anything (a hung FreeSWITCH, a firewall that swallows). */
  | 'never-answer'
  /** Answers with bytes that are not the protocol (another service on the port: here an SSH banner). */
  | 'garbage'
  /** Authenticates, then sends half of the first reply and closes (FreeSWITCH crashing mid-reply). */
  | 'close-mid-reply'
  /** Turns the connection away as apply-inbound-acl does: `text/rude-rejection`. */
  | 'acl-reject';

export interface EslEmulatorOptions {
  password: string;
  behaviour?: EslEmulatorBehaviour;
  /** Starting state; defaults to defaultFreeswitchState(). The emulator mutates this object. */
  state?: FreeswitchState;
  /** Answer api and bgapi commands this much later, to exercise timeouts. */
  apiDelayMs?: number;
  /** Write every frame in pieces of this many bytes, to exercise reassembly across TCP chunks. */
  fragmentBytes?: number;
}

export interface EslEmulator {
  port: number;
  host: '127.0.0.1';
  /** Every command received on any connection, in order; the password of `auth` is replaced by `<password>`. */
  commands: string[];
  state: FreeswitchState;
  /** Delay before api and bgapi answers; may be changed while the emulator runs. */
  apiDelayMs: number;
  /** Fire an event to every connection subscribed to its Event-Name (or to ALL). */
  sendEvent(headers: Record<string, string>, body?: string): void;
  close(): Promise<void>;
}

const DISCONNECT_TEXT = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
const SSH_BANNER = 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n';

interface Connection {
  socket: net.Socket;
  authed: boolean;
  events: Set<string>;
  /** Commands of one connection run one after another, as in mod_event_socket's listener thread. */
  queue: Promise<void>;
  /** Writes stay in order even when fragmented. */
  writes: Promise<void>;
  received: string;
}

export async function startEslEmulator(opts: EslEmulatorOptions): Promise<EslEmulator> {
  const behaviour = opts.behaviour ?? 'normal';
  const state = opts.state ?? defaultFreeswitchState();
  const commands: string[] = [];
  const connections = new Set<Connection>();
  const coreUuid = randomUUID();
  let sequence = 100;
  const settings = { apiDelayMs: opts.apiDelayMs ?? 0 };

  const write = (conn: Connection, text: string): Promise<void> => {
    conn.writes = conn.writes.then(() => writeFragmented(conn.socket, Buffer.from(text, 'utf8'), opts.fragmentBytes));
    return conn.writes;
  };
  const reply = (conn: Connection, text: string): Promise<void> =>
    write(conn, `Content-Type: command/reply\nReply-Text: ${text}\n\n`);
  const hangUp = async (conn: Connection): Promise<void> => {
    await write(conn, frame('text/disconnect-notice', DISCONNECT_TEXT));
    conn.socket.end();
  };
  const eventFrame = (headers: Record<string, string>, body?: string): string =>
    plainEvent(
      {
        'Event-Name': headers['Event-Name'] ?? 'CUSTOM',
        'Core-UUID': coreUuid,
        'FreeSWITCH-Hostname': state.hostname,
        'FreeSWITCH-Switchname': state.hostname,
        'FreeSWITCH-IPv4': '10.0.0.5',
        'FreeSWITCH-IPv6': '::1',
        'Event-Date-Local': '2025-01-14 10:15:00',
        'Event-Date-GMT': 'Tue, 14 Jan 2025 09:15:00 GMT',
        'Event-Date-Timestamp': '1736846100000000',
        'Event-Calling-File': 'mod_event_socket.c',
        'Event-Calling-Function': 'api_exec',
        'Event-Calling-Line-Number': '1572',
        'Event-Sequence': String(sequence++),
        ...headers,
      },
      body,
    );
  const subscribed = (conn: Connection, name: string): boolean => conn.events.has(name) || conn.events.has('ALL');
  const fire = (headers: Record<string, string>, body?: string): void => {
    const name = headers['Event-Name'] ?? '';
    for (const conn of connections) if (subscribed(conn, name)) void write(conn, eventFrame(headers, body));
  };

  const handle = async (conn: Connection, block: string): Promise<void> => {
    const [line = '', ...headerLines] = block.split('\n');
    const command = line.trim();
    const headers = Object.fromEntries(
      headerLines.map((h) => {
        const i = h.indexOf(':');
        return [h.slice(0, i).trim().toLowerCase(), h.slice(i + 1).trim()];
      }),
    );
    commands.push(command.startsWith('auth ') ? 'auth <password>' : command);

    if (command === 'exit' || command.startsWith('exit ')) {
      await reply(conn, '+OK bye');
      return hangUp(conn);
    }
    if (!conn.authed) {
      if (!command.startsWith('auth ')) return reply(conn, '-ERR command not found');
      if (command.slice(5) !== opts.password) {
        await reply(conn, '-ERR invalid');
        return hangUp(conn);
      }
      conn.authed = true;
      return reply(conn, '+OK accepted');
    }
    if (behaviour === 'close-mid-reply' && /^(api|bgapi) /.test(command)) {
      const half = 'Content-Type: api/response\nContent-Length: 372\n\nUP 0 years, 3 days, 4 hours';
      await write(conn, half);
      conn.socket.end();
      return;
    }
    if (command.startsWith('event ')) return subscribe(conn, command.split(/\s+/).slice(1));
    if (command.startsWith('api ')) {
      const api = command.slice(4);
      state.apiCommands.push(api);
      await delay(settings.apiDelayMs);
      return write(conn, frame('api/response', answerApi(state, api) || '-ERR no reply\n'));
    }
    if (command.startsWith('bgapi ')) {
      const api = command.slice(6);
      state.apiCommands.push(api);
      const jobUuid = headers['job-uuid'] || randomUUID();
      const accepted = `Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${jobUuid}\nJob-UUID: ${jobUuid}\n\n`;
      const [cmd = '', ...args] = api.split(' ');
      const jobHeaders: Record<string, string> = { 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': jobUuid, 'Job-Command': cmd };
      if (args.length > 0) jobHeaders['Job-Command-Arg'] = args.join(' ');
      const wait = settings.apiDelayMs;
      if (!wait) {
        // The reply and the job's event leave together: two frames in one TCP chunk.
        const body = answerApi(state, api);
        const own = subscribed(conn, 'BACKGROUND_JOB') ? eventFrame(jobHeaders, body) : '';
        await write(conn, accepted + own);
        for (const other of connections) {
          if (other !== conn && subscribed(other, 'BACKGROUND_JOB')) void write(other, eventFrame(jobHeaders, body));
        }
        return;
      }
      await write(conn, accepted);
      setTimeout(() => fire(jobHeaders, answerApi(state, api)), wait);
      return;
    }
    return reply(conn, '-ERR command not found');
  };

  const subscribe = (conn: Connection, args: string[]): Promise<void> => {
    const [format, ...names] = args;
    if (format !== 'plain') return reply(conn, '-ERR [esl-emulator] only `event plain` is emulated');
    const valid = names.filter((n) => /^[A-Z_]+$/.test(n));
    if (valid.length === 0) return reply(conn, '-ERR no keywords supplied');
    for (const n of valid) conn.events.add(n);
    return reply(conn, '+OK event listener enabled plain');
  };

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const conn: Connection = {
      socket,
      authed: false,
      events: new Set(),
      queue: Promise.resolve(),
      writes: Promise.resolve(),
      received: '',
    };
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
    socket.on('error', () => undefined); // a client that resets is not the emulator's problem

    switch (behaviour) {
      case 'never-answer':
        return;
      case 'garbage':
        socket.write(SSH_BANNER);
        return;
      case 'acl-reject':
        socket.end(frame('text/rude-rejection', 'Access Denied, go away.\n'));
        return;
      default:
        break;
    }
    void write(conn, 'Content-Type: auth/request\n\n');
    socket.on('data', (chunk: Buffer) => {
      conn.received += chunk.toString('utf8').replace(/\r/g, '');
      let end: number;
      while ((end = conn.received.indexOf('\n\n')) >= 0) {
        const block = conn.received.slice(0, end).replace(/^\n+/, '');
        conn.received = conn.received.slice(end + 2);
        if (block === '') continue;
        conn.queue = conn.queue.then(() => handle(conn, block)).catch(() => undefined);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the ESL emulator has no TCP address');

  return {
    port: address.port,
    host: '127.0.0.1',
    commands,
    state,
    get apiDelayMs() {
      return settings.apiDelayMs;
    },
    set apiDelayMs(ms: number) {
      settings.apiDelayMs = ms;
    },
    sendEvent: fire,
    close: async () => {
      for (const conn of connections) conn.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { closedPort } from '../support/ports.js';

/** One frame as mod_event_socket writes it: Content-Type, Content-Length, blank line, body. */
function frame(contentType: string, body: string): string {
  return `Content-Type: ${contentType}\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

/** switch_event_serialize, then the outer frame (which puts Content-Length first for events). */
function plainEvent(headers: Record<string, string>, body?: string): string {
  let text = Object.entries(headers)
    .map(([k, v]) => `${k}: ${urlEncode(v)}\n`)
    .join('');
  text += body ? `Content-Length: ${Buffer.byteLength(body)}\n\n${body}` : '\n';
  return `Content-Length: ${Buffer.byteLength(text)}\nContent-Type: text/event-plain\n\n${text}`;
}


async function writeFragmented(socket: net.Socket, data: Buffer, size: number | undefined): Promise<void> {
  if (socket.destroyed) return;
  if (!size || size >= data.length) {
    await new Promise<void>((resolve) => socket.write(data, () => resolve()));
    return;
  }
  for (let i = 0; i < data.length; i += size) {
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => socket.write(data.subarray(i, i + size), () => resolve()));
    await new Promise<void>((resolve) => setTimeout(resolve, 1)); // let each piece leave as its own segment
  }
}

function delay(ms: number | undefined): Promise<void> {
  return ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
