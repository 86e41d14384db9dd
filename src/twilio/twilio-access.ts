// The Twilio account as a plan and an apply see it: a lazily created SDK client (the SDK is loaded on the
// first call, so a host-only run never pays for it), where requests go (BBB_TWILIO_API_URL), and reads
// shared by the resources of one plan (the trunk is listed once, not once per resource).

import type { TwilioClient } from './twilio-client.js';
import { toTwilioError } from './twilio-error.js';

export interface TwilioAccess {
  accountSid: string;
  /** BBB_TWILIO_API_URL when set: every request goes there instead of Twilio. */
  apiUrl: string | undefined;
  client(): Promise<TwilioClient>;
  /** Run `read` once per key for the life of this access (one plan, or one apply). */
  memo<T>(key: string, read: () => Promise<T>): Promise<T>;
}

export interface TwilioAccessOptions {
  accountSid: string;
  authToken: string;
  apiUrl?: string;
  timeoutMs?: number;
  maxRetryDelayMs?: number;
}

export function createTwilioAccess(opts: TwilioAccessOptions): TwilioAccess {
  let client: Promise<TwilioClient> | undefined;
  const memos = new Map<string, Promise<unknown>>();
  const apiUrl = opts.apiUrl === undefined || opts.apiUrl === '' ? undefined : opts.apiUrl;
  return {
    accountSid: opts.accountSid,
    apiUrl,
    client() {
      client ??= import('./twilio-client.js').then(({ createTwilioClient }) =>
        createTwilioClient({
          accountSid: opts.accountSid,
          authToken: opts.authToken,
          ...(apiUrl === undefined ? {} : { apiUrl }),
          ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
          ...(opts.maxRetryDelayMs === undefined ? {} : { maxRetryDelayMs: opts.maxRetryDelayMs }),
        }),
      );
      return client;
    },
    memo<T>(key: string, read: () => Promise<T>): Promise<T> {
      let hit = memos.get(key) as Promise<T> | undefined;
      if (hit === undefined) {
        hit = read();
        memos.set(key, hit);
      }
      return hit;
    },
  };
}

/** One SDK call, with whatever it throws turned into a TwilioError. `doing` reads after "could not". */
export async function twilioCall<T>(access: TwilioAccess, doing: string, call: (client: TwilioClient) => Promise<T>): Promise<T> {
  const client = await access.client();
  try {
    return await call(client);
  } catch (err) {
    throw toTwilioError(err, doing);
  }
}
