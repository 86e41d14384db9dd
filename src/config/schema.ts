import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { isIpv4, isIpv4Cidr, nonPublicIpv4 } from '../net/ipv4.js';

/** Twilio's published SIP signalling ranges (all edges: calls fail over between them). */
export const TWILIO_SIGNALING_CIDRS: readonly string[] = [
  '54.172.60.0/30',
  '54.244.51.0/30',
  '54.171.127.192/30',
  '35.156.191.128/30',
  '54.65.63.192/30',
  '54.169.127.128/30',
  '54.252.254.64/30',
  '177.71.206.192/30',
];

export const PIN_LENGTH_RULE = "must be 5 to 11 digits (BBB's bbb_conferences joins only 5- to 11-digit PINs)";
/** Where Twilio's media (RTP) comes from, all edges (since February 2024; from UDP ports 10000-60000). */
export const TWILIO_MEDIA_CIDRS: readonly string[] = ['168.86.128.0/18'];

const ipv4 = z.string().refine(isIpv4, { message: 'is not an IPv4 address (like 203.0.113.10)' });
// A lab or NAT address is only a risk (plan says so); one no host can take calls at is an error.
const publicIp = ipv4.superRefine((ip, ctx) => {
  const kind = nonPublicIpv4(ip);
  if (kind?.unusable) {
    ctx.addIssue({ code: 'custom', message: `is ${kind.what}: no server takes calls at it; give the server's public IPv4 address` });
  }
});
const cidr = z
  .string()
  .refine(isIpv4Cidr, { message: 'is not an IPv4 CIDR with its /bits (like 54.172.60.0/30)' });

/** `HOST:PORT` with an IPv4 host: where the call service listens (FreeSWITCH's `socket` app dials it). */
const hostPort = z
  .string()
  .regex(/^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/, 'must be IPV4:PORT, like 127.0.0.1:8084')
  .refine((v) => isIpv4(v.split(':')[0] ?? ''), { message: 'has no valid IPv4 address before the colon (like 127.0.0.1:8084)' })
  .refine((v) => { const port = Number(v.split(':')[1]); return port >= 1 && port <= 65535; }, { message: 'has a port outside 1-65535' });

export const CALL_SERVICE_DEFAULTS = {
  enabled: true,
  listen: '127.0.0.1:8084',
  metrics: '127.0.0.1:9466',
  digitTimeoutSeconds: 5,
  maxWaitMinutes: 30,
  lockout: { failures: 6, minutes: 15, globalPerMinute: 60 },
  keys: { toggleMute: ['*6', '0'] },
} as const;

