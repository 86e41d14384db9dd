// One event-socket connection for all the FreeSWITCH commands of an apply (or rollback), opened on first use.
// When FreeSWITCH cannot be reached, or the connection breaks, the session remembers why and answers every later
// command with that reason, so the caller lists them as "run these later" instead of trying each in turn.

import { BbbTwilioError } from '../errors.js';
import type { FreeswitchApi, FreeswitchConnector } from '../freeswitch/connect-freeswitch.js';
import { EslError, type EslFailureReason } from '../freeswitch/esl-error.js';
import { parseCallsCount } from '../freeswitch/esl-replies.js';

export interface Unreachable {
  /** What kind of failure, in two or three words: "connection refused", "wrong password", ... */
  label: string;
  /** One line: the error's message. */
  message: string;
  hint: string | undefined;
}

export type ApiAnswer = { reply: string } | { unreachable: Unreachable };

const LABELS: Record<EslFailureReason, string> = {
  refused: 'connection refused',
  auth: 'password rejected',
  timeout: 'no answer',
  protocol: 'protocol error',
};

export class FreeswitchSession {
  private client: FreeswitchApi | null = null;
  private opening: Promise<void> | null = null;
  private broken: Unreachable | null = null;

  constructor(private readonly connect: FreeswitchConnector) {}

  /** Why FreeSWITCH could not be used, once a command found out; null while all is well (or nothing was tried). */
  get failure(): Unreachable | null {
    return this.broken;
  }

  async api(command: string): Promise<ApiAnswer> {
    await this.open();
    if (this.broken || !this.client) return { unreachable: this.broken ?? describeFailure(new Error('not connected')) };
    try {
      return { reply: await this.client.api(command) };
    } catch (err) {
      this.broken = describeFailure(err);
      await this.client.close().catch(() => undefined);
      this.client = null;
      return { unreachable: this.broken };
    }
  }

  /** Live calls (`show calls count`), or null when FreeSWITCH is unreachable or answers something else. */
  async callsCount(): Promise<number | null> {
    const answer = await this.api('show calls count');
    return 'reply' in answer ? parseCallsCount(answer.reply) : null;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.close().catch(() => undefined);
  }

  private open(): Promise<void> {
    if (this.client || this.broken) return Promise.resolve();
    this.opening ??= this.connect().then(
      (client) => {
        this.client = client;
      },
      (err: unknown) => {
        this.broken = describeFailure(err);
      },
    );
    return this.opening;
  }
}

export function describeFailure(err: unknown): Unreachable {
  const message = oneLine(err instanceof Error ? err.message : String(err));
  if (err instanceof EslError) return { label: LABELS[err.reason], message, hint: err.hint };
  if (err instanceof BbbTwilioError) return { label: 'cannot read its settings', message, hint: err.hint };
  return { label: 'error', message, hint: undefined };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
