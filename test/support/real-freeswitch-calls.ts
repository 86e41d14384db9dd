// Calls on the real FreeSWITCH of the harness: the carrier (Twilio's part) originates a SIP call to our number and
// presses keys as RFC 2833 events (`uuid_send_dtmf` on its own leg); the BBB-side leg is found by its SIP Call-ID,
// and its timeline (applications run, prompts, conference join, hang-up cause) is read from the event log.
import { randomUUID } from 'node:crypto';
import type { EslEvent } from '../../src/freeswitch/esl-client.js';
import { ADDR, header, sleep, type RunningFreeswitch } from './real-freeswitch.js';

export interface CallOptions {
  /** The number dialled as it appears in the Request-URI (`+16135550142`, `16135550142`, `0016135550142`). */
  to: string;
  /** Caller ID number; `null` withholds it (From `anonymous`, as Twilio presents a withheld number). */
  from?: string | null;
  callerName?: string;
  /** Which of our profiles receives it: `dedicated` (its port) or `external` (BBB's external profile). */
  profile: 'dedicated' | 'external';
  /** Another port on 127.0.0.1 instead (a profile the test added). */
  port?: number;
  /** The sending party: Twilio's address (carrier, 127.0.0.2) or one outside signalingCidrs (rogue). */
  via?: 'carrier' | 'rogue';
}

/** How a call ended up: in a conference, hung up with a cause, or refused at the SIP level. */
export interface CallOutcome {
  joined: string | null;
  /** Hang-up cause of the BBB-side leg (null while it is up or when it never existed). */
  hangupCause: string | null;
  /** Final SIP status of the carrier's INVITE (403 from an ACL), when `ended()` saw the carrier leg end. */
  sipStatus: string | null;
  /** Applications the BBB-side leg ran, in order, as `app data`. */
  applications: string[];
  /** The caller ID name the conference shows for the member (null when not joined). */
  memberName: string | null;
}

export class RealCall {
  readonly carrierUuid = randomUUID();
  private inboundUuid: string | null = null;
  private readonly fromEvent: number;

  constructor(
    private readonly fs: RunningFreeswitch,
    readonly opts: CallOptions,
  ) {
    this.fromEvent = fs.events.all.length;
  }

  /** Originate from the carrier (in the background: the call is answered by our dialplan, not by this). */
  async dial(): Promise<void> {
    await paceOriginate(this.fs);
    const { ports } = this.fs.tree;
    const port = this.opts.port ?? (this.opts.profile === 'dedicated' ? ports.dedicated : ports.external);
    const vars = [`origination_uuid=${this.carrierUuid}`, 'originate_timeout=20', 'ignore_early_media=true'];
    if (this.opts.from === null) {
      vars.push('origination_caller_id_number=anonymous', 'origination_caller_id_name=Anonymous', 'sip_cid_type=none', 'origination_privacy=hide_name:hide_number');
    } else {
      vars.push(`origination_caller_id_number=${this.opts.from ?? '+15005550006'}`);
      vars.push(`origination_caller_id_name=${escapeVar(this.opts.callerName ?? 'Test Caller')}`);
    }
    const profile = this.opts.via ?? 'carrier';
    const result = await this.fs.esl.bgapi(`originate {${vars.join(',')}}sofia/${profile}/sip:${this.opts.to}@${ADDR.server}:${port} &park()`);
    this.originateResult = result.trim();
  }

  originateResult = '';

  private events(): EslEvent[] {
    return this.fs.events.all.slice(this.fromEvent);
  }

  /** The BBB-side leg: the inbound channel with the carrier leg's SIP Call-ID. */
  async inbound(timeoutMs = 15_000): Promise<string> {
    if (this.inboundUuid) return this.inboundUuid;
    const carrierEvent = await this.fs.events.waitFor(
      `the carrier leg ${this.carrierUuid} to have a Call-ID`,
      (e) => header(e, 'Unique-ID') === this.carrierUuid && header(e, 'variable_sip_call_id') !== undefined,
      timeoutMs,
      this.fromEvent,
    );
    const callId = header(carrierEvent, 'variable_sip_call_id');
    const inbound = await this.fs.events.waitFor(
      `the BBB-side leg of Call-ID ${callId}`,
      (e) => header(e, 'Call-Direction') === 'inbound' && header(e, 'variable_sip_call_id') === callId,
      timeoutMs,
      this.fromEvent,
    );
    this.inboundUuid = header(inbound, 'Unique-ID') ?? null;
    if (!this.inboundUuid) throw new Error('inbound event without Unique-ID');
    return this.inboundUuid;
  }

