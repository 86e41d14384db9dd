// Which sides a run covers (`--only host|twilio`) and the Twilio account it talks to. By default a plan covers
// both when Twilio credentials are present (twilio.accountSid, and a token from TWILIO_AUTH_TOKEN or the
// config); without them, the host only, with a note saying why. The SDK is not loaded here: the access
// creates its client on the first call, so a host-only run never loads it.

import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { PlanWarning } from '../model/change.js';
import type { Side } from '../plan/build-plan.js';
import { type TwilioAccess, createTwilioAccess, signInOf } from '../twilio/twilio-access.js';
import type { TwilioSignIn } from '../twilio/twilio-client.js';

export interface SideSelection {
  sides: Side[];
  twilio?: TwilioAccess;
  /** Said in the plan: why the Twilio side was left out. */
  notes: PlanWarning[];
}

const CREDENTIALS_HINT =
  'set twilio.accountSid in the config and TWILIO_AUTH_TOKEN in the environment (or twilio.authToken in the 0600 config; ' +
  'or an API key: twilio.apiKeySid and TWILIO_API_KEY_SECRET)';

/**
 * `only`: the --only option as given. `defaultSides`: what the command covers without --only (plan and apply:
 * both when credentials are present; uninstall: the host, or both with --twilio).
 */
export function selectSides(only: string | undefined, config: Config, env: NodeJS.ProcessEnv, defaultSides?: Side[]): SideSelection {
  if (only !== undefined && only !== 'host' && only !== 'twilio') {
    throw new UsageError(`--only takes host or twilio, not "${only}"`, 'use --only host (files, firewall, services) or --only twilio (the Twilio account)');
  }
  const { accountSid } = config.twilio;
  const signIn = signInOf(config.twilio);
  const notes: PlanWarning[] = [];
  const wanted: Side[] = only !== undefined ? [only] : (defaultSides ?? ['host', 'twilio']);
  if (!wanted.includes('twilio')) return { sides: wanted, notes };
  if (accountSid === undefined || signIn === undefined) {
    const missing = accountSid === undefined ? 'twilio.accountSid' : 'an auth token (TWILIO_AUTH_TOKEN or twilio.authToken)';
    if (only === 'twilio' || defaultSides?.includes('twilio')) {
      throw new UsageError(`the Twilio side needs Twilio credentials: ${missing} is missing`, CREDENTIALS_HINT);
    }
    if (accountSid !== undefined) {
      notes.push({ level: 'note', message: `the Twilio side is not planned: ${missing} is missing`, hint: CREDENTIALS_HINT });
    }
    return { sides: ['host'], notes };
  }
  return { sides: wanted, twilio: twilioAccessFor(accountSid, signIn, env), notes };
}

/** The account with where its requests go (BBB_TWILIO_API_URL) and their timeout (BBB_TWILIO_API_TIMEOUT_MS). */
export function twilioAccessFor(accountSid: string, signIn: TwilioSignIn, env: NodeJS.ProcessEnv): TwilioAccess {
  return createTwilioAccess({
    accountSid,
    ...signIn,
    ...(env.BBB_TWILIO_API_URL ? { apiUrl: env.BBB_TWILIO_API_URL } : {}),
    ...timeout(env),
  });
}

/** BBB_TWILIO_API_TIMEOUT_MS: per-request timeout for slow links (the SDK's default is 30 s). */
function timeout(env: NodeJS.ProcessEnv): { timeoutMs?: number } {
  const raw = env.BBB_TWILIO_API_TIMEOUT_MS;
  if (raw === undefined || raw === '') return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new UsageError(`BBB_TWILIO_API_TIMEOUT_MS must be a whole number of milliseconds, not "${raw}"`, 'e.g. BBB_TWILIO_API_TIMEOUT_MS=60000, or unset it');
  }
  return { timeoutMs: ms };
}

/** The line under the plan's header that says which Twilio account the plan reads, and through where. */
export function describeTwilioTarget(access: TwilioAccess | undefined): { text: string; sandbox: boolean } | undefined {
  if (access === undefined) return undefined;
  if (access.apiUrl === undefined) return { text: `Twilio account ${access.accountSid} (api.twilio.com)`, sandbox: false };
  return {
    text: `Twilio API redirected by BBB_TWILIO_API_URL to ${access.apiUrl}: NOT the real Twilio (account ${access.accountSid})`,
    sandbox: true,
  };
}
