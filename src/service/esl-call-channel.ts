// A CallChannel on FreeSWITCH's outbound event socket. What this relies on, from mod_event_socket.c and proven on
// the real FreeSWITCH (test/real-freeswitch/outbound-socket-facts.test.ts):
// - `sendmsg` with `call-command: execute` is answered `+OK` at once; the application runs later in the channel's
//   thread, and its CHANNEL_EXECUTE_COMPLETE carries our `Event-UUID` back as `Application-UUID`.
// - `myevents` sends this channel's events (DTMF, CHANNEL_EXECUTE_COMPLETE, CHANNEL_HANGUP); `linger` keeps them
//   coming after the hang-up, then FreeSWITCH sends a `text/disconnect-notice` and waits for our `exit`.
// - `resume` makes FreeSWITCH go on with the dialplan when the socket closes. The dialplan sets
//   `socket_resume=true` before `socket`, so a service that dies while a caller types is a hand-back too; the join
//   step sets it back to false before the transfer, because closing a resumed socket after the transfer throws the
//   caller out of the conference (CS_EXECUTE -> CS_RESET).
// - `uuid_break <uuid> all` ends a `playback` at once (also of a `local_stream://` stream).

import { randomUUID } from 'node:crypto';
import type * as net from 'node:net';
import type { EslEvent } from '../freeswitch/esl-frame.js';
import { OutboundConnection, OutboundClosedError, type ChannelData } from '../freeswitch/esl-outbound.js';
import { CallGoneError, type CallChannel } from './call-channel.js';

interface PendingExecution {
  app: string;
  resolve(response: string): void;
  reject(err: CallGoneError): void;
}

/** How long a command may take before the connection is judged dead (FreeSWITCH answers within milliseconds). */
const COMMAND_TIMEOUT_MS = 10_000;

export class EslCallChannel implements CallChannel {
  readonly id: string;
  readonly callerNumber: string;
  readonly destination: string;
  readonly ended: Promise<string>;
  private endedWith: string | undefined;
  private resolveEnded!: (why: string) => void;
  private readonly executions = new Map<string, PendingExecution>();
  private readonly dtmfListeners = new Set<(digit: string) => void>();
  private readonly eventListeners = new Set<(event: EslEvent) => void>();

  private constructor(
    private readonly connection: OutboundConnection,
    data: ChannelData,
  ) {
    this.id = data['Unique-ID'] ?? data['Channel-Call-UUID'] ?? '';
    this.callerNumber = data['Caller-Caller-ID-Number'] ?? '';
    this.destination = data['Caller-Destination-Number'] ?? '';
    this.ended = new Promise<string>((resolve) => (this.resolveEnded = resolve));
  }

  /** Take over a connection FreeSWITCH opened: `connect`, `myevents`, `linger`. Rejects when it is not a channel. */
  static async open(socket: net.Socket, opts: { timeoutMs?: number } = {}): Promise<EslCallChannel> {
    let channel: EslCallChannel | undefined;
    const early: { events: EslEvent[]; closed: string | undefined; notice: boolean } = { events: [], closed: undefined, notice: false };
    const connection = new OutboundConnection(socket, {
      onEvent: (e) => (channel ? channel.handleEvent(e) : early.events.push(e)),
      onDisconnectNotice: () => (channel ? channel.finish('FreeSWITCH ended the session') : (early.notice = true)),
      onClose: (why) => (channel ? channel.finish(why ?? 'connection closed') : (early.closed = why ?? 'connection closed')),
    });
    const timeoutMs = opts.timeoutMs ?? COMMAND_TIMEOUT_MS;
    const timer = setTimeout(() => connection.destroy(`no answer to "connect" within ${timeoutMs / 1000}s`), timeoutMs);
    try {
      const data = await connection.connect();
      if (!data['Unique-ID']) throw new OutboundClosedError('the "connect" reply carries no Unique-ID: not an outbound channel socket');
      channel = new EslCallChannel(connection, data);
      await connection.command('myevents');
      await connection.command('linger');
    } catch (err) {
      connection.destroy(err instanceof Error ? err.message : String(err));
      throw err;
    } finally {
      clearTimeout(timer);
    }
    for (const e of early.events) channel.handleEvent(e);
    if (early.closed !== undefined || early.notice) channel.finish(early.closed ?? 'FreeSWITCH ended the session');
    return channel;
  }

  get gone(): boolean {
    return this.endedWith !== undefined;
  }