  /**
   * The BBB-side leg's channel variables as FreeSWITCH last reported them (the hang-up or the conference join):
   * `variable_x` headers, without the prefix.
   */
  variables(): Record<string, string> {
    const uuid = this.inboundUuid;
    const withVars = this.events().filter((e) => uuid !== null && header(e, 'Unique-ID') === uuid && header(e, 'variable_uuid') !== undefined);
    const last = withVars.at(-1);
    const vars: Record<string, string> = {};
    if (!last) return vars;
    for (const [k, v] of Object.entries(last.headers)) if (k.startsWith('variable_')) vars[k.slice('variable_'.length)] = v;
    return vars;
  }

  /** Wait until the BBB-side leg starts its `nth` (1-based) run of `app`. */
  async waitForApp(app: string, nth = 1, timeoutMs = 20_000): Promise<void> {
    const uuid = await this.inbound();
    let seen = 0;
    await this.fs.events.waitFor(
      `${app} #${nth} on ${uuid}`,
      (e) => {
        if (header(e, 'Event-Name') !== 'CHANNEL_EXECUTE' || header(e, 'Unique-ID') !== uuid) return false;
        if (header(e, 'Application') !== app) return false;
        seen += 1;
        return seen >= nth;
      },
      timeoutMs,
      this.fromEvent,
    );
  }

  /** The caller presses keys: RFC 2833 from the carrier leg (a short pause lets a prompt start, so keys barge in). */
  async press(digits: string): Promise<void> {
    await sleep(300);
    const uuid = await this.inbound();
    const from = this.fs.events.all.length;
    const reply = await this.fs.api(`uuid_send_dtmf ${this.carrierUuid} ${digits}`);
    if (!reply.startsWith('+OK')) throw new Error(`uuid_send_dtmf ${digits}: ${reply.trim()}`);
    // Say so when FreeSWITCH did not get every key, rather than letting a prompt time out in silence.
    let got = 0;
    await this.fs.events
      .waitFor(`${digits.length} DTMF events on ${uuid}`, (e) => header(e, 'Event-Name') === 'DTMF' && header(e, 'Unique-ID') === uuid && ++got >= digits.length, 10_000, from)
      .catch(() => {
        throw new Error(`FreeSWITCH received ${got} of the ${digits.length} keys "${digits}" on ${uuid}`);
      });
  }

  /** Wait for the call to join a conference or for its end (whichever first), then describe it. */
  async outcome(timeoutMs = 45_000): Promise<CallOutcome> {
    const done = await this.fs.events.waitFor(
      `call ${this.carrierUuid} to join a conference or end`,
      (e) => {
        const uuid = header(e, 'Unique-ID');
        const name = header(e, 'Event-Name');
        if (uuid === this.carrierUuid && name === 'CHANNEL_HANGUP_COMPLETE') return true;
        if (this.inboundUuid === null || uuid !== this.inboundUuid) return false;
        return name === 'CHANNEL_HANGUP_COMPLETE' || (header(e, 'Event-Subclass') === 'conference::maintenance' && header(e, 'Action') === 'add-member');
      },
      timeoutMs,
      this.fromEvent,
    );
    return this.describe(done);
  }

  private describe(last: EslEvent): CallOutcome {
    const uuid = this.inboundUuid;
    const mine = this.events().filter((e) => uuid !== null && header(e, 'Unique-ID') === uuid);
    const applications = mine
      .filter((e) => header(e, 'Event-Name') === 'CHANNEL_EXECUTE')
      .map((e) => `${header(e, 'Application') ?? ''} ${header(e, 'Application-Data') ?? ''}`.trim());
    const join = mine.find((e) => header(e, 'Event-Subclass') === 'conference::maintenance' && header(e, 'Action') === 'add-member');
    const hangup = mine.find((e) => header(e, 'Event-Name') === 'CHANNEL_HANGUP_COMPLETE');
    const carrierHangup = header(last, 'Unique-ID') === this.carrierUuid ? last : undefined;
    return {
      joined: join ? (header(join, 'Conference-Name') ?? null) : null,
      hangupCause: hangup ? (header(hangup, 'Hangup-Cause') ?? null) : null,
      sipStatus: carrierHangup ? (header(carrierHangup, 'variable_sip_term_status') ?? null) : null,
      applications,
      memberName: join ? (header(join, 'Caller-Caller-ID-Name') ?? null) : null,
    };
  }

