// --only host|twilio, the default (both when credentials are present), the SDK loaded only when the Twilio
// side is planned, and BBB_TWILIO_API_URL said out loud in the text and JSON plans.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describeTwilioTarget } from '../../src/cli/twilio-side.js';
import { createTwilioAccess } from '../../src/twilio/twilio-access.js';
import { BASE_CONFIG, copyFixture, runCli, writeConfig } from '../support/tree.js';
import { ACCOUNT_SID, AUTH_TOKEN, type TwilioSandbox, twilioConfig, twilioSandbox } from '../support/twilio-account.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let sandbox: TwilioSandbox;
before(async () => {
  sandbox = await twilioSandbox();
});
after(async () => {
  await sandbox.close();
});

interface PlanJson {
  sides: string[];
  twilio: { planned: boolean; accountSid: string | null; apiUrl: string | null };
  changes: { type: string }[];
  warnings: { level: string; message: string }[];
}

async function planJson(root: string, args: string[] = [], env?: NodeJS.ProcessEnv): Promise<PlanJson> {
  const run = await sandbox.cli(['plan', '--root', root, '--json', ...args], env);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as PlanJson;
}

test('with credentials the plan covers both sides; --only host and --only twilio each cover one', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const both = await planJson(root);
  assert.deepEqual(both.sides, ['host', 'twilio']);
  assert.deepEqual([...new Set(both.changes.map((c) => c.type))].sort(), ['file', 'firewall', 'twilio']);

  const start = sandbox.emulator.requests.length;
  const host = await planJson(root, ['--only', 'host']);
  assert.deepEqual(host.sides, ['host']);
  assert.ok(host.changes.every((c) => c.type !== 'twilio'));
  assert.equal(host.twilio.planned, false);
  assert.equal(sandbox.emulator.requests.length, start, '--only host never talks to Twilio');

  const twilio = await planJson(root, ['--only', 'twilio']);
  assert.ok(twilio.changes.length > 0 && twilio.changes.every((c) => c.type === 'twilio'));
});

test('without an auth token the plan covers the host and notes why Twilio is left out; without accountSid it says nothing of Twilio', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const noToken = await planJson(root, [], { TWILIO_AUTH_TOKEN: '' });
  assert.deepEqual(noToken.sides, ['host']);
  assert.ok(noToken.warnings.some((w) => w.level === 'note' && /the Twilio side is not planned: an auth token/.test(w.message)));

  await writeConfig(root, BASE_CONFIG);
  const noAccount = await planJson(root);
  assert.deepEqual(noAccount.sides, ['host']);
  assert.ok(!noAccount.warnings.some((w) => /Twilio side/.test(w.message)));
});

test('BBB_TWILIO_API_URL is said prominently in the text plan and carried in the JSON plan', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const text = await sandbox.cli(['plan', '--root', root, '--only', 'twilio']);
  assert.match(text.stdout.split('\n').slice(0, 4).join('\n'), new RegExp(`!! Twilio API redirected by BBB_TWILIO_API_URL to ${sandbox.emulator.url.replace(/\./g, '\\.')}: NOT the real Twilio \\(account ${ACCOUNT_SID}\\)`));
  const json = await planJson(root, ['--only', 'twilio']);
  assert.deepEqual(json.twilio, { planned: true, accountSid: ACCOUNT_SID, apiUrl: sandbox.emulator.url });
});

test('without BBB_TWILIO_API_URL the plan names the real Twilio API and the account', () => {
  const real = createTwilioAccess({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  assert.deepEqual(describeTwilioTarget(real), { text: `Twilio account ${ACCOUNT_SID} (api.twilio.com)`, sandbox: false });
  assert.equal(describeTwilioTarget(undefined), undefined);
});

/** Run `plan` in a fresh Node process and report whether the Twilio SDK got loaded. */
async function sdkLoadedBy(args: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  const script = `
    import { createRequire } from 'node:module';
    const { main } = await import('./src/cli/main.ts');
    const quiet = { write: () => true, isTTY: false };
    const code = await main(['node', 'bbb-twilio', ...${JSON.stringify(args)}], { stdout: quiet, stderr: quiet, stdinIsTTY: false, env: ${JSON.stringify(env)} });
    const loaded = Object.keys(createRequire(process.cwd() + '/').cache).some((k) => k.includes('/node_modules/twilio/'));
    process.stdout.write(JSON.stringify({ code, loaded }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot });
  const result = JSON.parse(stdout) as { code: number; loaded: boolean };
  assert.equal(result.code, 0);
  return result.loaded;
}

test('a host-only plan never loads the Twilio SDK; a plan of the Twilio side does', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  assert.equal(await sdkLoadedBy(['plan', '--root', root, '--only', 'host'], sandbox.env), false);
  assert.equal(await sdkLoadedBy(['plan', '--root', root], {}), false, 'no token: host only, no SDK');
  assert.equal(await sdkLoadedBy(['plan', '--root', root], sandbox.env), true);
});
