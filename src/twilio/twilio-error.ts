// A Twilio API call that failed, as one line for people plus a hint.
// `toTwilioError` maps what the SDK throws (RestException, TwilioServiceException, axios network
// errors) to a TwilioError. It reads only the fields it names, never the request's headers or config,
// so the auth token (sent as HTTP Basic auth) cannot end up in a message.

import { BbbTwilioError } from '../errors.js';

/** What kind of failure it was, for callers that react differently (e.g. retry, adopt, stop). */
export type TwilioFailure =
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'number'
  | 'invalid-request'
  | 'server'
  | 'timeout'
  | 'network'
  | 'unknown';

export class TwilioError extends BbbTwilioError {
  /** Twilio's error code (20003, 20404, 20429, 21452...), when Twilio answered with one. */
  readonly code: number | undefined;
  /** The HTTP status, when Twilio answered at all. */
  readonly status: number | undefined;
  readonly failure: TwilioFailure;
  /** Twilio's documentation link for the code. */
  readonly moreInfo: string | undefined;

  constructor(
    message: string,
    opts: { code?: number; status?: number; failure?: TwilioFailure; moreInfo?: string; hint?: string } = {},
  ) {
    super('twilio', message, opts.hint);
    this.code = opts.code;
    this.status = opts.status;
    this.failure = opts.failure ?? 'unknown';
    this.moreInfo = opts.moreInfo;
  }
}

const CREDENTIALS_HINT =
  'check TWILIO_AUTH_TOKEN (or twilio.authToken in the config) and twilio.accountSid: ' +
  'both are on the Twilio Console dashboard, and the token must belong to that account ' +
  '(with twilio.apiKeySid: TWILIO_API_KEY_SECRET must be that key\'s secret, and the key must not be revoked)';

/** Map anything a Twilio SDK call threw to a TwilioError. `doing` reads after "could not": `list trunks`. */
export function toTwilioError(err: unknown, doing: string): TwilioError {
  if (err instanceof TwilioError) return err;
  const status = numberProp(err, 'status');
  if (status !== undefined && err instanceof Error) return fromApiAnswer(err, status, doing);
  const network = fromNetworkError(err, doing);
  if (network !== undefined) return network;
  const text = err instanceof Error ? err.message : String(err);
  return new TwilioError(`Could not ${doing}: ${oneLine(text)}`, { failure: 'unknown' });
}

/** Twilio answered with an error: RestException (code, message, moreInfo) or RFC 9457 (title, detail). */
function fromApiAnswer(err: Error, status: number, doing: string): TwilioError {
  const code = numberProp(err, 'code') || undefined;
  const moreInfo = stringProp(err, 'moreInfo') ?? stringProp(err, 'type') ?? docsLink(code);
  const twilioSays = oneLine(stringProp(err, 'detail') ?? (err.message || stringProp(err, 'title') || ''));
  const tag = code === undefined ? `HTTP ${status}` : `Twilio error ${code}, HTTP ${status}`;
  const seeAlso = moreInfo === undefined ? '' : ` (${moreInfo})`;
  const build = (failure: TwilioFailure, summary: string, hint: string): TwilioError =>
    new TwilioError(`Could not ${doing}: ${summary} [${tag}]`, {
      code,
      status,
      failure,
      ...(moreInfo === undefined ? {} : { moreInfo }),
      hint: hint + seeAlso,
    });

  if (code === 20003 || status === 401) {
    return build('auth', 'Twilio rejected the Account SID or auth token', CREDENTIALS_HINT);
  }
  if (code === 20429 || status === 429) {
    return build(
      'rate-limited',
      'Twilio is rate limiting this account (too many requests, retried with backoff)',
      'wait a minute and run the command again: every step is idempotent and picks up where it stopped',
    );
  }
  if (code === 20404 || status === 404) {
    return build(
      'not-found',
      `Twilio has no such resource${twilioSays ? `: ${twilioSays}` : ''}`,
      'it may have been deleted in the Twilio Console, or it belongs to another account; ' +
        'run `bbb-twilio plan` to see what is missing',
    );
  }
  if (code === TERMINATION_DOMAIN_TAKEN) {
    return build(
      'invalid-request',
      `the termination domain is taken${twilioSays ? `: ${twilioSays}` : ''}`,
      'termination domains are unique across all of Twilio: choose another twilio.termination.domain ' +
        '(<a-name-of-your-own>.pstn.twilio.com) and run apply again; dial-in works meanwhile',
    );
  }
  if (code !== undefined && isPhoneNumberCode(code)) {
    return build(
      'number',
      `Twilio refused the phone number${twilioSays ? `: ${twilioSays}` : ''}`,
      'check that every entry in `numbers` is written in E.164 (+16135550142) and is bought in this ' +
        'Twilio account (Console > Phone Numbers > Active numbers)',
    );
  }
  if (code === 20403 || status === 403) {
    return build(
      'forbidden',
      `Twilio refused access${twilioSays ? `: ${twilioSays}` : ''}`,
      'the account or API key may lack Elastic SIP Trunking permissions, or it is a trial/suspended account',
    );
  }
  if (status >= 500) {
    return build(
      'server',
      `Twilio had an internal error${twilioSays ? `: ${twilioSays}` : ''}`,
      'retry in a few minutes and check https://status.twilio.com',
    );
  }
  return build(
    'invalid-request',
    `Twilio rejected the request${twilioSays ? `: ${twilioSays}` : ''}`,
    'check the values in the config for this resource',
  );
}

