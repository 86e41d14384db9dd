// A small inbound client for FreeSWITCH's event socket (mod_event_socket): connect, `auth`, `api`, `bgapi` with a
// Job-UUID, `event plain` subscriptions. FreeSWITCH answers the commands of one connection in order (`api` runs
// inline in the listener thread), so replies are matched to requests first-in first-out; events may arrive
// between them at any time. Every wait is bounded, and every failure is an EslError with its reason.

import { randomUUID } from 'node:crypto';
import type * as net from 'node:net';
import {
  EslError,
  describeEslTarget,
  eslAuthRejected,
  eslBadCommand,
  eslClosed,
  eslGarbage,
  eslRejectedByAcl,
  eslTimeout,
  eslUnexpected,
  eslUnsendablePassword,
} from './esl-error.js';
import { openEslSocket } from './esl-socket.js';
import { EslFrameError, EslFrameParser, headerValue, parseEventPlain, type EslEvent, type EslFrame } from './esl-frame.js';

export type { EslEvent } from './esl-frame.js';

export interface EslOptions {
  host: string;
  port: number;
  password: string;
  /** Bound on every operation (connect and authenticate, each command, each background job). Default 5000. */
  timeoutMs?: number;
  /** Where the password was read, for messages (a file path). The password itself is never shown. */
  passwordFrom?: string;
}

/** What a request waits for: the greeting, a command's reply, or an api command's response. */
type ReplyType = 'auth/request' | 'command/reply' | 'api/response';

interface PendingReply {
  expect: ReplyType;
  /** For messages: "the reply to `api status`". */
  what: string;
  /** Timed out: its late reply will still come, in order, and is dropped. */
  abandoned: boolean;
  resolve(frame: EslFrame): void;
  reject(err: EslError): void;
}

