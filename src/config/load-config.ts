import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';
import { parseDocument, LineCounter, type Document } from 'yaml';
import { ConfigError } from '../errors.js';
import { ConfigLocator, SEE_EXAMPLE, yamlSyntaxError, zodIssueToConfigError } from './config-errors.js';
import { TWILIO_PASSWORD_RULES, generateTwilioPassword, terminationPasswordProblem } from '../twilio/sip-password.js';
import { configSchema, parseHostPort, type Config, type PhoneNumber, type RawConfig } from './schema.js';

/** yaml's own default: far more than any real config uses, far less than a resource-exhaustion attack needs. */
const MAX_ALIAS_COUNT = 100;

export interface LoadOptions {
  /** Environment for secrets (`BBB_TWILIO_TERMINATION_PASSWORD`, `TWILIO_AUTH_TOKEN`, `TWILIO_API_KEY_SECRET`). */
  env?: NodeJS.ProcessEnv;
  /** Permission bits of the file, to refuse secrets in a file others can read. */
  fileMode?: number;
  /**
   * When twilio.termination has no password (and BBB_TWILIO_TERMINATION_PASSWORD is unset), generate one that
   * meets Twilio's rules instead of refusing (`termination.passwordGenerated`); apply stores it in the file.
   */
  generateMissingPassword?: boolean;
}

/** Parse and validate the YAML text of a config file. Every error names the file, line and key. */
export function parseConfig(text: string, file: string, opts: LoadOptions = {}): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) throw yamlSyntaxError(yamlError, file, lineCounter);
  const data: unknown = expandAliases(doc, file);
  const locate = new ConfigLocator(file, doc, lineCounter);
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0) {
    throw new ConfigError(`${file}: the file is empty; it needs at least server.publicIp and numbers`, { file, hint: SEE_EXAMPLE });
  }
  const result = configSchema.safeParse(data);
  if (!result.success) throw zodIssueToConfigError(result.error, data, locate);
  return normalise(result.data, locate, opts);
}

/** The document as plain data; aliases that expand without end (a "billion laughs" file) are refused, not run. */
function expandAliases(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new ConfigError(`${file}: its YAML aliases (*name) expand to too much data (an alias bomb: over ${MAX_ALIAS_COUNT} copies of an anchor)`, {
      file,
      hint: 'write the values out instead of aliasing them; a bbb-twilio config needs no anchors or aliases',
    });
  }
}

function normalise(raw: RawConfig, locate: ConfigLocator, opts: LoadOptions): Config {
  const file = locate.file;
  const env = opts.env ?? process.env;
  const country = raw.server.country as CountryCode | undefined;
  const numbers: PhoneNumber[] = [];
  const seen = new Map<string, number>();
  raw.numbers.forEach((entry, i) => {
    const value = typeof entry === 'string' ? entry : entry.number;
    const label = typeof entry === 'string' ? undefined : entry.label;
    const parsed = parsePhone(value, country, file, `numbers.${i}`, locate.line(['numbers', i]));
    const earlier = seen.get(parsed.e164);
    if (earlier !== undefined) {
      throw new ConfigError(`${locate.where(['numbers', i])}: numbers.${i}: "${value}" is listed twice (${parsed.e164}, also numbers.${earlier})`, {
        file,
        key: `numbers.${i}`,
        hint: 'list each Twilio number once',
      });
    }
    seen.set(parsed.e164, i);
    numbers.push({ ...parsed, label });
  });

  const termination = raw.twilio.termination;
  const givenPassword = env.BBB_TWILIO_TERMINATION_PASSWORD || termination?.password;
  const passwordGenerated = Boolean(termination && !givenPassword && opts.generateMissingPassword);
  const terminationPassword = passwordGenerated ? generateTwilioPassword() : givenPassword;
  if (termination && !terminationPassword) {
    throw new ConfigError(`${locate.where(['twilio', 'termination'])}: twilio.termination.password is missing`, {
      file,
      key: 'twilio.termination.password',
      hint: 'set it in the config file (mode 0600) or in BBB_TWILIO_TERMINATION_PASSWORD',
    });
  }
  if (termination && terminationPassword && !passwordGenerated) {
    checkTerminationPassword(terminationPassword, Boolean(env.BBB_TWILIO_TERMINATION_PASSWORD), locate);
  }
  const authToken = env.TWILIO_AUTH_TOKEN || raw.twilio.authToken;
  const apiKey = apiKeyOf(raw, env, locate);
  const secretsInFile = Boolean(raw.twilio.authToken || raw.twilio.apiKeySecret || termination?.password);
  if (secretsInFile && opts.fileMode !== undefined && (opts.fileMode & 0o077) !== 0) {
    throw new ConfigError(
      `${file}: holds a secret but is readable by others (mode ${(opts.fileMode & 0o777).toString(8).padStart(3, '0')})`,
      { file, hint: `run: chmod 600 ${file}` },
    );
  }

  return {
    file,
    server: { publicIp: raw.server.publicIp, country: raw.server.country },
    numbers,
    sip: raw.sip,
    dialin: { ...raw.dialin, pinLength: raw.dialin.pinLength },
    twilio: {
      accountSid: raw.twilio.accountSid,
      authToken,
      apiKey,
      trunkName: raw.twilio.trunkName,
      edge: raw.twilio.edge,
      signalingCidrs: raw.twilio.signalingCidrs,
      mediaCidrs: raw.twilio.mediaCidrs,
      forceNumbers: raw.twilio.forceNumbers,
      termination:
        termination && terminationPassword
          ? {
              domain: termination.domain,
              username: termination.username,
              password: terminationPassword,
              ...(passwordGenerated ? { passwordGenerated } : {}),
            }
          : undefined,
    },
    firewall: { backend: raw.firewall.backend },
    callService: {
      ...raw.callService,
      listen: parseHostPort(raw.callService.listen),
      metrics: parseHostPort(raw.callService.metrics),
    },
  };
}