  async execute(app: string, arg?: string): Promise<string> {
    if (this.endedWith !== undefined) throw new CallGoneError(this.endedWith);
    const uuid = randomUUID();
    const done = new Promise<string>((resolve, reject) => this.executions.set(uuid, { app, resolve, reject }));
    done.catch(() => undefined); // when sending fails, the error thrown below is the one the caller sees
    const headers: Record<string, string> = { 'call-command': 'execute', 'execute-app-name': app, 'Event-UUID': uuid };
    if (arg !== undefined && arg !== '') headers['execute-app-arg'] = arg;
    const reply = await this.guard(this.connection.sendmsg(headers));
    if (!reply.startsWith('+OK')) {
      this.executions.delete(uuid);
      if (this.endedWith !== undefined) throw new CallGoneError(this.endedWith);
      throw new CallGoneError(`FreeSWITCH refused ${app}: ${reply}`);
    }
    return done;
  }

  async setVariable(name: string, value: string): Promise<void> {
    await this.execute('set', `${name}=${value}`);
  }

  async api(command: string): Promise<string> {
    return this.guard(this.connection.api(command));
  }

  async stopAudio(): Promise<void> {
    if (this.endedWith !== undefined) return;
    await this.api(`uuid_break ${this.id} all`).catch(() => undefined);
  }

  onDtmf(listener: (digit: string) => void): () => void {
    this.dtmfListeners.add(listener);
    return () => this.dtmfListeners.delete(listener);
  }

  /**
   * `myevents` alone sends no CUSTOM events; asking for conference::maintenance adds this call's member events only
   * (the myevents filter on Unique-ID still holds: proven on the real FreeSWITCH).
   */
  async watchConference(): Promise<void> {
    await this.guard(this.connection.command('event plain CUSTOM conference::maintenance'));
  }

  onConferenceEvent(listener: (event: Record<string, string>) => void): () => void {
    const wrapped = (e: EslEvent): void => {
      if (e.headers['Event-Subclass'] === 'conference::maintenance') listener(e.headers);
    };
    this.eventListeners.add(wrapped);
    return () => this.eventListeners.delete(wrapped);
  }

  async handBack(): Promise<void> {
    if (!this.connection.isClosed) {
      await this.connection.command('resume').catch(() => undefined);
      await this.connection.command('exit').catch(() => undefined);
      this.connection.close('handed back to the dialplan');
    }
    this.finish('handed back to the dialplan');
  }

  async release(): Promise<void> {
    if (!this.connection.isClosed) {
      await this.connection.command('exit').catch(() => undefined);
      this.connection.close('released');
    }
    this.finish('released by the service');
  }

  /** Drop the connection at once (service stopping hard). The dialplan's socket_resume decides what happens next. */
  destroy(): void {
    this.connection.destroy();
  }

  private handleEvent(event: EslEvent): void {
    const name = event.headers['Event-Name'];
    if (name === 'DTMF') {
      const digit = event.headers['DTMF-Digit'];
      if (digit && /^[0-9*#A-D]$/.test(digit)) for (const l of this.dtmfListeners) l(digit);
    } else if (name === 'CHANNEL_EXECUTE_COMPLETE') {
      this.completeExecution(event);
    } else if (name === 'CHANNEL_HANGUP' || name === 'CHANNEL_HANGUP_COMPLETE') {
      this.finish(event.headers['Hangup-Cause'] ?? 'hung up');
    }
    for (const l of this.eventListeners) l(event);
  }

  private completeExecution(event: EslEvent): void {
    const uuid = event.headers['Application-UUID'];
    let key = uuid !== undefined && this.executions.has(uuid) ? uuid : undefined;
    if (key === undefined) {
      // Not ours by UUID (an older FreeSWITCH): the oldest pending execution of that application.
      const app = event.headers['Application'];
      for (const [k, p] of this.executions) if (p.app === app) { key = k; break; }
    }
    if (key === undefined) return;
    const pending = this.executions.get(key);
    this.executions.delete(key);
    pending?.resolve(event.headers['Application-Response'] ?? '');
  }

  private finish(why: string): void {
    if (this.endedWith !== undefined) return;
    this.endedWith = why;
    const err = new CallGoneError(why);
    for (const p of this.executions.values()) p.reject(err);
    this.executions.clear();
    this.dtmfListeners.clear();
    this.resolveEnded(why);
    if (!this.connection.isClosed) {
      // After the hang-up FreeSWITCH lingers for our `exit`; after a hand-back or release we close ourselves.
      void this.connection.command('exit').catch(() => undefined).finally(() => this.connection.close('call ended'));
    }
  }

  private async guard<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.connection.destroy(`FreeSWITCH did not answer within ${COMMAND_TIMEOUT_MS / 1000}s`);
        reject(new CallGoneError('FreeSWITCH stopped answering'));
      }, COMMAND_TIMEOUT_MS);
    });
    try {
      return await Promise.race([p, timeout]);
    } catch (err) {
      if (err instanceof OutboundClosedError) throw new CallGoneError(this.endedWith ?? err.message);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