/** Twilio's answer to a termination domain another trunk (in any account) already has. */
export const TERMINATION_DOMAIN_TAKEN = 21248;

/** Phone-number errors: 21211-21219 (invalid number), 214xx (provisioning, e.g. 21421, 21422, 21452). */
function isPhoneNumberCode(code: number): boolean {
  return (code >= 21211 && code <= 21219) || (code >= 21400 && code <= 21499);
}

/** axios / Node network failures: the request never got an HTTP answer. */
function fromNetworkError(err: unknown, doing: string): TwilioError | undefined {
  const code = stringProp(err, 'code') ?? stringProp(propOf(err, 'cause'), 'code');
  const message = err instanceof Error ? err.message : '';
  const host = requestHost(err);
  const where = host === undefined ? 'the Twilio API' : host;
  const local = host !== undefined && !/(^|\.)twilio\.com$/i.test(host);
  const addressHint = local
    ? `BBB_TWILIO_API_URL points at ${host}: check that something listens there, or unset it to use the real Twilio API`
    : 'check that this server can reach api.twilio.com and trunking.twilio.com over HTTPS (firewall, proxy, DNS)';

  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) {
    return new TwilioError(`Could not ${doing}: ${where} did not answer in time (${code ?? 'timeout'})`, {
      failure: 'timeout',
      hint: `${addressHint}; a slow link may need a longer timeout`,
    });
  }
  if (code === 'ECONNREFUSED') {
    return new TwilioError(`Could not ${doing}: connection refused by ${where} (ECONNREFUSED)`, {
      failure: 'network',
      hint: addressHint,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new TwilioError(`Could not ${doing}: cannot resolve ${where} (${code})`, {
      failure: 'network',
      hint: local ? addressHint : 'check the DNS resolver of this server (/etc/resolv.conf) and its outbound network',
    });
  }
  if (code !== undefined && /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(code)) {
    return new TwilioError(`Could not ${doing}: network error talking to ${where} (${code})`, {
      failure: 'network',
      hint: addressHint,
    });
  }
  return undefined;
}

/** The host the failed request went to, from axios' error config (only the URL's host is read). */
function requestHost(err: unknown): string | undefined {
  const url = stringProp(propOf(err, 'config'), 'url');
  if (url === undefined) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function docsLink(code: number | undefined): string | undefined {
  return code === undefined ? undefined : `https://www.twilio.com/docs/errors/${code}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function propOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function numberProp(value: unknown, key: string): number | undefined {
  const v = propOf(value, key);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function stringProp(value: unknown, key: string): string | undefined {
  const v = propOf(value, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}
