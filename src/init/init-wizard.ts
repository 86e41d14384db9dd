// `bbb-twilio init`: what it detects on the server, what it asks (each question also a flag), and the checks
// on the answers. Interactive or not, the same questions in the same order; only how they are answered differs.

import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { isIpv4 } from '../net/ipv4.js';
import { TwilioError } from '../twilio/twilio-error.js';
import type { ServerFacts } from '../host/detect-facts.js';
import type { TwilioAccess } from '../twilio/twilio-access.js';
import type { TwilioSignIn } from '../twilio/twilio-client.js';
import { type IncomingNumberView, listIncomingNumbers } from '../twilio/resources/account-reads.js';
import { currentDestination } from '../twilio/resources/phone-numbers.js';
import { UsageError } from '../errors.js';
import type { Ask } from './ask.js';
import type { AddressCandidate } from './detect-public-ip.js';
import { isPublicIpv4 } from './detect-public-ip.js';
import type { InitAnswers } from './render-init-config.js';

export interface InitFlags {
  publicIp?: string;
  number?: string[];
  profile?: string;
  accountSid?: string;
  /** Sign in with this API key (SK...) and TWILIO_API_KEY_SECRET instead of the auth token. */
  apiKeySid?: string;
  /** False with --no-twilio-account: no Twilio account is managed from here; the numbers are typed. */
  twilioAccount?: boolean;
  storeToken?: boolean;
}