const keySequence = z.string().regex(/^[0-9*#]{1,4}$/, 'must be 1 to 4 keypad keys (0-9, * or #), like *6');

const numberEntry = z.union([
  z.string().min(1),
  z.strictObject({ number: z.string().min(1), label: z.string().min(1).optional() }),
]);

export const configSchema = z.strictObject({
  server: z.strictObject({
    publicIp,
    /** Two-letter country for numbers written without a +country code. */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter country code like US, GB or DE')
      .refine(isSupportedCountry, 'is not a country code (ISO 3166, like US, GB or DE; the United Kingdom is GB)')
      .optional(),
  }),
  numbers: z.array(numberEntry).min(1, 'needs at least one Twilio phone number'),
  sip: z
    .strictObject({
      profile: z.enum(['dedicated', 'external']).default('dedicated'),
      port: z.number().int().min(1024).max(65535).default(5080),
    })
    .default({ profile: 'dedicated', port: 5080 }),
  dialin: z
    .strictObject({
      // BBB's bbb_conferences extension joins only `^(\d{5,11})$`: a shorter or longer PIN can never join.
      pinLength: z.number().int().min(5, PIN_LENGTH_RULE).max(11, PIN_LENGTH_RULE).optional(),
      tries: z.number().int().min(1).max(10).default(3),
      maskCallerId: z.boolean().default(true),
      maxCallMinutes: z.number().int().min(1).max(1440).default(240),
      allowAnonymous: z.boolean().default(false),
    })
    .default({ tries: 3, maskCallerId: true, maxCallMinutes: 240, allowAnonymous: false }),
  twilio: z
    .strictObject({
      accountSid: z
        .string()
        .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits (Twilio console, Account Info)')
        .optional(),
      authToken: z.string().min(1).optional(),
      /** An API key (Twilio's advice over the auth token); its secret from TWILIO_API_KEY_SECRET or apiKeySecret. */
      apiKeySid: z
        .string()
        .regex(/^SK[0-9a-fA-F]{32}$/, 'must be SK followed by 32 hex digits (Twilio Console, Account > API keys)')
        .optional(),
      apiKeySecret: z.string().min(1).optional(),
      trunkName: z.string().min(1).max(64).default('bbb-twilio'),
      edge: z
        .enum(['ashburn', 'umatilla', 'dublin', 'frankfurt', 'tokyo', 'singapore', 'sydney', 'sao-paulo'])
        .optional(),
      signalingCidrs: z.array(cidr).min(1).default([...TWILIO_SIGNALING_CIDRS]),
      mediaCidrs: z.array(cidr).min(1).default([...TWILIO_MEDIA_CIDRS]),
      /** Move configured numbers away from a voice URL, TwiML app or other trunk (like apply --force-numbers). */
      forceNumbers: z.boolean().default(false),
      termination: z
        .strictObject({
          domain: z
            .string()
            .regex(
              /^[a-z0-9][a-z0-9-]*\.pstn\.twilio\.com$/,
              'must be <name>.pstn.twilio.com (lower case letters, digits and dashes)',
            ),
          username: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'must be 1-32 letters, digits, dot, dash or underscore'),
          password: z.string().min(1).optional(),
        })
        .optional(),
    })
    .default({
      trunkName: 'bbb-twilio',
      signalingCidrs: [...TWILIO_SIGNALING_CIDRS],
      mediaCidrs: [...TWILIO_MEDIA_CIDRS],
      forceNumbers: false,
    }),
  firewall: z
    .strictObject({
      backend: z.enum(['ufw', 'none']).optional(),
    })
    .default({}),
  /** The call service (`bbb-twilio serve`): FreeSWITCH hands each call to it; the static dialplan is its fallback. */
  callService: z
    .strictObject({
      enabled: z.boolean().default(CALL_SERVICE_DEFAULTS.enabled),
      listen: hostPort.default(CALL_SERVICE_DEFAULTS.listen),
      metrics: hostPort.default(CALL_SERVICE_DEFAULTS.metrics),
      digitTimeoutSeconds: z.number().int().min(1).max(30).default(CALL_SERVICE_DEFAULTS.digitTimeoutSeconds),
      maxWaitMinutes: z.number().int().min(1).max(720).default(CALL_SERVICE_DEFAULTS.maxWaitMinutes),
      lockout: z
        .strictObject({
          failures: z.number().int().min(1).max(100).default(CALL_SERVICE_DEFAULTS.lockout.failures),
          minutes: z.number().int().min(1).max(1440).default(CALL_SERVICE_DEFAULTS.lockout.minutes),
          globalPerMinute: z.number().int().min(1).max(100_000).default(CALL_SERVICE_DEFAULTS.lockout.globalPerMinute),
        })
        .default({ ...CALL_SERVICE_DEFAULTS.lockout }),
      /** Keys a caller in the meeting presses; the service acts on those the conference profile does not bind. */
      keys: z
        .strictObject({
          toggleMute: z.array(keySequence).max(4).default([...CALL_SERVICE_DEFAULTS.keys.toggleMute]),
        })
        .default({ toggleMute: [...CALL_SERVICE_DEFAULTS.keys.toggleMute] }),
    })
    .default({ ...CALL_SERVICE_DEFAULTS, lockout: { ...CALL_SERVICE_DEFAULTS.lockout }, keys: { toggleMute: [...CALL_SERVICE_DEFAULTS.keys.toggleMute] } }),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface PhoneNumber {
  /** E.164 with the leading + (`+16135551234`). */
  e164: string;
  /** For people: international format (`+1 613 555 1234`). */
  display: string;
  label: string | undefined;
}

/** The validated configuration with numbers normalised and secrets merged from the environment. */
export interface Config {
  file: string;
  server: { publicIp: string; country: string | undefined };
  numbers: PhoneNumber[];
  sip: { profile: 'dedicated' | 'external'; port: number };
  dialin: {
    pinLength: number | undefined;
    tries: number;
    maskCallerId: boolean;
    maxCallMinutes: number;
    allowAnonymous: boolean;
  };
  twilio: {
    accountSid: string | undefined;
    authToken: string | undefined;
    /** Set when twilio.apiKeySid is: bbb-twilio then signs in with the key, not the auth token. */
    apiKey: { sid: string; secret: string } | undefined;
    trunkName: string;
    edge: string | undefined;
    signalingCidrs: string[];
    /** Where Twilio's media comes from: ufw admits them to FreeSWITCH's RTP ports. */
    mediaCidrs: string[];
    forceNumbers: boolean;
    /** `passwordGenerated`: the file has no password; this one was generated and apply stores it there. */
    termination:
      | {
          domain: string;
          username: string;
          password: string;
          passwordGenerated?: boolean;
        }
      | undefined;
  };
  firewall: { backend: 'ufw' | 'none' | undefined };
  callService: CallServiceConfig;
}

export interface HostPort {
  host: string;
  port: number;
}

export interface CallServiceConfig {
  enabled: boolean;
  /** Where `serve` listens for FreeSWITCH's outbound event socket; the dialplan's `socket` app dials it. */
  listen: HostPort;
  /** `/metrics` and `/healthz`. */
  metrics: HostPort;
  digitTimeoutSeconds: number;
  maxWaitMinutes: number;
  lockout: { failures: number; minutes: number; globalPerMinute: number };
  keys: { toggleMute: string[] };
}

export function parseHostPort(value: string): HostPort {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}

export function formatHostPort(hp: HostPort): string {
  return `${hp.host}:${hp.port}`;
}