  /**
   * Wait until the call is over: the carrier's leg ends whenever the call does (a BYE, a rejection, a failed
   * INVITE), then the BBB-side leg's own hang-up when there was one.
   */
  async ended(timeoutMs = 20_000): Promise<CallOutcome> {
    const last = await this.fs.events.waitFor(
      `call ${this.carrierUuid} to end`,
      (e) => header(e, 'Event-Name') === 'CHANNEL_HANGUP_COMPLETE' && header(e, 'Unique-ID') === this.carrierUuid,
      timeoutMs,
      this.fromEvent,
    );
    const uuid = await this.inbound(5_000).catch(() => null);
    if (uuid !== null) {
      await this.fs.events.waitFor(`the BBB-side leg ${uuid} to end`, (e) => header(e, 'Event-Name') === 'CHANNEL_HANGUP_COMPLETE' && header(e, 'Unique-ID') === uuid, 5_000, this.fromEvent);
    }
    return this.describe(last);
  }

  /** For failure messages: the originate result and the events seen for this call's legs. */
  trace(): string {
    const uuids = new Set([this.carrierUuid, ...(this.inboundUuid ? [this.inboundUuid] : [])]);
    const callId = this.events().find((e) => header(e, 'Unique-ID') === this.carrierUuid && header(e, 'variable_sip_call_id'))?.headers['variable_sip_call_id'];
    const lines = this.events()
      .filter((e) => uuids.has(header(e, 'Unique-ID') ?? '') || (callId !== undefined && header(e, 'variable_sip_call_id') === callId))
      .map((e) => `${header(e, 'Event-Name')} ${header(e, 'Unique-ID')} ${header(e, 'Call-Direction') ?? ''} ${header(e, 'Application') ?? ''} ${header(e, 'Hangup-Cause') ?? ''}`);
    return `originate: ${this.originateResult}; Call-ID ${callId ?? '?'}\n  ${lines.join('\n  ')}`;
  }

  async hangup(): Promise<void> {
    await this.fs.api(`uuid_kill ${this.carrierUuid}`);
  }
}

/**
 * BBB's switch.conf.xml allows 30 new sessions a second (`sessions-per-second`), and a test call makes two (the
 * carrier's leg and ours); beyond that FreeSWITCH refuses originates (NORMAL_TEMPORARY_FAILURE,
 * DESTINATION_OUT_OF_ORDER). So calls are started at most one per 100 ms per server, and BBB's limit stays as is.
 */
const ORIGINATE_GAP_MS = 100;
const nextOriginate = new WeakMap<RunningFreeswitch, number>();
async function paceOriginate(fs: RunningFreeswitch): Promise<void> {
  const now = Date.now();
  const at = Math.max(now, nextOriginate.get(fs) ?? 0);
  nextOriginate.set(fs, at + ORIGINATE_GAP_MS);
  if (at > now) await sleep(at - now);
}

/**
 * A value inside originate's `{a=b,c=d}`: single-quoted (the API line is split on spaces, quotes keep them), with
 * commas escaped. A value with a single quote cannot be sent this way.
 */
function escapeVar(value: string): string {
  if (value.includes("'")) throw new Error(`originate cannot carry a ' in a variable: ${value}`);
  return `'${value.replace(/,/g, '\\,')}'`;
}

/** Place a call from the carrier (or the rogue source) to one of our numbers. */
export async function placeCall(fs: RunningFreeswitch, opts: CallOptions): Promise<RealCall> {
  const call = new RealCall(fs, opts);
  await call.dial();
  return call;
}

/**
 * A web user in the meeting's audio: a sofia call that arrives the way BBB's browser audio does (bbb_authorized=true,
 * then `<pin> XML default` into BBB's own bbb_conferences), so the PIN's conference has a `sofia` member.
 */
export async function joinWebUser(fs: RunningFreeswitch, pin: string, name = 'w_test-bbbID-Web User'): Promise<string> {
  const uuid = randomUUID();
  const vars = [`origination_uuid=${uuid}`, 'originate_timeout=20', `origination_caller_id_number=w_${uuid.slice(0, 8)}`, `origination_caller_id_name=${escapeVar(name)}`];
  const from = fs.events.all.length;
  await paceOriginate(fs);
  const result = await fs.esl.bgapi(`originate {${vars.join(',')}}sofia/carrier/sip:${pin}@${ADDR.webaudio}:${fs.tree.ports.webaudio} &park()`);
  if (!result.startsWith('+OK')) throw new Error(`web user for ${pin}: ${result.trim()}`);
  await fs.events.waitFor(
    `a web user in conference ${pin}`,
    (e) => header(e, 'Event-Subclass') === 'conference::maintenance' && header(e, 'Action') === 'add-member' && header(e, 'Conference-Name') === pin,
    20_000,
    from,
  );
  return uuid;
}
