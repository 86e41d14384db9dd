// The official Twilio SDK, lazily loaded, with two things added:
//  - `apiUrl` (BBB_TWILIO_API_URL) sends every request to another base URL with the path and query kept
//    (`https://trunking.twilio.com/v1/Trunks` -> `<apiUrl>/v1/Trunks`), for tests, proxies and staging;
//  - retry with backoff on HTTP 429 (Twilio error 20429), using the SDK's own `autoRetry`.

import type TwilioSdk from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { TwilioError } from './twilio-error.js';

/** The SDK client. Calls through it throw the SDK's errors: wrap them with `toTwilioError`. */
export type TwilioClient = TwilioSdk.Twilio;

/** How bbb-twilio signs in: the account's auth token, or an API key (SK...) and its secret. */
export type TwilioSignIn = { authToken: string; apiKey?: undefined } | { apiKey: { sid: string; secret: string }; authToken?: undefined };

export type TwilioClientOptions = TwilioSignIn & {
  accountSid: string;
  /** Base URL that replaces every Twilio host (BBB_TWILIO_API_URL), e.g. `http://127.0.0.1:8099`. */
  apiUrl?: string;
  /** Per-request timeout in milliseconds (the SDK's default is 30000). */
  timeoutMs?: number;
  /** Retries of a request answered with 429; 0 turns retrying off. Default 3. */
  maxRetries?: number;
  /** Upper bound of one backoff delay in milliseconds (full jitter, doubling from 200). Default 3000. */
  maxRetryDelayMs?: number;
};

const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_MAX_RETRY_DELAY_MS = 3000;

export async function createTwilioClient(opts: TwilioClientOptions): Promise<TwilioClient> {
  if (!/^AC[0-9a-fA-F]{32}$/.test(opts.accountSid)) {
    throw new TwilioError('The Twilio Account SID is not AC followed by 32 hex digits', {
      failure: 'auth',
      hint: 'copy twilio.accountSid from the Twilio Console dashboard (Account Info)',
    });
  }
  if (opts.apiKey !== undefined && !/^SK[0-9a-fA-F]{32}$/.test(opts.apiKey.sid)) {
    throw new TwilioError('The Twilio API key SID is not SK followed by 32 hex digits', {
      failure: 'auth',
      hint: 'copy twilio.apiKeySid from the Twilio Console > Account > API keys',
    });
  }
  if (opts.apiKey !== undefined ? opts.apiKey.secret === '' : opts.authToken === '') {
    throw new TwilioError(opts.apiKey !== undefined ? 'No secret for the Twilio API key' : 'No Twilio auth token', {
      failure: 'auth',
      hint:
        opts.apiKey !== undefined
          ? 'set TWILIO_API_KEY_SECRET, or twilio.apiKeySecret in the config file (mode 0600)'
          : 'set TWILIO_AUTH_TOKEN, or twilio.authToken in the config file (mode 0600)',
    });
  }
  const apiUrl = opts.apiUrl === undefined || opts.apiUrl === '' ? undefined : parseApiUrl(opts.apiUrl);

  const { default: sdk } = await import('twilio');
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const requestOptions: RequestClient.RequestClientOptions = {
    autoRetry: maxRetries > 0,
    maxRetries: Math.max(1, maxRetries),
    maxRetryDelay: opts.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS,
    ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
  };
  // The SDK builds its RequestClient from these options only when no `httpClient` is given, so the
  // rewriting client gets the same options itself.
  const clientOptions: TwilioSdk.ClientOpts =
    apiUrl === undefined
      ? { ...requestOptions }
      : { httpClient: createRewritingRequestClient(sdk.RequestClient, apiUrl, requestOptions) };
  // With an API key the SDK signs in as the key and needs the account it acts on (`accountSid`).
  return opts.apiKey === undefined
    ? sdk(opts.accountSid, opts.authToken, clientOptions)
    : sdk(opts.apiKey.sid, opts.apiKey.secret, { ...clientOptions, accountSid: opts.accountSid });
}

/** `https://trunking.twilio.com/v1/Trunks?Page=1` on `http://127.0.0.1:8099` -> `http://127.0.0.1:8099/v1/Trunks?Page=1`. */
export function rewriteTwilioUrl(original: string, apiUrl: URL | string): string {
  const from = new URL(original);
  const base = typeof apiUrl === 'string' ? new URL(apiUrl) : apiUrl;
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}${from.pathname}${from.search}`;
}

function createRewritingRequestClient(
  Base: typeof RequestClient,
  apiUrl: URL,
  options: RequestClient.RequestClientOptions,
): RequestClient {
  class RewritingRequestClient extends Base {
    override request<TData>(req: RequestClient.RequestOptions<TData>) {
      return super.request({ ...req, uri: rewriteTwilioUrl(req.uri, apiUrl) });
    }
  }
  return new RewritingRequestClient(options);
}

function parseApiUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TwilioError(`BBB_TWILIO_API_URL is not a URL: ${value}`, {
      failure: 'invalid-request',
      hint: 'use a base URL like http://127.0.0.1:8099, or unset it to use the real Twilio API',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TwilioError(`BBB_TWILIO_API_URL must be http:// or https://, not ${url.protocol}`, {
      failure: 'invalid-request',
      hint: 'use a base URL like http://127.0.0.1:8099',
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new TwilioError('BBB_TWILIO_API_URL must not carry a user name or password', {
      failure: 'invalid-request',
      hint: 'the Twilio credentials are sent as HTTP Basic auth already; remove user:password@ from the URL',
    });
  }
  return url;
}
