// How a Twilio change reads in the plan: a heading like a file change's (`+ create  twilio trunk "bbb-twilio"`),
// its reason, then attribute by attribute (`+` added, `~` changed, `-` removed), secrets masked; and the same
// for scripts in `plan --json`, with the SDK operation (secrets masked there too).

import type pc from 'picocolors';
import type { TwilioChange } from '../model/change.js';
import { maskSecrets } from './mask-secrets.js';

type Colors = ReturnType<typeof pc.createColors>;

const SYMBOL = { create: '+', update: '~', delete: '-' } as const;

const KIND_LABEL: Record<TwilioChange['twilioKind'], string> = {
  trunk: 'trunk',
  'origination-url': 'origination URL',
  'phone-number': 'phone number',
  'credential-list': 'credential list',
  credential: 'credential',
  'ip-access-control-list': 'IP access control list',
  'ip-address': 'IP address',
  'trunk-credential-list': 'trunk credential list',
  'trunk-ip-access-control-list': 'trunk IP access control list',
};

const shown = (v: string | null): string => (v === null ? '(none)' : v);

export function twilioHeading(change: TwilioChange): string {
  return `twilio ${KIND_LABEL[change.twilioKind]} "${change.name}"`;
}

/** The change as lines of the text plan (no trailing blank line). */
export function renderTwilioChangeText(change: TwilioChange, c: Colors): string[] {
  const paint = change.kind === 'create' ? c.green : change.kind === 'delete' ? c.red : c.yellow;
  const mask = (s: string): string => maskSecrets(s, change.secrets);
  const out = [`${paint(`${SYMBOL[change.kind]} ${change.kind.padEnd(6)}`)} ${c.bold(mask(twilioHeading(change)))}${change.sid ? c.dim(` ${change.sid}`) : ''}`];
  out.push(`    ${mask(change.title)}`);
  const width = Math.max(0, ...change.attributes.map((a) => a.name.length));
  for (const a of change.attributes) {
    const symbol = a.before === null ? '+' : a.after === null ? '-' : '~';
    const value = symbol === '+' ? shown(a.after) : symbol === '-' ? shown(a.before) : `${shown(a.before)} -> ${shown(a.after)}`;
    const line = `      ${symbol} ${a.name.padEnd(width)}  ${mask(value)}`;
    out.push(symbol === '+' ? c.green(line) : symbol === '-' ? c.red(line) : c.yellow(line));
  }
  if (change.warning) out.push(c.red(`    ! ${mask(change.warning)}`));
  return out;
}

export function twilioChangeJson(change: TwilioChange): Record<string, unknown> {
  const mask = (value: unknown): unknown => maskDeep(value, change.secrets);
  return {
    type: 'twilio',
    resource: change.resource,
    kind: change.kind,
    twilioKind: change.twilioKind,
    name: change.name,
    sid: change.sid,
    title: change.title,
    attributes: mask(change.attributes),
    operation: mask(change.operation),
    warning: change.warning ?? null,
    needs: change.needs,
  };
}

/** Every string inside a JSON-like value with the secrets masked (before serialising, so no escaping hides one). */
function maskDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return maskSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, secrets)]));
  }
  return value;
}
