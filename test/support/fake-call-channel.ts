// An in-memory CallChannel for the steps' tests and the benchmark's baseline: records what the service asks for,
// plays each prompt for a set time (a key ends it, as playback_terminators=any does), and lets the test type keys
// and hang up.

import { CallGoneError, type CallChannel } from '../../src/service/call-channel.js';

export interface FakeChannelOptions {
  id?: string;
  callerNumber?: string;
  /** How long a playback lasts (ms) unless a key ends it. Hold music lasts until stopped. */
  playbackMs?: number;
  /** The answer to `api` commands. */
  api?: (command: string) => string;
  /** The conference profile a transfer into `<pin> XML default` joins (add-member's Conference-Profile-Name). */
  conferenceProfile?: string;
  /** The member joins muted (the meeting's mute-on-start as the add-member event shows it). */
  joinMuted?: boolean;
}

export class FakeCallChannel implements CallChannel {
  readonly id: string;
  readonly callerNumber: string;
  readonly destination = '+15551230000';
  readonly ended: Promise<string>;
  readonly executed: string[] = [];
  readonly variables = new Map<string, string>();
  handedBack = false;
  released = false;
  private endedWith: string | undefined;
  private resolveEnded!: (why: string) => void;
  private readonly listeners = new Set<(d: string) => void>();
  private stopCurrent: (() => void) | undefined;

  constructor(private readonly opts: FakeChannelOptions = {}) {
    this.id = opts.id ?? 'fake-call';
    this.callerNumber = opts.callerNumber ?? '+15557654321';
    this.ended = new Promise((r) => (this.resolveEnded = r));
  }

  get gone(): boolean {
    return this.endedWith !== undefined;
  }

  async execute(app: string, arg?: string): Promise<string> {
    if (this.endedWith) throw new CallGoneError(this.endedWith);
    this.executed.push(arg === undefined ? app : `${app} ${arg}`);
    if (app === 'set') {
      const at = (arg ?? '').indexOf('=');
      this.variables.set((arg ?? '').slice(0, at), (arg ?? '').slice(at + 1));
    }
    if (app === 'transfer' && /^\d+ XML default$/.test(arg ?? '')) {
      // BBB's bbb_conferences puts the caller into conference <pin>: FreeSWITCH announces the member.
      const conference = (arg ?? '').split(' ')[0] ?? '';
      setTimeout(() => this.conferenceEvent({ Action: 'add-member', 'Conference-Name': conference, 'Conference-Profile-Name': this.opts.conferenceProfile ?? 'cdquality', 'Member-ID': '7', Speak: this.opts.joinMuted ? 'false' : 'true' }), 1);
    }
    if (app === 'hangup') {
      // As on FreeSWITCH: the channel ends before the application could complete.
      this.hangup(arg ?? 'NORMAL_CLEARING');
      throw new CallGoneError(arg ?? 'NORMAL_CLEARING');
    }
    if (app === 'playback' || app === 'sleep') {
      const endless = (arg ?? '').endsWith('hold-music.wav');
      const ms = app === 'sleep' ? Number(arg) : endless ? Infinity : this.opts.playbackMs ?? 5;
      await new Promise<void>((resolve, reject) => {
        const timer = Number.isFinite(ms) ? setTimeout(resolve, ms) : undefined;
        this.stopCurrent = () => {
          clearTimeout(timer);
          resolve();
        };
        void this.ended.then((why) => {
          clearTimeout(timer);
          reject(new CallGoneError(why));
        });
      });
      this.stopCurrent = undefined;
      return 'FILE PLAYED';
    }
    return '_none_';
  }

  async setVariable(name: string, value: string): Promise<void> {
    await this.execute('set', `${name}=${value}`);
  }

  readonly apis: string[] = [];

  async api(command: string): Promise<string> {
    if (this.endedWith) throw new CallGoneError(this.endedWith);
    this.apis.push(command);
    return this.opts.api?.(command) ?? '-ERR no reply\n';
  }

  async stopAudio(): Promise<void> {
    this.stopCurrent?.();
  }

  watchedConference = false;
  private readonly conferenceListeners = new Set<(e: Record<string, string>) => void>();

  async watchConference(): Promise<void> {
    this.watchedConference = true;
  }

  onConferenceEvent(listener: (event: Record<string, string>) => void): () => void {
    this.conferenceListeners.add(listener);
    return () => this.conferenceListeners.delete(listener);
  }

  /** FreeSWITCH sends a conference::maintenance event for this call (add-member, mute-member, ...). */
  conferenceEvent(headers: Record<string, string>): void {
    if (!this.watchedConference) return;
    for (const l of this.conferenceListeners) l({ 'Event-Subclass': 'conference::maintenance', 'Unique-ID': this.id, ...headers });
  }

  onDtmf(listener: (digit: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async handBack(): Promise<void> {
    this.handedBack = true;
    this.finish('handed back');
  }

  async release(): Promise<void> {
    this.released = true;
    this.finish('released');
  }

  /** The caller presses keys, one every gapMs. */
  async press(keys: string, gapMs = 1): Promise<void> {
    for (const key of keys) {
      if (this.gone) return;
      // A key ends the playing prompt (playback_terminators=any) and is reported.
      this.stopCurrent?.();
      for (const l of this.listeners) l(key);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  hangup(cause = 'NORMAL_CLEARING'): void {
    this.finish(cause);
  }

  private finish(why: string): void {
    if (this.endedWith) return;
    this.endedWith = why;
    this.resolveEnded(why);
  }
}
