// One phone call as the call service sees it. The steps talk to this interface only, so the same steps run on
// FreeSWITCH's outbound event socket (EslCallChannel) and in simulate-call (the simulator's channel).

/** The caller hung up, or FreeSWITCH is gone: whatever the step was doing is over. */
export class CallGoneError extends Error {
  constructor(readonly why: string) {
    super(`the call is gone: ${why}`);
    this.name = 'CallGoneError';
  }
}

export interface CallChannel {
  /** FreeSWITCH's Unique-ID of the channel. */
  readonly id: string;
  /** Caller-Caller-ID-Number as the carrier sent it: caller-controlled, never put into an argument unvalidated. */
  readonly callerNumber: string;
  readonly destination: string;
  /** True once the caller hung up or the connection is gone. */
  readonly gone: boolean;
  /** Resolves (never rejects) when the call ends, with the hang-up cause or the reason. */
  readonly ended: Promise<string>;
  /**
   * Run a dialplan application on the channel and resolve when FreeSWITCH reports it complete
   * (CHANNEL_EXECUTE_COMPLETE), with its Application-Response. Rejects with CallGoneError when the call ends first.
   */
  execute(app: string, arg?: string): Promise<string>;
  /** Set a channel variable (the `set` application: the value is taken literally by the channel, not expanded). */
  setVariable(name: string, value: string): Promise<void>;
  /** An API command (`conference 12345 list`). Rejects with CallGoneError when the connection is gone. */
  api(command: string): Promise<string>;
  /** Stop what the channel is playing now (a prompt, hold music) so the next command runs. */
  stopAudio(): Promise<void>;
  /** Each DTMF key as FreeSWITCH receives it; returns the unsubscribe function. */
  onDtmf(listener: (digit: string) => void): () => void;
  /** Ask for this call's conference member events (add-member, mute-member, ...); before the transfer, so none is missed. */
  watchConference(): Promise<void>;
  /** This call's `conference::maintenance` events, headers decoded; returns the unsubscribe function. */
  onConferenceEvent(listener: (event: Record<string, string>) => void): () => void;
  /** Give the call back to the dialplan (it goes on after the `socket` action) and close the connection. */
  handBack(): Promise<void>;
  /** Close the connection and leave the call where it is (in a conference after a join). */
  release(): Promise<void>;
}
