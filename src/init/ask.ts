// The init wizard's questions, asked one of two ways: with @clack/prompts on the given input and output
// streams (a terminal, or a test's streams), or not at all (--non-interactive), where a question nobody
// answered with a flag is an error naming that flag.

import type { Readable, Writable } from 'node:stream';
import { BbbTwilioError, UsageError } from '../errors.js';

export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

interface Question {
  message: string;
  /** The flag that answers this question in scripts (`--public-ip`), or the environment variable. */
  flag: string;
  /** What to do when --non-interactive leaves it unanswered (default: pass the flag). */
  hint?: string;
}

export interface Ask {
  readonly interactive: boolean;
  text(q: Question & { initial?: string; validate: (value: string) => string | undefined }): Promise<string>;
  secret(q: Question & { validate: (value: string) => string | undefined }): Promise<string>;
  confirm(q: Question & { initial: boolean }): Promise<boolean>;
  select<T extends string>(q: Question & { choices: Choice<T>[]; initial: T }): Promise<T>;
  multiselect<T extends string>(q: Question & { choices: Choice<T>[]; initial: T[] }): Promise<T[]>;
  /** Say something between questions (what was detected, what was written). */
  note(message: string, title?: string): void;
  info(message: string): void;
  /** Something went wrong and the wizard carries on another way: one warning. */
  warn(message: string): void;
  /** Run a slow step with a spinner (interactive) or silently. */
  step<T>(message: string, done: string, work: () => Promise<T>): Promise<T>;
}

/** The admin pressed Ctrl-C or Escape: nothing is written. */
export class InitCancelledError extends BbbTwilioError {
  constructor() {
    super('usage', 'init cancelled; nothing was written');
  }
}

/** `warn`: where a warning goes without prompts (the CLI's stderr, as `warning: ...`). */
export function nonInteractiveAsk(warn: (message: string) => void = () => undefined): Ask {
  const missing = (q: Question): never => {
    throw new UsageError(
      `${q.flag} is required with --non-interactive (${q.message.replace(/\s*\(.*$/, '').replace(/[?:]\s*$/, '')})`,
      q.hint ?? `pass ${q.flag}, or run bbb-twilio init in a terminal without --non-interactive`,
    );
  };
  return {
    interactive: false,
    text: async (q) => missing(q),
    secret: async (q) => missing(q),
    confirm: async (q) => missing(q),
    select: async (q) => missing(q),
    multiselect: async (q) => missing(q),
    note: () => undefined,
    info: () => undefined,
    warn,
    step: (_message, _done, work) => work(),
  };
}

function options(choices: Choice<string>[]): { value: string; label: string; hint?: string }[] {
  return choices.map((c) => ({ value: c.value, label: c.label, ...(c.hint === undefined ? {} : { hint: c.hint }) }));
}

export async function clackAsk(streams: { input: Readable; output: Writable }): Promise<Ask> {
  const p = await import('@clack/prompts');
  const io = { input: streams.input, output: streams.output };
  const answered = <T>(value: T): Exclude<T, symbol> => {
    if (p.isCancel(value) || typeof value === 'symbol') throw new InitCancelledError();
    return value as Exclude<T, symbol>;
  };
  return {
    interactive: true,
    async text(q) {
      return answered(await p.text({ ...io, message: q.message, ...(q.initial === undefined ? {} : { initialValue: q.initial }), validate: (v) => q.validate((v ?? '').trim()) })).trim();
    },
    async secret(q) {
      return answered(await p.password({ ...io, message: q.message, validate: (v) => q.validate(v ?? '') }));
    },
    async confirm(q) {
      return answered(await p.confirm({ ...io, message: q.message, initialValue: q.initial }));
    },
    async select<T extends string>(q: Question & { choices: Choice<T>[]; initial: T }) {
      const picked = answered(await p.select<string>({ ...io, message: q.message, options: options(q.choices), initialValue: q.initial }));
      return q.choices.find((c) => c.value === picked)?.value ?? q.initial;
    },
    async multiselect<T extends string>(q: Question & { choices: Choice<T>[]; initial: T[] }) {
      const picked = answered(
        await p.multiselect<string>({ ...io, message: q.message, options: options(q.choices), initialValues: q.initial, required: true }),
      );
      return q.choices.filter((c) => picked.includes(c.value)).map((c) => c.value);
    },
    note(message, title) {
      p.note(message, title, io);
    },
    info(message) {
      p.log.info(message, io);
    },
    warn(message) {
      p.log.warn(message, io);
    },
    async step(message, done, work) {
      const spin = p.spinner({ output: streams.output });
      spin.start(message);
      try {
        const result = await work();
        spin.stop(done);
        return result;
      } catch (err) {
        spin.error(message);
        throw err;
      }
    },
  };
}
