import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';
import { parseDocument, LineCounter } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config, type PhoneNumber, type RawConfig } from './schema.js';

export interface LoadOptions {
  /** Environment for secrets (`BBB_TWILIO_TERMINATION_PASSWORD`, `TWILIO_AUTH_TOKEN`). */
  env?: NodeJS.ProcessEnv;
  /** Permission bits of the file, to refuse secrets in a file others can read. */
  fileMode?: number;
}

/** Parse and validate the YAML text of a config file. Every error names the file and key. */
export function parseConfig(text: string, file: string, opts: LoadOptions = {}): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    throw new ConfigError(`${file}${pos ? `:${pos.line}` : ''}: not valid YAML: ${firstLine(yamlError.message)}`, {
      file,
      hint: 'fix the YAML syntax (indentation with spaces, "quotes" around values with ":" or "#")',
    });
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data);
  if (!result.success) {
    throw zodToConfigError(result.error, file, doc, lineCounter);
  }
  return normalise(result.data, file, opts);
}

function normalise(raw: RawConfig, file: string, opts: LoadOptions): Config {
  const env = opts.env ?? process.env;
  const country = raw.server.country as CountryCode | undefined;
  const numbers: PhoneNumber[] = [];
  const seen = new Set<string>();
  raw.numbers.forEach((entry, i) => {
    const value = typeof entry === 'string' ? entry : entry.number;
    const label = typeof entry === 'string' ? undefined : entry.label;
    const parsed = parsePhone(value, country, file, `numbers.${i}`);
    if (seen.has(parsed.e164)) {
      throw new ConfigError(`${file}: numbers.${i}: "${value}" is listed twice (${parsed.e164})`, {
        file,
        key: `numbers.${i}`,
        hint: 'list each Twilio number once',
      });
    }
    seen.add(parsed.e164);
    numbers.push({ ...parsed, label });
  });

  const termination = raw.twilio.termination;
  const terminationPassword = env.BBB_TWILIO_TERMINATION_PASSWORD || termination?.password;
  if (termination && !terminationPassword) {
    throw new ConfigError(`${file}: twilio.termination.password is missing`, {
      file,
      key: 'twilio.termination.password',
      hint: 'set it in the config file (mode 0600) or in BBB_TWILIO_TERMINATION_PASSWORD',
    });
  }
  const authToken = env.TWILIO_AUTH_TOKEN || raw.twilio.authToken;
  const secretsInFile = Boolean(raw.twilio.authToken || termination?.password);
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
      trunkName: raw.twilio.trunkName,
      edge: raw.twilio.edge,
      signalingCidrs: raw.twilio.signalingCidrs,
      termination:
        termination && terminationPassword
          ? { domain: termination.domain, username: termination.username, password: terminationPassword }
          : undefined,
    },
    firewall: { backend: raw.firewall.backend },
  };
}

export function parsePhone(
  value: string,
  country: CountryCode | undefined,
  file: string,
  key: string,
): { e164: string; display: string } {
  const fail = (why: string): ConfigError =>
    new ConfigError(`${file}: ${key}: "${value}" ${why}`, {
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

function zodToConfigError(
  error: z.ZodError,
  file: string,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): ConfigError {
  const issue = error.issues[0];
  if (!issue) return new ConfigError(`${file}: invalid configuration`, { file });
  const keyPath = issue.path.map(String);
  let key = keyPath.join('.');
  let message: string;
  let hint: string | undefined;
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0] ?? '';
    key = [...keyPath, unknown].join('.');
    message = `unknown key "${key}"`;
    hint = 'remove it or check its spelling against examples/config.yml';
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    message = `${key} is required`;
    hint = 'see examples/config.yml for the keys and what they mean';
  } else {
    const shown = issue.input === undefined || typeof issue.input === 'object' ? '' : ` "${String(issue.input)}"`;
    message = `${key}${shown} ${issue.message.replace(/^Invalid input: /, 'is invalid: ')}`;
    hint = 'see examples/config.yml for the allowed values';
  }
  const node = doc.getIn(keyPath.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), true) as
    | { range?: [number, number, number] }
    | undefined;
  const offset = node?.range?.[0];
  const line = offset === undefined ? undefined : lineCounter.linePos(offset).line;
  return new ConfigError(`${file}${line ? `:${line}` : ''}: ${message}`, { file, key, ...(hint ? { hint } : {}) });
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