interface PendingJob {
  resolve(body: string): void;
  reject(err: EslError): void;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * One authenticated event-socket connection. While nothing is awaited the socket does not keep the process alive,
 * so a forgotten close() cannot hang the CLI; code that only waits for events must hold the process itself.
 */
export class EslClient {
  private readonly parser = new EslFrameParser();
  private readonly replies: PendingReply[] = [];
  private readonly jobs = new Map<string, PendingJob>();
  private readonly listeners = new Set<(e: EslEvent) => void>();
  private backgroundJobsSubscribed: Promise<void> | null = null;
  /** Set once the connection is unusable; every later call fails with it. */
  private failure: EslError | null = null;
  private closing = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly target: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(this.socketError(err)));
    socket.on('close', () => this.onClose());
    this.updateRef();
  }

  /** Connect, wait for `auth/request`, authenticate. */
  static async connect(opts: EslOptions): Promise<EslClient> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const target = describeEslTarget(opts.host, opts.port);
    if (/[\r\n]/.test(opts.password)) throw eslUnsendablePassword(opts.passwordFrom);

    const socket = await openEslSocket(opts.host, opts.port, target, timeoutMs);
    socket.setNoDelay(true);
    const client = new EslClient(socket, target, timeoutMs);
    try {
      await client.expectReply('auth/request', 'its greeting (auth/request)', null);
      const reply = await client.expectReply('command/reply', 'the answer to the password', `auth ${opts.password}`);
      const text = headerValue(reply.headers, 'Reply-Text') ?? '';
      if (!text.startsWith('+OK')) throw eslAuthRejected(target, opts.passwordFrom);
      return client;
    } catch (err) {
      client.destroy();
      throw err;
    }
  }

  /** `api <command>`: the body of the api/response, even when it starts with -ERR (the caller decides). */
  async api(command: string): Promise<string> {
    checkCommand(command);
    const frame = await this.expectReply('api/response', `the reply to \`api ${command}\``, `api ${command}`);
    return frame.body;
  }

  /**
   * `bgapi <command>` with our own Job-UUID; resolves with the body of its BACKGROUND_JOB event. If FreeSWITCH
   * refuses to start the job (a -ERR command/reply), that reply text is returned instead.
   */
  async bgapi(command: string): Promise<string> {
    checkCommand(command);
    await this.subscribeBackgroundJobs();
    const jobUuid = randomUUID();
    const jobDone = new Promise<string>((resolve, reject) => this.jobs.set(jobUuid, { resolve, reject }));
    jobDone.catch(() => undefined); // awaited below; a rejection before then must not count as unhandled
    const timer = setTimeout(() => {
      this.jobs.get(jobUuid)?.reject(eslTimeout(this.target, `the result of \`bgapi ${command}\``, this.timeoutMs));
    }, this.timeoutMs);
    try {
      const reply = await this.expectReply('command/reply', `the reply to \`bgapi ${command}\``, `bgapi ${command}\nJob-UUID: ${jobUuid}`);
      const text = headerValue(reply.headers, 'Reply-Text') ?? '';
      if (!text.startsWith('+OK')) return text;
      return await jobDone;
    } finally {
      clearTimeout(timer);
      this.jobs.delete(jobUuid);
      this.updateRef();
    }
  }

  /** `event plain <names>`: deliver these events to the 'event' listeners. */
  async subscribe(events: string[]): Promise<void> {
    if (events.length === 0 || events.some((e) => !/^[A-Za-z0-9_:.-]+$/.test(e))) {
      throw eslBadCommand(`"${events.join(' ')}" is not a list of event names`);
    }
    const names = events.join(' ');
    const reply = await this.expectReply('command/reply', `the reply to \`event plain ${names}\``, `event plain ${names}`);
    const text = headerValue(reply.headers, 'Reply-Text') ?? '';
    if (!text.startsWith('+OK')) throw eslUnexpected(this.target, `\`event plain ${names}\` was answered "${text}"`);
  }

  on(event: 'event', listener: (e: EslEvent) => void): this {
    if (event === 'event') this.listeners.add(listener);
    return this;
  }

  off(event: 'event', listener: (e: EslEvent) => void): this {
    if (event === 'event') this.listeners.delete(listener);
    return this;
  }

  /** Say `exit`, then end the socket. Never rejects: closing a broken connection is not an error. */
  async close(): Promise<void> {
    if (this.failure || this.closing) {
      this.destroy();
      return;
    }
    try {
      await this.expectReply('command/reply', 'the reply to `exit`', 'exit');
    } catch {
      /* the connection is going away either way */
    }
    this.closing = true;
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      const timer = setTimeout(() => this.socket.destroy(), this.timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  // --- requests and replies ---------------------------------------------------------------------------------

  /**
   * Queue a wait for the next reply of type `expect` and send `command` (null: send nothing, as for the greeting).
   * The wait is bounded by the timeout.
   */
  private expectReply(expect: ReplyType, what: string, command: string | null): Promise<EslFrame> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(eslClosed(this.target, `before ${what}`));
    return new Promise<EslFrame>((resolve, reject) => {
      const entry: PendingReply = {
        expect,
        what,
        abandoned: false,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        entry.abandoned = true;
        entry.reject(eslTimeout(this.target, what, this.timeoutMs));
        this.updateRef();
      }, this.timeoutMs);
      this.replies.push(entry);
      this.updateRef();
      if (command !== null) this.socket.write(`${command}\n\n`);
    });
  }

  private subscribeBackgroundJobs(): Promise<void> {
    if (!this.backgroundJobsSubscribed) {
      this.backgroundJobsSubscribed = this.subscribe(['BACKGROUND_JOB']);
      this.backgroundJobsSubscribed.catch(() => {
        this.backgroundJobsSubscribed = null; // let a later bgapi try again
      });
    }
    return this.backgroundJobsSubscribed;
  }

  private onData(chunk: Buffer): void {
    let frames: EslFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      if (err instanceof EslFrameError) return this.fail(eslGarbage(this.target, err.message));
      throw err;
    }
    for (const frame of frames) {
      if (this.failure) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: EslFrame): void {
    const type = headerValue(frame.headers, 'Content-Type');
    switch (type) {
      case 'auth/request':
      case 'command/reply':
      case 'api/response':
        return this.onReply(frame, type);
      case 'text/event-plain':
        return this.onEvent(frame);
      case 'text/rude-rejection':
        return this.fail(eslRejectedByAcl(this.target));
      case 'text/disconnect-notice':
        this.closing = true; // FreeSWITCH closes the socket next; waits still open fail on close
        return;
      case undefined:
        return this.fail(eslGarbage(this.target, 'a frame without Content-Type'));
      default:
        return; // log/data, event-json, ...: never asked for, safe to skip
    }
  }

  private onReply(frame: EslFrame, type: ReplyType): void {
    const entry = this.replies.shift();
    this.updateRef();
    if (!entry) return this.fail(eslUnexpected(this.target, `a ${type} nobody asked for`));
    if (entry.abandoned) return; // the late answer to a request that timed out: its frame, dropped
    if (entry.expect !== type) {
      const err = eslUnexpected(this.target, `got ${type} while waiting for ${entry.what}, which is ${entry.expect}`);
      entry.reject(err);
      return this.fail(err);
    }
    entry.resolve(frame);
  }

  private onEvent(frame: EslFrame): void {
    let event: EslEvent;
    try {
      event = parseEventPlain(frame.body);
    } catch (err) {
      if (err instanceof EslFrameError) return this.fail(eslGarbage(this.target, err.message));
      throw err;
    }
    if (headerValue(event.headers, 'Event-Name') === 'BACKGROUND_JOB') {
      const uuid = headerValue(event.headers, 'Job-UUID');
      if (uuid !== undefined) this.jobs.get(uuid)?.resolve(event.body);
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        queueMicrotask(() => {
          throw err; // a listener's bug surfaces as an uncaught error, without breaking the stream
        });
      }
    }
  }

  // --- failure and shutdown ---------------------------------------------------------------------------------

  private onClose(): void {
    const during = this.parser.inFrame
      ? 'in the middle of a reply'
      : this.replies.some((r) => !r.abandoned)
        ? `before ${this.replies.find((r) => !r.abandoned)?.what ?? 'a reply'}`
        : 'while no reply was expected';
    this.fail(eslClosed(this.target, during));
  }

  private socketError(err: NodeJS.ErrnoException): EslError {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
      return eslClosed(this.target, this.parser.inFrame ? 'in the middle of a reply' : '(connection reset)');
    }
    return eslClosed(this.target, `after a socket error (${err.code ?? err.message})`);
  }

  /** Mark the connection unusable and fail every wait. The first failure wins. */
  private fail(err: EslError): void {
    if (!this.failure) this.failure = err;
    const replies = this.replies.splice(0);
    for (const entry of replies) if (!entry.abandoned) entry.reject(this.failure);
    for (const job of this.jobs.values()) job.reject(this.failure);
    this.jobs.clear();
    this.destroy();
  }

  private destroy(): void {
    if (!this.socket.destroyed) this.socket.destroy();
  }

  /** Keep the process alive only while something is awaited. */
  private updateRef(): void {
    const busy = this.replies.some((r) => !r.abandoned) || this.jobs.size > 0;
    if (busy) this.socket.ref();
    else this.socket.unref();
  }
}

/** A command is one line: a line break would smuggle in headers or a second command. */
function checkCommand(command: string): void {
  if (/[\r\n]/.test(command)) throw eslBadCommand(`${JSON.stringify(command.split(/\s/)[0])} contains a line break`);
  if (command.trim() === '') throw eslBadCommand('the command is empty');
}

export { EslError };
