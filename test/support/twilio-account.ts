// Test helpers for the Twilio side: a sandbox account (the emulator) holding the numbers of BASE_CONFIG, the
// environment that points bbb-twilio at it, and configs with Twilio keys.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach } from 'node:test';
import { type TwilioMemory, emptyState, serialiseState } from '../../src/apply/state.js';
import { startTwilioEmulator, type TwilioEmulator } from '../emulators/twilio-emulator.js';
import { BASE_CONFIG, runCli, type CliRun } from './tree.js';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'test-auth-token-Never-Shown-42';
export const NUMBER_CA = '+16135550142';
export const NUMBER_UK = '+442079460018';
export const TERMINATION_PASSWORD = 'Dial0utSecret&"<x>\'Pw';

export interface TwilioSandbox {
  emulator: TwilioEmulator;
  env: NodeJS.ProcessEnv;
  /** The CLI with the sandbox's environment. */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  close(): Promise<void>;
}

/** An emulated Twilio account with both numbers of BASE_CONFIG bought and free (no trunk, no voice URL). */
export async function twilioSandbox(opts: { numbers?: boolean } = {}): Promise<TwilioSandbox> {
  const emulator = await startTwilioEmulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  if (opts.numbers !== false) {
    emulator.state.addIncomingNumber({ phoneNumber: NUMBER_CA });
    emulator.state.addIncomingNumber({ phoneNumber: NUMBER_UK });
  }
  const env = { TWILIO_AUTH_TOKEN: AUTH_TOKEN, BBB_TWILIO_API_URL: emulator.url };
  return {
    emulator,
    env,
    cli: (args, extra = {}) => runCli(args, { env: { ...env, ...extra } }),
    close: () => emulator.close(),
  };
}

/** A sandbox per call, each closed after the test that made it (call at the top level of a test file). */
export function sandboxPerTest(): (opts?: { numbers?: boolean }) => Promise<TwilioSandbox> {
  const open: TwilioSandbox[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (opts = {}) => {
    const s = await twilioSandbox(opts);
    open.push(s);
    return s;
  };
}

export const TERMINATION_BLOCK = `  termination:
    domain: bbb-test.pstn.twilio.com
    username: bbb-dialout
`;

/** BASE_CONFIG with a twilio section (accountSid plus `twilioKeys`, indented two spaces) and `rest` after it. */
export function twilioConfig(twilioKeys = '', rest = ''): string {
  return `${BASE_CONFIG}twilio:\n  accountSid: ${ACCOUNT_SID}\n${twilioKeys}${rest}`;
}

/** Every file bbb-twilio keeps under /var/lib/bbb-twilio (journals, state, backups) as one string. */
export async function readStateDir(root: string): Promise<string> {
  const dir = path.join(root, 'var', 'lib', 'bbb-twilio');
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(await fs.readFile(p, 'utf8'));
    }
  };
  await walk(dir);
  return out.join('\n');
}

/** A state for `root` in which bbb-twilio remembers this about the Twilio account (as if it had set it up). */
export async function writeTwilioMemory(root: string, twilio: TwilioMemory): Promise<void> {
  const file = path.join(root, 'var', 'lib', 'bbb-twilio', 'state.json');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, serialiseState({ ...emptyState(), twilio }), { mode: 0o600 });
}

/** The emulator's record of bbb-twilio's trunk, or undefined. */
export function ourTrunk(emulator: TwilioEmulator, name = 'bbb-twilio') {
  return [...emulator.state.trunks.values()].find((t) => t.friendlyName === name);
}
