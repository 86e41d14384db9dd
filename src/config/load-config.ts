import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';
import { parseDocument, LineCounter } from 'yaml';
import { ConfigError } from '../errors.js';
import { ConfigLocator, SEE_EXAMPLE, yamlSyntaxError, zodIssueToConfigError } from './config-errors.js';
import { generateTwilioPassword } from '../twilio/sip-password.js';
import { configSchema, type Config, type PhoneNumber, type RawConfig } from './schema.js';

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
  const data: unknown = doc.toJS() ?? {};
  const locate = new ConfigLocator(file, doc, lineCounter);
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0) {
    throw new ConfigError(`${file}: the file is empty; it needs at least server.publicIp and numbers`, { file, hint: SEE_EXAMPLE });
  }
  const result = configSchema.safeParse(data);
  if (!result.success) throw zodIssueToConfigError(result.error, data, locate);
  return normalise(result.data, locate, opts);
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
      forceNumbers: raw.twilio.forceNumbers,
      termination:
        termination && terminationPassword
          ? {
              domain: termination.domain,
              username: termination.username,
              password: terminationPassword,
              ...(passwordGenerated ? { passwordGenerated } : {}),
              ...(env.BBB_TWILIO_TERMINATION_PASSWORD ? { passwordFromEnv: true } : {}),
            }
          : undefined,
    },
    firewall: { backend: raw.firewall.backend },
  };
}

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
  const fail = (why: string): ConfigError =>
    new ConfigError(`${file}${line === undefined ? '' : `:${line}`}: ${key}: "${value}" ${why}`, {
      file,
      key,
      hint: 'write the number with its country code, like "+1 613-555-0142" (or set server.country)',
    });
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(value, country);
  } catch {
    throw fail('is not a phone number');
  }
  if (!parsed.isValid()) throw fail('is not a valid phone number');
  return { e164: parsed.number, display: parsed.formatInternational() };
}
