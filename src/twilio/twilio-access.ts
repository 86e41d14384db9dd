// The Twilio account as a plan and an apply see it: a lazily created SDK client (the SDK is loaded on the
// first call, so a host-only run never pays for it), where requests go (BBB_TWILIO_API_URL), and reads
// shared by the resources of one plan (the trunk is listed once, not once per resource).

import type { TwilioClient, TwilioSignIn } from './twilio-client.js';
import { toTwilioError } from './twilio-error.js';

export interface TwilioAccess {
  accountSid: string;
  /** BBB_TWILIO_API_URL when set: every request goes there instead of Twilio. */
  apiUrl: string | undefined;
  client(): Promise<TwilioClient>;
  /** Run `read` once per key for the life of this access (one plan, or one apply). */
  memo<T>(key: string, read: () => Promise<T>): Promise<T>;
}

export type TwilioAccessOptions = TwilioSignIn & {
  accountSid: string;
  apiUrl?: string;
  timeoutMs?: number;
  maxRetryDelayMs?: number;
};

/** How a config signs in: its API key when twilio.apiKeySid is set, else its auth token; undefined without either. */
export function signInOf(twilio: { authToken: string | undefined; apiKey: { sid: string; secret: string } | undefined }): TwilioSignIn | undefined {
  if (twilio.apiKey !== undefined) return { apiKey: twilio.apiKey };
  return twilio.authToken === undefined ? undefined : { authToken: twilio.authToken };
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
          ...(opts.apiKey === undefined ? { authToken: opts.authToken } : { apiKey: opts.apiKey }),
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