const PASSWORD_NEEDS = `${TWILIO_PASSWORD_RULES}, without "$\${"`;

/** Refused before Twilio or FreeSWITCH sees it, blaming where it came from; the password itself is never shown. */
function checkTerminationPassword(password: string, fromEnv: boolean, locate: ConfigLocator): void {
  const problem = terminationPasswordProblem(password);
  if (problem === undefined) return;
  const file = locate.file;
  if (fromEnv) {
    throw new ConfigError(`BBB_TWILIO_TERMINATION_PASSWORD ${problem}`, {
      file,
      key: 'BBB_TWILIO_TERMINATION_PASSWORD',
      hint: `set another password in that environment variable (${PASSWORD_NEEDS}), or unset it to use the config file's`,
    });
  }
  throw new ConfigError(`${locate.where(['twilio', 'termination', 'password'])}: twilio.termination.password ${problem}`, {
    file,
    key: 'twilio.termination.password',
    hint: `choose another password (${PASSWORD_NEEDS}), or remove it from the config and let apply generate one`,
  });
}

/** What a number may hold besides digits: the separators people write (`+1 (613) 555-0142`, `030/1234567`). */
const PHONE_CHARACTERS = /^\+?[\d\s().\-/]+$/;

/** twilio.apiKeySid with its secret (TWILIO_API_KEY_SECRET wins over twilio.apiKeySecret); one without the other is an error. */
function apiKeyOf(raw: RawConfig, env: NodeJS.ProcessEnv, locate: ConfigLocator): Config['twilio']['apiKey'] {
  const sid = raw.twilio.apiKeySid;
  const secret = env.TWILIO_API_KEY_SECRET || raw.twilio.apiKeySecret;
  if (sid === undefined) {
    if (raw.twilio.apiKeySecret === undefined) return undefined;
    throw new ConfigError(`${locate.where(['twilio', 'apiKeySecret'])}: twilio.apiKeySecret is set but twilio.apiKeySid is not`, {
      file: locate.file,
      key: 'twilio.apiKeySid',
      hint: 'add the key\'s SID (SK..., Twilio Console > Account > API keys) as twilio.apiKeySid, or remove twilio.apiKeySecret',
    });
  }
  if (!secret) {
    throw new ConfigError(`${locate.where(['twilio', 'apiKeySid'])}: twilio.apiKeySid needs the key's secret`, {
      file: locate.file,
      key: 'twilio.apiKeySecret',
      hint: 'set TWILIO_API_KEY_SECRET in the environment (or twilio.apiKeySecret in the 0600 config)',
    });
  }
  return { sid, secret };
}

export function parsePhone(
  value: string,
  country: CountryCode | undefined,
  file: string,
  key: string,
  line?: number,
): { e164: string; display: string } {
  const withCountry = 'write the number with its country code, like "+1 613-555-0142" (or set server.country)';
  const fail = (why: string, hint = withCountry): ConfigError =>
    new ConfigError(`${file}${line === undefined ? '' : `:${line}`}: ${key}: "${value}" ${why}`, { file, key, hint });
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(value, country);
  } catch {
    throw fail('is not a phone number');
  }
  // libphonenumber reads past an extension and past trailing text; a Twilio number has neither, and what the
  // config holds is shown to every meeting, so it must be the number alone.
  if (parsed.ext !== undefined) {
    throw fail(
      `has an extension (${parsed.ext}): callers cannot dial one to a Twilio number`,
      'remove the extension: list the Twilio number alone, like "+1 613-555-0142"',
    );
  }
  if (!PHONE_CHARACTERS.test(value)) {
    throw fail(
      'has text that is not part of a phone number (only digits, spaces and + ( ) - . / are allowed)',
      'write the number alone, like "+1 613-555-0142"',
    );
  }
  if (!parsed.isValid()) throw fail('is not a valid phone number');
  return { e164: parsed.number, display: parsed.formatInternational() };
}
