// The sandbox FreeSWITCH caller (the demo's phone calls, the tests' emulator): the FreeSWITCH channel side of an
// outbound event socket (`socket HOST:PORT async full`), as FreeSWITCH 1.10.12 plays it on BBB's tree. Every behaviour here is proven on the real one by
// test/real-freeswitch/outbound-socket-facts.test.ts (and /work/socket-facts.md): FreeSWITCH is the TCP client;
// it says nothing until `connect`, whose reply carries the channel data as URL-encoded OUTER headers; `sendmsg`
// execute answers `+OK` at once, then CHANNEL_EXECUTE and, when the app ends, CHANNEL_EXECUTE_COMPLETE naming our
// Event-UUID as Application-UUID; apps sent while a playback runs run at once (a transfer ends the playback); an
// idle caller whose socket closes goes back to the dialplan whatever socket_resume says, but a joined caller is
// thrown out of the conference when the socket closes with socket_resume=true (CS_RESET, the "trap").
// Cheap by design (the benchmark runs thousands in one process): no timers but the ones the modelled apps need.
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { urlEncode } from './switch-url-encode.js';

export interface EmulatedChannel {
  uuid?: string;
  callerNumber: string;
  destination: string;
  callerName?: string;
  /** Channel variables as the dialplan left them; `socket_resume` defaults to "true" (our dialplan sets it). */
  variables?: Record<string, string>;
}

export interface ConferenceMember {
  uuid: string;
  name: string;
  number: string;
}

export interface EmulateCallOptions {
  port: number;
  host?: string;
  channel: EmulatedChannel;
  /** How long a `playback` of `file` lasts (ms); default 1000. */
  playbackMs?: number | ((file: string) => number);
  /** Files FreeSWITCH cannot open (FILE NOT FOUND at once). `local_stream://` always is: BBB's tree lacks mod_local_stream. */
  missingFile?: (file: string) => boolean;
  /** Conferences by name with their members, for `api conference <n> list`; a join adds the caller (shared, mutable). */
  conferences?: Map<string, ConferenceMember[]>;
  /** Answers `api` commands first; undefined falls through to the modelled ones. */
  api?: (command: string) => string | undefined;
}

export type EmulatedOutcome =
  | { kind: 'transferred'; to: string }
  /** Joined with socket_resume still true, then the socket closed: out of the conference, channel up (the trap). */
  | { kind: 'stranded'; to: string }
  | { kind: 'hung-up'; cause: string; by: 'caller' | 'service' }
  | { kind: 'resumed' }
  | { kind: 'dropped' };

export interface ExecutedApp {
  app: string;
  arg: string;
}

const CORE_UUID = randomUUID();
const DISCONNECT_TEXT = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
/** What `myevents` alone delivers (conference CUSTOM events need `event plain ALL` or `CUSTOM ...`). */
const CHANNEL_EVENTS = new Set(['CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'DTMF', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_UNPARK', 'CHANNEL_STATE']);
/** Apps that take time; the rest complete at once. */
const TIMED = new Set(['playback', 'endless_playback', 'sleep']);
const INSTANT = new Set(['set', 'unset', 'export', 'set_profile_var', 'answer', 'pre_answer', 'flush_dtmf', 'park', 'log', 'sched_hangup', 'info']);
const BBB_CONFERENCE_APPS: [string, string][] = [
  ['set', 'jitterbuffer_msec=60:120'],
  ['set', 'rtp_jitter_buffer_plc=true'],
  ['set', 'rtp_jitter_buffer_during_bridge=true'],
  ['set', 'suppress_cng=true'],
  ['answer', ''],
];

interface RunningApp {
  app: string;
  arg: string;
  appUuid: string;
  timer: NodeJS.Timeout | null;
}

