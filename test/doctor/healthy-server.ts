// Test helper: a bbb-3.0 fixture tree in the state doctor should pass (applied, FreeSWITCH running the profile,
// the SIP port bound, BBB's API and a Twilio account that match), with emulators behind it. Tests break one thing.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { startBbbApiEmulator, type BbbApiEmulator } from '../emulators/bbb-api-emulator.js';
import { startEslEmulator, type EslEmulator } from '../emulators/esl-emulator.js';
import { startTwilioEmulator, type TwilioEmulator } from '../emulators/twilio-emulator.js';
import { dedicatedProfile, pointTreeAtBbb, pointTreeAtEsl } from '../support/freeswitch-tree.js';
import { BASE_CONFIG, copyFixture, runCli, writeConfig, type CliRun, type FixtureName } from '../support/tree.js';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'doctor-test-token-never-shown';
export const SALT = 'b0b1b2b3b4b5b6b7b8b9c0c1c2c3c4c5c6c7c8c9';
export const ESL_PASSWORD = 'SandboxSecret42';

export interface HealthyServer {
  root: string;
  esl: EslEmulator;
  bbb: BbbApiEmulator;
  twilio: TwilioEmulator;
  trunkSid: string;
  env: NodeJS.ProcessEnv;
  doctor(...args: string[]): Promise<CliRun>;
  /** doctor --json, parsed. */
  doctorJson(...args: string[]): Promise<{ code: number; json: DoctorJson; stdout: string }>;
  close(): Promise<void>;
}

export interface DoctorJson {
  checks: { id: string; title: string; status: string; finding: string; fix: string }[];
  ok: number;
  warn: number;
  fail: number;
  skip: number;
}

/** `/proc/net/udp` with FreeSWITCH's sockets: 10.0.0.5 on 5060 (external) and on `port`. */
export function procNetUdp(ports: { address?: string; port: number }[]): string {
  const hexIp = (ip: string): string =>
    ip
      .split('.')
      .reverse()
      .map((o) => Number(o).toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  const header = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n';
  return (
    header +
    ports
      .map(
        ({ address = '10.0.0.5', port }, i) =>
          `  ${800 + i}: ${hexIp(address)}:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 ${31337 + i} 2 0000000000000000 0\n`,
      )
      .join('')
  );
}

export const TWILIO_CONFIG = `${BASE_CONFIG}twilio:\n  accountSid: ${ACCOUNT_SID}\n`;

export async function healthyServer(fixture: FixtureName = 'bbb-3.0'): Promise<HealthyServer> {
  const root = await copyFixture(fixture);
  // The config doctor reads is the one applied (the call service's unit carries a digest of it).
  await writeConfig(root, TWILIO_CONFIG);
  const applied = await runCli(['apply', '--root', root, '--yes', '--no-reload', '--only', 'host']);
  if (applied.code !== 0) throw new Error(`setup apply failed: ${applied.stderr}`);
  // The admin ran the FreeSWITCH commands --no-reload listed (the emulator's profile runs): nothing is pending.
  await fs.rm(path.join(root, 'var/lib/bbb-twilio/pending-actions.json'), { force: true });

  const esl = await startEslEmulator({ password: ESL_PASSWORD });
  esl.state.profiles.push(dedicatedProfile({ state: 'RUNNING' }));
  await pointTreeAtEsl(root, esl.port);

  const bbb = await startBbbApiEmulator({ secret: SALT });
  await pointTreeAtBbb(root, bbb.url, SALT);

  const twilio = await startTwilioEmulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const trunkSid = twilio.state.addTrunk({ friendlyName: 'bbb-twilio' });
  twilio.state.addOriginationUrl(trunkSid, { sipUrl: 'sip:203.0.113.10:5080', friendlyName: 'bbb-twilio' });
  twilio.state.addIncomingNumber({ phoneNumber: '+16135550142', trunkSid });
  twilio.state.addIncomingNumber({ phoneNumber: '+442079460018', trunkSid });

  await fs.mkdir(path.join(root, 'proc/net'), { recursive: true });
  await fs.writeFile(path.join(root, 'proc/net/udp'), procNetUdp([{ port: 5060 }, { port: 5080 }]));

  const env: NodeJS.ProcessEnv = { TWILIO_AUTH_TOKEN: AUTH_TOKEN, BBB_TWILIO_API_URL: twilio.url };
  const doctor = (...args: string[]): Promise<CliRun> => runCli(['doctor', '--root', root, ...args], { env });
  return {
    root,
    esl,
    bbb,
    twilio,
    trunkSid,
    env,
    doctor,
    async doctorJson(...args: string[]) {
      const run = await doctor('--json', ...args);
      return { code: run.code, json: JSON.parse(run.stdout) as DoctorJson, stdout: run.stdout };
    },
    close: async () => {
      await Promise.all([esl.close(), bbb.close(), twilio.close()]);
    },
  };
}

/** The status and finding of one check in a doctor --json result. */
export function statusOf(json: DoctorJson, id: string): { status: string; finding: string; fix: string } {
  const found = json.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${json.checks.map((c) => c.id).join(', ')}`);
  return found;
}

/** Healthy servers started by one test file, all closed by `closeServers` (register it with `after`). */
const started: HealthyServer[] = [];
export async function trackedHealthyServer(fixture: FixtureName = 'bbb-3.0'): Promise<HealthyServer> {
  const s = await healthyServer(fixture);
  started.push(s);
  return s;
}
export async function closeServers(): Promise<void> {
  await Promise.all(started.splice(0).map((s) => s.close()));
}
