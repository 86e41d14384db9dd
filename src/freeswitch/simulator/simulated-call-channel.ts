// The call service's CallChannel over the simulator's channel, so simulate-call runs the real service code on the
// simulated call. Applications the service executes run through the simulator's own emulation (and land on the
// timeline); `api` answers from the simulated conferences; time is the simulation's virtual clock.
//
// The caller is modelled simply: prompts last PROMPT_MS unless a key ends them (playback_terminators), hold music
// until the service stops it. While the service listens for keys, the caller types the next entry of the DTMF
// script, starting FIRST_KEY_MS after the service starts listening, one key every KEY_GAP_MS; then pauses. Keys the
// service stops listening for stay queued, as in FreeSWITCH (a later prompt, a transfer or the end meet them).

import { PROMPTS } from '../../service/prompts.js';
import { CallGoneError, type CallChannel } from '../../service/call-channel.js';
import type { ServiceClock } from '../../service/service-clock.js';
import type { AppStep } from './app-runtime.js';
import type { Channel } from './channel.js';
import type { DtmfScript } from './dtmf-script.js';

export const PROMPT_MS = 3_000;
export const FIRST_KEY_MS = 1_000;
export const KEY_GAP_MS = 300;

/** What the channel needs from the simulation. */
export interface SimulationSide {
  channel: Channel;
  dtmf: DtmfScript;
  clock: ServiceClock;
  /** Run an application as the simulator emulates it, on the timeline as the service's. */
  execute(app: string, data: string): AppStep;
  /** An API command, answered as the simulator's ${api()} expansion answers it; null when it has no answer. */
  api(name: string, args: string): string | null;
  /** The service stopped listening for keys: the keys it heard, and when the last one came (ms, or undefined). */
  keysHeard(keys: string, lastKeyAt: number | undefined): void;
}

export type SocketEnd = 'handed-back' | 'released' | 'hung-up';

export class SimulatedCallChannel implements CallChannel {
  readonly id: string;
  readonly callerNumber: string;
  readonly destination: string;
  readonly ended: Promise<string>;
  /** How the service let go of the call; undefined while it holds it. */
  socketEnd: SocketEnd | undefined;
  private endedWith: string | undefined;
  private resolveEnded!: (why: string) => void;
  private readonly listeners = new Set<(digit: string) => void>();
  /** The audio playing now: stop() ends it early, fail() when the call ends under it. */
  private playing: { stop(): void; fail(why: string): void } | undefined;
  private typing: { heard: string; lastKeyAt: number | undefined; cancel(): void } | undefined;

  constructor(private readonly side: SimulationSide) {
    const ch = side.channel;
    // What FreeSWITCH's `connect` reply carries: the caller profile as it is when the dialplan reaches `socket`.
    this.id = ch.getVariable('uuid') ?? '';
    this.callerNumber = ch.getProfileField('caller_id_number') ?? '';
    this.destination = ch.getProfileField('destination_number') ?? '';
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  get gone(): boolean {
    return this.endedWith !== undefined;
  }

  async execute(app: string, arg?: string): Promise<string> {
    if (this.endedWith !== undefined) throw new CallGoneError(this.endedWith);
    const step = this.side.execute(app, arg ?? '');
    const ch = this.side.channel;
    if (ch.end) {
      // hangup (or anything else that ended the call) completes, then the channel is gone.
      this.finish(ch.end.detail, 'hung-up');
      return '';
    }
    const name = app.toLowerCase();
    if (name === 'transfer') {
      // The caller is in the meeting: the service would stay for the keypad until the hang-up, which a simulation
      // never reaches; its part ends here and the transfer goes on into BBB's bbb_conferences.
      void Promise.resolve().then(() => this.finish('in the meeting (the simulation ends the service\'s part here)', 'released'));
      return '';
    }
    if ((name === 'playback' && !step.result.startsWith('cannot play')) || name === 'sleep') {
      // Hold music loops until the service stops it (FreeSWITCH plays the file again each time it ends).
      const endless = name === 'playback' && (arg ?? '') === PROMPTS.holdMusic;
      await this.play(name === 'sleep' ? Number(arg) || 0 : endless ? Infinity : PROMPT_MS);
      return name === 'playback' ? 'FILE PLAYED' : '';
    }
    return '';
  }

  async setVariable(name: string, value: string): Promise<void> {
    await this.execute('set', `${name}=${value}`);
  }

  async api(command: string): Promise<string> {
    if (this.endedWith !== undefined) throw new CallGoneError(this.endedWith);
    const sp = command.indexOf(' ');
    const answer = this.side.api(sp < 0 ? command : command.slice(0, sp), sp < 0 ? '' : command.slice(sp + 1));
    return answer ?? `-ERR ${command.split(' ')[0] ?? ''} Command not found!\n`;
  }

  async stopAudio(): Promise<void> {
    this.playing?.stop();
  }

  /** The simulation ends the service's part at the transfer, before any member event. */
  async watchConference(): Promise<void> {}

  onConferenceEvent(): () => void {
    return () => undefined;
  }

  onDtmf(listener: (digit: string) => void): () => void {
    this.listeners.add(listener);
    if (!this.typing) this.startTyping();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopTyping();
    };
  }

  async handBack(): Promise<void> {
    this.finish('handed back to the dialplan', 'handed-back');
  }

  async release(): Promise<void> {
    this.finish('released by the service', 'released');
  }

  private play(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancel = Number.isFinite(ms) ? this.side.clock.after(ms, () => done()) : () => undefined;
      const done = (): void => {
        cancel();
        this.playing = undefined;
        resolve();
      };
      this.playing = {
        stop: done,
        fail: (why) => {
          cancel();
          this.playing = undefined;
          reject(new CallGoneError(why));
        },
      };
    });
  }

  private startTyping(): void {
    const typing = { heard: '', lastKeyAt: undefined as number | undefined, cancel: () => undefined as void };
    this.typing = typing;
    const type = (first: boolean): void => {
      const key = first ? this.side.dtmf.take() : this.side.dtmf.takeQueued();
      if (key === null || this.listeners.size === 0) return;
      typing.heard += key;
      typing.lastKeyAt = this.side.clock.now();
      if (this.ends(key)) this.playing?.stop();
      for (const l of [...this.listeners]) l(key);
      if (this.typing === typing && this.side.dtmf.hasQueued()) typing.cancel = this.side.clock.after(KEY_GAP_MS, () => type(false));
    };
    typing.cancel = this.side.clock.after(FIRST_KEY_MS, () => type(true));
  }

  private stopTyping(): void {
    const typing = this.typing;
    if (!typing) return;
    this.typing = undefined;
    typing.cancel();
    this.side.keysHeard(typing.heard, typing.lastKeyAt);
  }

  /** Whether the key ends the prompt playing (playback_terminators: "any", "none", or the keys; "*" by default). */
  private ends(key: string): boolean {
    const set = (this.side.channel.getVariable('playback_terminators') ?? '*').toLowerCase();
    return set === 'any' || (set !== 'none' && set.includes(key.toLowerCase()));
  }

  private finish(why: string, how: SocketEnd): void {
    if (this.endedWith !== undefined) return;
    this.endedWith = why;
    this.socketEnd = how;
    this.stopTyping();
    this.playing?.fail(why);
    this.resolveEnded(why);
  }
}