/** One emulated call; see emulateCall. */
export class EmulatedCall {
  readonly uuid: string;
  readonly applications: ExecutedApp[] = [];
  readonly variables = new Map<string, string>();
  /** Every command the service sent, first line only (sendmsg headers in `sendmsgs`). */
  readonly commands: string[] = [];
  readonly outcome: Promise<EmulatedOutcome>;
  /** True when the service closed the connection (or asked FreeSWITCH to, with `exit`). */
  closedByService = false;
  /** The conference the caller is in, or null. */
  joined: string | null = null;
  /** Resolves when the TCP connection is gone, whoever closed it. */
  readonly closed: Promise<void>;

  private readonly socket: net.Socket;
  private input = '';
  private connected = false;
  private myevents = false;
  private readonly subscribed = new Set<string>();
  /** null = nolinger; -1 = forever; N = seconds. */
  private linger: number | null = null;
  private resumeFlag = false;
  /** Set when this side ended or reset the connection, so a close is not the service's doing. */
  private weClosed = false;
  private phase: 'socket' | 'transferred' | 'gone' = 'socket';
  private hungUp = false;
  private transferTarget = '';
  private playing: RunningApp | null = null;
  private readonly waitingApps: RunningApp[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private settle!: (o: EmulatedOutcome) => void;
  private settled = false;
  private readonly channelLines: string;
  private callerName: string;
  private readonly memberId: number;

  constructor(private readonly opts: EmulateCallOptions) {
    const ch = opts.channel;
    this.uuid = ch.uuid ?? randomUUID();
    this.callerName = ch.callerName ?? ch.callerNumber;
    this.variables.set('socket_resume', 'true');
    for (const [k, v] of Object.entries(ch.variables ?? {})) this.variables.set(k, v);
    this.memberId = 1 + Math.floor(Math.random() * 100_000);
    this.outcome = new Promise((resolve) => {
      this.settle = (o) => {
        if (this.settled) return;
        this.settled = true;
        resolve(o);
      };
    });
    this.channelLines = this.eventLines({
      'Core-UUID': CORE_UUID,
      'Unique-ID': this.uuid,
      'Channel-Name': this.channelName(),
      'Call-Direction': 'inbound',
      'Caller-Caller-ID-Number': ch.callerNumber,
      'Caller-Destination-Number': ch.destination,
    });
    this.socket = net.connect({ port: opts.port, host: opts.host ?? '127.0.0.1' });
    this.socket.setNoDelay(true);
    this.socket.setEncoding('utf8');
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    // Once the socket is gone the channel is the dialplan's again: nothing of ours may keep playing (or the process alive).
    void this.closed.then(() => this.stopAll());
    this.socket.on('data', (chunk: string) => this.onData(chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('end', () => this.onServiceClosed(true));
    this.socket.once('close', () => this.onServiceClosed(false));
    // Nothing listening: mod_event_socket logs an error and the dialplan goes on with the next action.
    this.socket.once('error', () => {
      if (!this.connected && this.phase === 'socket') this.finish({ kind: 'resumed' });
    });
  }

  // ---- test-side controls ----

  /** The caller presses keys (RFC 2833): a DTMF event each, `gapMs` apart; a terminator digit ends a playback. */
  async press(digits: string, opts: { gapMs?: number } = {}): Promise<void> {
    for (const [i, digit] of [...digits].entries()) {
      if (this.hungUp || this.phase === 'gone') return;
      if (i > 0 && opts.gapMs) await new Promise((resolve) => setTimeout(resolve, opts.gapMs));
      this.dtmf(digit);
    }
  }

  /** The caller hangs up (a BYE): the events and the disconnect notice FreeSWITCH sends, with or without linger. */
  hangup(cause = 'NORMAL_CLEARING'): void {
    this.hangUp(cause, 'caller');
  }

  /** The TCP connection is reset (FreeSWITCH crashed, the network dropped): no notice. */
  drop(): void {
    if (this.phase === 'gone') return;
    this.stopAll();
    this.phase = 'gone';
    this.weClosed = true;
    this.finish({ kind: 'dropped' });
    this.socket.resetAndDestroy();
  }

  /** Bytes that are not the protocol, for the service's parser. */
  sendGarbage(): void {
    this.write('\u0000\u00ffSSH-2.0-OpenSSH_9.6\r\nnot: esl\n\u0001\n\n');
  }

  // ---- the protocol ----

  private onData(chunk: string): void {
    this.input += chunk;
    for (;;) {
      const end = this.input.indexOf('\n\n');
      if (end < 0) return;
      const block = this.input.slice(0, end).replace(/\r/g, '');
      const headers = parseHeaders(block.split('\n').slice(1));
      const length = Number(headers['content-length'] ?? 0);
      if (this.input.length < end + 2 + length) return;
      const body = this.input.slice(end + 2, end + 2 + length);
      this.input = this.input.slice(end + 2 + length);
      const line = (block.split('\n')[0] ?? '').trim();
      if (line === '') continue;
      this.command(line, headers, body);
    }
  }

  private command(line: string, headers: Record<string, string>, body: string): void {
    this.commands.push(line);
    const [word = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (!this.connected) {
      // FreeSWITCH answers nothing before `connect`.
      if (word.toLowerCase() === 'connect') {
        this.connected = true;
        this.write(this.connectReply());
      }
      return;
    }
    switch (word.toLowerCase()) {
      case 'connect':
        return this.reply('+OK');
      case 'myevents':
        if (this.myevents) return this.reply('-ERR aready enabled.');
        this.myevents = true;
        return this.reply('+OK Events Enabled');
      case 'event':
        for (const name of rest.slice(1)) this.subscribed.add(name);
        return this.reply('+OK event listener enabled plain');
      case 'noevents':
        this.subscribed.clear();
        return this.reply('+OK no longer listening for events');
      case 'linger': {
        const seconds = Number(args);
        this.linger = args && Number.isInteger(seconds) && seconds > 0 ? seconds : -1;
        return this.reply(this.linger > 0 ? `+OK will linger ${this.linger} seconds` : '+OK will linger');
      }
      case 'nolinger':
        this.linger = null;
        return this.reply('+OK will not linger');
      case 'filter': {
        const [a = '', b = '', c = ''] = rest;
        return this.reply(a === 'delete' ? `+OK filter deleted. [${b}][${c}]` : `+OK filter added. [${a}]=[${b}]`);
      }
      case 'resume':
        this.resumeFlag = true;
        return this.reply('+OK');
      case 'getvar':
        return this.reply(this.variables.get(args) ?? '');
      case 'exit':
        this.reply('+OK bye');
        this.closedByService = true;
        this.write(disconnectNotice());
        this.weClosed = true;
        this.socket.end();
        return this.onServiceClosed(false);
      case 'api':
        return this.apiReply(args);
      case 'sendmsg':
        return this.sendmsg(headers, body);
      default:
        return this.reply('-ERR command not found');
    }
  }

  private sendmsg(headers: Record<string, string>, body: string): void {
    this.reply('+OK');
    const command = headers['call-command'] ?? '';
    if (command === 'hangup') return this.hangUp(headers['hangup-cause'] ?? 'NORMAL_CLEARING', 'service');
    if (command !== 'execute' || this.hungUp || this.phase !== 'socket') return;
    const app = headers['execute-app-name'] ?? '';
    const arg = headers['execute-app-arg'] ?? body;
    this.execute({ app, arg, appUuid: headers['event-uuid'] ?? randomUUID(), timer: null });
  }

  private execute(run: RunningApp): void {
    const { app, arg } = run;
    if (!TIMED.has(app) && !INSTANT.has(app) && app !== 'transfer' && app !== 'hangup' && app !== 'conference') {
      // An unknown application: FreeSWITCH hangs the call up.
      return this.hangUp('DESTINATION_OUT_OF_ORDER', 'service');
    }
    if (TIMED.has(app) && (this.playing || this.waitingApps.length > 0)) {
      this.waitingApps.push(run);
      return;
    }
    this.applications.push({ app, arg });
    this.emit('CHANNEL_EXECUTE', appHeaders(run));
    switch (app) {
      case 'transfer':
        return this.transfer(arg, run);
      case 'hangup':
        return this.hangUp(arg || 'NORMAL_CLEARING', 'service');
      case 'conference':
        return this.join(arg.split('@')[0] ?? arg);
      case 'playback':
      case 'endless_playback': {
        if (arg.startsWith('local_stream://') || this.opts.missingFile?.(arg)) return this.complete(run, 'FILE NOT FOUND');
        this.playing = run;
        if (app === 'playback') run.timer = this.timer(() => this.endPlaying('FILE PLAYED'), this.playbackMs(arg));
        return;
      }
      case 'sleep':
        this.playing = run;
        run.timer = this.timer(() => this.endPlaying('_none_'), Number(arg) || 0);
        return;
      default:
        this.instant(app, arg);
        return this.complete(run, '_none_');
    }
  }

  private instant(app: string, arg: string): void {
    const eq = arg.indexOf('=');
    if ((app === 'set' || app === 'export') && eq > 0) this.variables.set(arg.slice(0, eq), arg.slice(eq + 1));
    if (app === 'unset') this.variables.delete(arg);
    if (app === 'set_profile_var' && arg.startsWith('caller_id_name=')) this.callerName = arg.slice('caller_id_name='.length);
    if (app === 'sched_hangup') {
      const m = /^\+?(\d+)\s*(\S*)/.exec(arg);
      // The scheduler ticks once a second: `+N` fires N-1..N seconds later; the emulator takes N.
      if (m) this.timer(() => this.hangUp(m[2] || 'ALLOTTED_TIMEOUT', 'service'), Number(m[1]) * 1000);
    }
  }

  private complete(run: RunningApp, response: string, extra: Record<string, string> = {}): void {
    this.emit('CHANNEL_EXECUTE_COMPLETE', { ...appHeaders(run), 'Application-Response': response, ...extra });
  }

  /** The running playback/sleep ends; the next queued one starts. */
  private endPlaying(response: string, extra: Record<string, string> = {}): void {
    const run = this.playing;
    if (!run) return;
    this.playing = null;
    if (run.timer) this.clearTimer(run.timer);
    this.complete(run, response, extra);
    const next = this.waitingApps.shift();
    if (next && !this.hungUp && this.phase === 'socket') this.execute(next);
  }

  private dtmf(digit: string): void {
    this.emit('DTMF', { 'DTMF-Digit': digit, 'DTMF-Duration': '2000', 'DTMF-Source': 'RTP' });
    const run = this.playing;
    if (run?.app !== 'playback') return;
    const terminators = this.variables.get('playback_terminators') ?? 'none';
    if (terminators === 'any' || (terminators !== 'none' && terminators.includes(digit))) {
      this.variables.set('playback_terminator_used', digit);
      this.endPlaying('FILE PLAYED', { variable_playback_terminator_used: digit });
    }
  }

  /**
   * Leaving the socket app: EXECUTE_COMPLETE transfer (none for `api uuid_transfer`, which is no app), the running
   * media apps end, the socket app completes.
   */
  private transfer(arg: string, run: RunningApp | null): void {
    if (run) this.complete(run, '_none_');
    this.stopMedia('FILE PLAYED');
    this.leaveSocketApp();
    this.phase = 'transferred';
    const [dest = '', , context = 'public'] = arg.split(/\s+/);
    this.transferTarget = arg;
    const bbbConference = context === 'default' && /^\d{5,11}$/.test(dest);
    if (!bbbConference) return this.finish({ kind: 'transferred', to: arg });
    if (this.variables.get('bbb_authorized') !== 'true') {
      // BBB's default context has no extension for an unauthorized number.
      this.finish({ kind: 'transferred', to: arg });
      return this.hangUp('NO_ROUTE_DESTINATION', 'service');
    }
    for (const [app, data] of BBB_CONFERENCE_APPS) {
      const step = { app, arg: data, appUuid: randomUUID(), timer: null };
      this.applications.push({ app, arg: data });
      this.emit('CHANNEL_EXECUTE', appHeaders(step));
      if (app === 'set') this.instant(app, data);
      this.complete(step, '_none_');
    }
    const conf = { app: 'conference', arg: `${dest}@cdquality`, appUuid: randomUUID(), timer: null };
    this.applications.push({ app: conf.app, arg: conf.arg });
    this.emit('CHANNEL_EXECUTE', appHeaders(conf));
    this.join(dest);
    if (!this.resumeInForce()) this.finish({ kind: 'transferred', to: arg });
  }

  private join(name: string): void {
    this.joined = name;
    const members = this.conferenceMembers(name, true);
    members.push({ uuid: this.uuid, name: this.callerName, number: this.opts.channel.callerNumber });
    this.emit('CUSTOM', this.memberHeaders(name, 'add-member', members.length));
  }

  private leaveConference(): void {
    const name = this.joined;
    if (name === null) return;
    this.joined = null;
    const members = this.conferenceMembers(name, false);
    const i = members.findIndex((m) => m.uuid === this.uuid);
    if (i >= 0) members.splice(i, 1);
    this.emit('CUSTOM', this.memberHeaders(name, 'del-member', members.length));
  }

  private memberHeaders(name: string, action: string, size: number): Record<string, string> {
    return {
      'Event-Subclass': 'conference::maintenance',
      'Conference-Name': name,
      'Conference-Size': String(size),
      'Conference-Profile-Name': 'cdquality',
      'Caller-Caller-ID-Name': this.callerName,
      'Member-ID': String(this.memberId),
      'Member-Type': 'member',
      Action: action,
    };
  }

  private conferenceMembers(name: string, create: boolean): ConferenceMember[] {
    const conferences = this.opts.conferences;
    let members = conferences?.get(name);
    if (!members) {
      members = [];
      if (create) conferences?.set(name, members);
    }
    return members;
  }

  private hangUp(cause: string, by: 'caller' | 'service'): void {
    if (this.hungUp || this.phase === 'gone') return;
    this.hungUp = true;
    this.emit('CHANNEL_HANGUP', { 'Hangup-Cause': cause, 'Channel-State': 'CS_EXECUTE' });
    const idle = this.phase === 'socket' && this.playing === null;
    // An idle lingering socket gets its notice at once; otherwise after the hang-up events.
    if (idle && this.linger !== null) this.notice();
    this.stopMedia('PLAYBACK ERROR');
    if (this.phase === 'socket') this.leaveSocketApp();
    this.leaveConference();
    this.emit('CHANNEL_STATE', { 'Channel-State': 'CS_HANGUP', 'Hangup-Cause': cause });
    this.emit('CHANNEL_STATE', { 'Channel-State': 'CS_REPORTING', 'Hangup-Cause': cause });
    this.emit('CHANNEL_HANGUP_COMPLETE', { 'Hangup-Cause': cause, 'Channel-State': 'CS_REPORTING' });
    this.finish({ kind: 'hung-up', cause, by });
    if (!(idle && this.linger !== null)) this.notice();
    this.stopAll();
  }

  /** CHANNEL_UNPARK, the socket app's EXECUTE_COMPLETE, CHANNEL_STATE: the channel leaves `socket`. */
  private leaveSocketApp(): void {
    this.emit('CHANNEL_UNPARK', {});
    this.emit('CHANNEL_EXECUTE_COMPLETE', { Application: 'socket', 'Application-Data': `127.0.0.1:${this.opts.port} async full`, 'Application-Response': '_none_' });
    if (!this.hungUp) {
      this.emit('CHANNEL_STATE', { 'Channel-State': 'CS_RESET' });
      this.emit('CHANNEL_STATE', { 'Channel-State': 'CS_ROUTING' });
    }
  }

  private stopMedia(response: string): void {
    this.waitingApps.length = 0;
    const run = this.playing;
    if (!run) return;
    this.playing = null;
    if (run.timer) this.clearTimer(run.timer);
    this.complete(run, response);
  }

  /** The disconnect notice: `linger` keeps the socket open (the service closes it), otherwise FreeSWITCH closes. */
  private notice(): void {
    if (this.socket.destroyed) return;
    if (this.linger === null) {
      this.write(disconnectNotice());
      this.phase = 'gone';
      this.weClosed = true;
      this.socket.end();
      return;
    }
    this.write(
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${this.uuid}\nContent-Disposition: linger\n` +
        `Channel-Name: ${this.channelName()}\nLinger-Time: ${this.linger}\nContent-Length: 0\n\n`,
    );
    if (this.linger > 0) {
      this.timer(() => {
        this.weClosed = true;
        this.socket.end();
      }, this.linger * 1000);
    }
  }

  /**
   * The connection ended (the service closed it, `exit`, or our own close): where the caller goes depends on where
   * it is. A service's FIN gets the disconnect notice FreeSWITCH sends before it closes its side.
   */
  private onServiceClosed(fin: boolean): void {
    if (!this.weClosed) this.closedByService = true;
    // FreeSWITCH answers the service's FIN with a disconnect notice, after a lingering hang-up's notice too.
    if (fin && !this.weClosed) this.write(disconnectNotice());
    if (this.phase === 'gone') return;
    const phase = this.phase;
    this.phase = 'gone';
    if (this.hungUp) return this.stopAll();
    if (phase === 'socket') {
      // Idle or playing in the socket app: the dialplan goes on after `socket`, whatever socket_resume says.
      this.stopAll();
      return this.finish({ kind: 'resumed' });
    }
    if (this.joined !== null && this.resumeInForce()) {
      // The trap: CS_RESET takes the joined caller out of the conference; the channel stays up, in limbo.
      const name = this.joined;
      this.joined = null;
      const members = this.conferenceMembers(name, false);
      const i = members.findIndex((m) => m.uuid === this.uuid);
      if (i >= 0) members.splice(i, 1);
      return this.finish({ kind: 'stranded', to: this.transferTarget });
    }
    this.finish({ kind: 'transferred', to: this.transferTarget });
  }

  private resumeInForce(): boolean {
    return this.resumeFlag || this.variables.get('socket_resume') === 'true';
  }

  private finish(outcome: EmulatedOutcome): void {
    this.settle(outcome);
  }

  private stopAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.playing = null;
    this.waitingApps.length = 0;
  }

  private timer(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private clearTimer(t: NodeJS.Timeout): void {
    clearTimeout(t);
    this.timers.delete(t);
  }

  private playbackMs(file: string): number {
    const p = this.opts.playbackMs;
    return typeof p === 'function' ? p(file) : (p ?? 1000);
  }

  private apiReply(command: string): void {
    const body = this.opts.api?.(command) ?? this.modelledApi(command);
    this.write(`Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`);
  }

  private modelledApi(command: string): string {
    const [word = '', a = '', b = '', ...rest] = command.trim().split(/\s+/);
    if (word === 'conference' && b === 'list') {
      const members = this.opts.conferences?.get(a);
      if (!members || members.length === 0) return `-ERR Conference ${a} not found\n`;
      return members.map((m, i) => `${i + 1};sofia/external/${m.number}@127.0.0.1;${m.uuid};${m.name};${m.number};hear|speak;0;0;100\n`).join('');
    }
    if (word === 'uuid_break' && a === this.uuid) {
      // Ends a playback; endless_playback goes on (proven on the real FreeSWITCH).
      if (this.playing?.app === 'playback') this.endPlaying('FILE PLAYED');
      return '+OK\n';
    }
    if (word === 'uuid_transfer' && a === this.uuid && this.phase === 'socket' && !this.hungUp) {
      this.transfer([b, ...rest].join(' '), null);
      return '+OK\n';
    }
    if (word === 'uuid_kill' && a === this.uuid) {
      this.hangUp(b || 'NORMAL_CLEARING', 'service');
      return '+OK\n';
    }
    if (word === 'uuid_exists') return a === this.uuid && !this.hungUp ? 'true' : 'false';
    return `-ERR ${word} Command not found!\n`;
  }

  // ---- frames ----

  private reply(text: string): void {
    this.write(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);
  }

  private write(text: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(text);
  }

  /** An event, if the service asked for it (`myevents`: this channel's events; CUSTOM only with `event ... ALL/CUSTOM`). */
  private emit(name: string, extra: Record<string, string>): void {
    if (this.socket.destroyed || !this.connected) return;
    const wanted = name === 'CUSTOM' ? this.subscribed.has('ALL') || this.subscribed.has('CUSTOM') : (this.myevents && CHANNEL_EVENTS.has(name)) || this.subscribed.has('ALL') || this.subscribed.has(name);
    if (!wanted) return;
    const text = `Event-Name: ${name}\n${this.channelLines}${this.eventLines(extra)}\n`;
    this.write(`Content-Length: ${Buffer.byteLength(text)}\nContent-Type: text/event-plain\n\n${text}`);
  }

  private eventLines(headers: Record<string, string>): string {
    let text = '';
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${urlEncode(v)}\n`;
    return text;
  }

  private channelName(): string {
    return `sofia/external/${this.opts.channel.callerNumber}@127.0.0.2`;
  }

  /** The connect reply: channel data as URL-encoded outer headers, the reply's own headers last, no body. */
  private connectReply(): string {
    const ch = this.opts.channel;
    const data: Record<string, string> = {
      'Event-Name': 'CHANNEL_DATA',
      'Core-UUID': CORE_UUID,
      'Channel-Direction': 'inbound',
      'Channel-Caller-ID-Name': this.callerName,
      'Channel-Caller-ID-Number': ch.callerNumber,
      'Channel-Destination-Number': ch.destination,
      'Channel-Unique-ID': this.uuid,
      'Channel-Context': 'public',
      'Channel-Name': this.channelName(),
      'Channel-State': 'CS_EXECUTE',
      'Channel-Call-State': 'ACTIVE',
      'Unique-ID': this.uuid,
      'Call-Direction': 'inbound',
      'Answer-State': 'answered',
      'Caller-Direction': 'inbound',
      'Caller-Caller-ID-Name': this.callerName,
      'Caller-Caller-ID-Number': ch.callerNumber,
      'Caller-ANI': ch.callerNumber,
      'Caller-Destination-Number': ch.destination,
      'Caller-Unique-ID': this.uuid,
      'Caller-Context': 'public',
      'Caller-Channel-Name': this.channelName(),
      variable_direction: 'inbound',
      variable_uuid: this.uuid,
      variable_sip_from_user: ch.callerNumber,
      variable_sip_req_user: ch.destination,
    };
    for (const [k, v] of this.variables) data[`variable_${k}`] = v;
    data['variable_current_application'] = 'socket';
    data['Content-Type'] = 'command/reply';
    data['Reply-Text'] = '+OK\n';
    data['Socket-Mode'] = 'async';
    data['Control'] = 'full';
    return `${this.eventLines(data)}\n`;
  }
}

function appHeaders(run: RunningApp): Record<string, string> {
  const h: Record<string, string> = { Application: run.app, 'Application-UUID': run.appUuid };
  if (run.arg !== '') h['Application-Data'] = run.arg;
  return h;
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function disconnectNotice(): string {
  return `Content-Type: text/disconnect-notice\nContent-Disposition: disconnect\nContent-Length: ${Buffer.byteLength(DISCONNECT_TEXT)}\n\n${DISCONNECT_TEXT}`;
}

/** FreeSWITCH hands one call to the service: connects to it and plays the channel. */
export function emulateCall(opts: EmulateCallOptions): EmulatedCall {
  return new EmulatedCall(opts);
}
