// The service's side of one outbound event-socket connection (mod_event_socket.c, `socket HOST:PORT async full`):
// FreeSWITCH connects to us for one channel. We send `connect` and get the channel's data back as the reply's
// headers (URL-encoded, as switch_event_serialize writes them); `myevents` then sends that channel's events;
// `linger` keeps them flowing after the hang-up until we send `exit`. Commands are answered in order
// (`command/reply`, or `api/response` for `api`), so replies are matched first-in first-out, and events may come
// between them at any time. A dropped connection fails every pending command at once: node ESL libraries that
// wait forever on a dead socket (modesl #84) hold calls hostage.

import type * as net from 'node:net';
import { EslFrameError, EslFrameParser, headerValue, parseEventPlain, type EslEvent, type EslFrame } from './esl-frame.js';

/** The channel's data from the `connect` reply, URL-decoded. */
export type ChannelData = Record<string, string>;

export class OutboundClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundClosedError';
  }
}

interface PendingReply {
  resolve(frame: EslFrame): void;
  reject(err: Error): void;
}

export interface OutboundHandlers {
  onEvent(event: EslEvent): void;
  /** `text/disconnect-notice`: FreeSWITCH is done with the channel (hung up, or the socket app ended). */
  onDisconnectNotice(): void;
  /** The TCP connection is gone, for whatever reason (given when it was not our own close). */
  onClose(reason: string | undefined): void;
}

export class OutboundConnection {
  private readonly parser = new EslFrameParser();
  private readonly replies: PendingReply[] = [];
  private closedReason: string | undefined;
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly handlers: OutboundHandlers,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.shutdown(`connection error: ${err.code ?? err.message}`));
    socket.on('close', () => this.shutdown(this.closedReason ?? 'FreeSWITCH closed the connection'));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** `connect`: the first command of an outbound session; its reply carries the channel's data. */
  async connect(): Promise<ChannelData> {
    const frame = await this.command('connect');
    const data: ChannelData = {};
    for (const [name, value] of Object.entries(frame.headers)) data[name] = decode(value);
    return data;
  }

  /** A command whose answer is a `command/reply`; `-ERR` replies resolve too (the caller judges the text). */
  async command(text: string): Promise<EslFrame> {
    return this.send(`${oneLine(text)}\n\n`);
  }

  async api(command: string): Promise<string> {
    const frame = await this.send(`api ${oneLine(command)}\n\n`);
    return frame.body;
  }

  /** `sendmsg` with headers (`call-command: execute`, `execute-app-name`, ...). Resolves with the reply text. */
  async sendmsg(headers: Record<string, string>): Promise<string> {
    const lines = Object.entries(headers).map(([k, v]) => `${oneLine(k)}: ${oneLine(v)}`);
    const frame = await this.send(`sendmsg\n${lines.join('\n')}\n\n`);
    return headerValue(frame.headers, 'Reply-Text') ?? '';
  }

  /** Close our side; pending commands fail. */
  close(reason = 'closed by the service'): void {
    this.closedReason ??= reason;
    this.socket.end();
    this.shutdown(reason);
  }

  /** Tear the connection down without a goodbye (the service is stopping hard). */
  destroy(reason = 'destroyed by the service'): void {
    this.closedReason ??= reason;
    this.socket.destroy();
    this.shutdown(reason);
  }

  private send(wire: string): Promise<EslFrame> {
    if (this.closed) return Promise.reject(new OutboundClosedError(this.closedReason ?? 'connection closed'));
    return new Promise<EslFrame>((resolve, reject) => {
      this.replies.push({ resolve, reject });
      this.socket.write(wire);
    });
  }

  private onData(chunk: Buffer): void {
    let frames: EslFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      const why = err instanceof EslFrameError ? err.message : String(err);
      this.destroy(`not the event-socket protocol: ${why}`);
      return;
    }
    for (const frame of frames) this.dispatch(frame);
  }

  private dispatch(frame: EslFrame): void {
    const type = headerValue(frame.headers, 'Content-Type') ?? '';
    if (type === 'text/event-plain') {
      let event: EslEvent;
      try {
        event = parseEventPlain(frame.body);
      } catch (err) {
        this.destroy(`an event that does not parse: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      this.handlers.onEvent(event);
      return;
    }
    if (type === 'text/disconnect-notice') {
      this.handlers.onDisconnectNotice();
      return;
    }
    if (type === 'command/reply' || type === 'api/response') {
      const pending = this.replies.shift();
      if (pending) pending.resolve(frame);
      return;
    }
    // log/data, text/rude-rejection and unknown types are not for us; ignoring them is what fs_cli does.
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedReason ??= reason;
    const err = new OutboundClosedError(reason);
    for (const pending of this.replies.splice(0)) pending.reject(err);
    this.handlers.onClose(reason);
  }
}

/** A line break inside a command or header value would end the frame early and smuggle in a command. */
function oneLine(text: string): string {
  if (/[\r\n]/.test(text)) throw new OutboundClosedError(`refused to send a line break inside ${JSON.stringify(text.slice(0, 40))}`);
  return text;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