export interface WizardContext {
  ask: Ask;
  flags: InitFlags;
  facts: ServerFacts;
  candidates: AddressCandidate[];
  /** TWILIO_AUTH_TOKEN, when set. */
  envToken: string | undefined;
  /** TWILIO_API_KEY_SECRET, when set. */
  envApiKeySecret?: string | undefined;
  /** The account to list numbers from, once SID and token (or API key) are known. */
  account: (accountSid: string, signIn: TwilioSignIn) => TwilioAccess;
  configFile: string;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

function checkPublicIp(value: string): string | undefined {
  if (!isIpv4(value)) return `"${value}" is not an IPv4 address (like 203.0.113.10)`;
  if (!isPublicIpv4(value)) return `${value} is a private or reserved address: Twilio cannot reach it; give the server's public address`;
  return undefined;
}

const checkAccountSid = (value: string): string | undefined =>
  ACCOUNT_SID.test(value) ? undefined : 'an Account SID is AC followed by 32 hex digits (Twilio Console, Account Info)';

const checkApiKeySid = (value: string): string | undefined =>
  API_KEY_SID.test(value) ? undefined : 'an API key SID is SK followed by 32 hex digits (Twilio Console > Account > API keys)';

/** A flag's value, checked like the question's answer would be. */
function flagged<T extends string>(flag: string, value: string | undefined, check: (v: string) => string | undefined): T | undefined {
  if (value === undefined) return undefined;
  const problem = check(value);
  if (problem !== undefined) throw new UsageError(`${flag}: ${problem}`, `fix ${flag} (without --non-interactive, leave it out to be asked)`);
  return value as T;
}

export interface CollectedAnswers {
  answers: InitAnswers;
  /** How to sign in, for the plan that ends the wizard even when the secret is not stored; undefined without an account. */
  signIn: TwilioSignIn | undefined;
  /** False when the Twilio API failed and the numbers were typed: the closing plan leaves the Twilio side out. */
  twilioReachable: boolean;
}

/** The answers, and how to sign in (needed for the plan that ends the wizard even when the secret is not stored). */
export async function collectAnswers(ctx: WizardContext): Promise<CollectedAnswers> {
  const { ask, flags, facts, candidates } = ctx;
  ask.note(detectedSummary(facts, candidates), 'Detected on this server');

  const publicIp =
    flagged<string>('--public-ip', flags.publicIp, checkPublicIp) ??
    (await ask.text({
      message: "The server's public IPv4 address (Twilio sends calls there)",
      flag: '--public-ip',
      ...(candidates[0] === undefined ? {} : { initial: candidates[0].address }),
      validate: checkPublicIp,
    }));

  if (flags.twilioAccount === false && flags.accountSid !== undefined) {
    throw new UsageError('--account-sid and --no-twilio-account contradict each other; nothing was written', 'keep one of them');
  }
  const accountSid =
    flags.twilioAccount === false
      ? ''
      : (flagged<string>('--account-sid', flags.accountSid, checkAccountSid) ??
        (await ask.text({
          message: 'Twilio Account SID (Console > Account Info; leave empty to type the numbers and set up Twilio in the Console yourself)',
          flag: '--account-sid',
          hint: 'pass --account-sid, or --no-twilio-account with --number to set up the Twilio side in the Console yourself',
          validate: (v) => (v === '' ? undefined : checkAccountSid(v)),
        })));
  if (accountSid === '') {
    ask.info('No Twilio account: bbb-twilio sets up this server; the trunk and its numbers are yours to set up in the Twilio Console.');
    const numbers = await typedNumbers(ctx);
    return { answers: { publicIp, numbers, profile: await askProfile(ctx) }, signIn: undefined, twilioReachable: false };
  }

  const signIn = await askSignIn(ctx);
  const access = ctx.account(accountSid, signIn);
  let owned: IncomingNumberView[] | null = null;
  try {
    owned = await ask.step('Reading the phone numbers of the Twilio account', 'Read the phone numbers of the Twilio account', () => listIncomingNumbers(access));
  } catch (err) {
    if (!(err instanceof TwilioError)) throw err;
    // The config does not depend on the API: keep the account, type the numbers, let plan check them later.
    ask.warn(`${err.message}: type the numbers by hand; the config keeps the account, and bbb-twilio plan checks them once Twilio answers`);
  }
  if (owned?.length === 0) {
    throw new TwilioError(`Twilio account ${accountSid} has no phone numbers`, {
      failure: 'number',
      hint: 'buy one in the Twilio Console > Phone Numbers (a trial account may have one), then run init again',
    });
  }
  const numbers =
    owned === null ? await typedNumbers(ctx) : flags.number?.length ? flagNumbers(flags.number, owned, accountSid) : await pickNumbers(ask, owned);
  const profile = await askProfile(ctx);

  const [secretName, secretEnv] = signIn.apiKey === undefined ? ['auth token', 'TWILIO_AUTH_TOKEN'] : ['API key secret', 'TWILIO_API_KEY_SECRET'];
  const storeToken =
    flags.storeToken ??
    (ask.interactive
      ? await ask.confirm({
          message: `Store the ${secretName} in ${ctx.configFile} (mode 0600)? Otherwise set ${secretEnv} whenever you run bbb-twilio`,
          flag: '--store-token',
          initial: false,
        })
      : false);

  const credentials =
    signIn.apiKey === undefined
      ? storeToken ? { authToken: signIn.authToken } : {}
      : { apiKeySid: signIn.apiKey.sid, ...(storeToken ? { apiKeySecret: signIn.apiKey.secret } : {}) };
  return { answers: { publicIp, numbers, profile, accountSid, ...credentials }, signIn, twilioReachable: owned !== null };
}

/**
 * An API key (Twilio's advice: it can be revoked alone) or the account's auth token. --api-key-sid or a typed
 * choice picks the key; TWILIO_AUTH_TOKEN in the environment, or --non-interactive without the flag, the token.
 */
async function askSignIn(ctx: WizardContext): Promise<TwilioSignIn> {
  const { ask, flags } = ctx;
  let keySid = flagged<string>('--api-key-sid', flags.apiKeySid, checkApiKeySid);
  if (keySid === undefined && ask.interactive && !ctx.envToken) {
    const how = await ask.select<'api-key' | 'auth-token'>({
      message: 'How should bbb-twilio sign in to Twilio?',
      flag: '--api-key-sid',
      initial: 'api-key',
      choices: [
        { value: 'api-key', label: 'with an API key (recommended by Twilio)', hint: 'Console > Account > API keys: a Standard key can be revoked alone' },
        { value: 'auth-token', label: "with the account's auth token" },
      ],
    });
    if (how === 'api-key') keySid = await ask.text({ message: 'API key SID (SK...)', flag: '--api-key-sid', validate: checkApiKeySid });
  }
  if (keySid !== undefined) {
    const secret = await secretFromEnvOrPrompt(ask, ctx.envApiKeySecret, 'TWILIO_API_KEY_SECRET', 'the API key secret', 'API key secret (shown once when the key was created; shown as dots)');
    return { apiKey: { sid: keySid, secret } };
  }
  return { authToken: await secretFromEnvOrPrompt(ask, ctx.envToken, 'TWILIO_AUTH_TOKEN', 'the auth token', 'Twilio auth token (Console > Account Info; shown as dots)') };
}

/** A secret from its environment variable when set, else typed as dots; never a flag (flags end up in shell history). */
async function secretFromEnvOrPrompt(ask: Ask, fromEnv: string | undefined, variable: string, what: string, message: string): Promise<string> {
  if (fromEnv !== undefined && fromEnv !== '') {
    ask.info(`Using ${what} from ${variable}.`);
    return fromEnv;
  }
  return ask.secret({
    message,
    flag: variable,
    hint: `set ${variable} in the environment (${what} is never a flag: flags end up in shell history)`,
    validate: (v) => (v === '' ? `${what} is needed to list your numbers and to set up the trunk` : undefined),
  });
}

async function askProfile({ ask, flags, facts }: WizardContext): Promise<'dedicated' | 'external'> {
  return (
    flagged<'dedicated' | 'external'>('--profile', flags.profile, (v) => (v === 'dedicated' || v === 'external' ? undefined : `"${v}" is not a profile mode: use dedicated or external`)) ??
    (await ask.select<'dedicated' | 'external'>({
      message: 'How should FreeSWITCH receive the calls?',
      flag: '--profile',
      initial: 'dedicated',
      choices: [
        { value: 'dedicated', label: 'dedicated profile on port 5080 (recommended)', hint: "nothing of BBB's is edited; no call is dropped" },
        { value: 'external', label: `BBB's external profile on port ${facts.externalSipPort}`, hint: 'applying restarts it, which drops web audio' },
      ],
    }))
  );
}

/** Numbers with no account to list them from: the --number flags, else typed at the prompt. */
async function typedNumbers({ ask, flags }: WizardContext): Promise<string[]> {
  if (flags.number?.length) return flags.number.map(flagNumber);
  const typed = await ask.text({
    message: 'The Twilio numbers callers dial, with their country code (comma-separated: +1 613 555 0142, +44 20 7946 0018)',
    flag: '--number',
    validate: (v) => {
      const parts = splitNumbers(v);
      if (parts.length === 0) return 'type at least one number';
      const bad = parts.find((p) => toE164(p) === undefined);
      return bad === undefined ? undefined : `"${bad}" is not a phone number in international format (like +16135550142)`;
    },
  });
  return splitNumbers(typed).map((p) => toE164(p) ?? p);
}

function splitNumbers(text: string): string[] {
  return text.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

function toE164(value: string): string | undefined {
  try {
    const parsed = parsePhoneNumberWithError(value);
    return parsed.isValid() ? parsed.number : undefined;
  } catch {
    return undefined;
  }
}

function flagNumber(value: string): string {
  const e164 = toE164(value);
  if (e164 === undefined) {
    throw new UsageError(`--number: "${value}" is not a phone number in international format`, 'write it with its country code, like +16135550142');
  }
  return e164;
}

function detectedSummary(facts: ServerFacts, candidates: AddressCandidate[]): string {
  return [
    `BigBlueButton ${facts.bbbVersion ?? '(version unknown)'}`,
    `PIN length ${facts.pinLength.value} (${facts.pinLength.source})`,
    `firewall: ${facts.ufwInstalled ? 'ufw installed' : 'no ufw: open the SIP port to Twilio yourself'}`,
    `public address: ${candidates.length === 0 ? 'none found (vars.xml and, on the server itself, its interfaces have no public IPv4)' : candidates.map((c) => `${c.address} (${c.source})`).join(', ')}`,
  ].join('\n');
}

function flagNumbers(values: string[], owned: IncomingNumberView[], accountSid: string): string[] {
  return values.map((value) => {
    const e164 = flagNumber(value);
    if (!owned.some((n) => n.phoneNumber === e164)) {
      throw new TwilioError(`--number: ${e164} is not a phone number of Twilio account ${accountSid}`, {
        failure: 'number',
        hint: `the account has ${owned.map((n) => n.phoneNumber).join(', ')}`,
      });
    }
    return e164;
  });
}

async function pickNumbers(ask: Ask, owned: IncomingNumberView[]): Promise<string[]> {
  // Where each number's calls go today is part of its label (a hint shows only on the focused line).
  const choices = owned.map((n) => {
    const elsewhere = currentDestination(n, undefined);
    const name = n.friendlyName && n.friendlyName !== n.phoneNumber ? `  ${n.friendlyName}` : '';
    return { value: n.phoneNumber, label: `${n.phoneNumber}${name}  (${elsewhere === undefined ? 'free' : `now goes to ${elsewhere}`})` };
  });
  return ask.multiselect({
    message: 'Which numbers should dial into meetings? (space selects, enter confirms)',
    flag: '--number',
    choices,
    initial: owned.filter((n) => currentDestination(n, undefined) === undefined).map((n) => n.phoneNumber),
  });
}
