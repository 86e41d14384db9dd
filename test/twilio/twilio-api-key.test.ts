// Signing in with an API key (twilio.apiKeySid and TWILIO_API_KEY_SECRET, or twilio.apiKeySecret in a 0600
// config), as Twilio advises, instead of the account's auth token; the auth token still works. The SDK signs in
// as the key and acts on the account (accountSid); the emulator accepts the key's basic auth.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { runInit } from '../../src/cli/init-command.js';
import type { CliIo } from '../../src/cli/io.js';
import { parseConfig } from '../../src/config/load-config.js';
import { LocalHost } from '../../src/host/local-host.js';
import { TreeUfwHost } from '../../src/host/tree-ufw-host.js';
import { ConfigError } from '../../src/errors.js';
import { createTwilioClient } from '../../src/twilio/twilio-client.js';
import { TwilioError } from '../../src/twilio/twilio-error.js';
import { KEY, PromptDriver } from '../support/prompt-driver.js';
import { BASE_CONFIG, copyFixture, writeConfig } from '../support/tree.js';
import { ACCOUNT_SID, NUMBER_CA, type TwilioSandbox, ourTrunk, twilioConfig, twilioSandbox } from '../support/twilio-account.js';

const KEY_SID = `SK${'5e'.repeat(16)}`;
const KEY_SECRET = 'api-key-Secret-never-SHOWN-7';

let sandbox: TwilioSandbox;
before(async () => {
  sandbox = await twilioSandbox();
  sandbox.emulator.addApiKey(KEY_SID, KEY_SECRET);
});
after(async () => {
  await sandbox.close();
});

/** The sandbox's environment without the auth token: only the API key can sign in. */
const keyEnv = (secret: string | undefined = KEY_SECRET): NodeJS.ProcessEnv => ({
  TWILIO_AUTH_TOKEN: '',
  ...(secret === undefined ? {} : { TWILIO_API_KEY_SECRET: secret }),
});

test('the SDK signs in with the API key and acts on the account: account-scoped lists answer, a wrong secret is an auth error', async () => {
  const client = await createTwilioClient({ accountSid: ACCOUNT_SID, apiKey: { sid: KEY_SID, secret: KEY_SECRET }, apiUrl: sandbox.emulator.url });
  const numbers = await client.incomingPhoneNumbers.list();
  assert.ok(numbers.some((n) => n.phoneNumber === NUMBER_CA), 'the request went to /Accounts/<AC...>, not /Accounts/<SK...>');
  const wrong = await createTwilioClient({ accountSid: ACCOUNT_SID, apiKey: { sid: KEY_SID, secret: 'not-it' }, apiUrl: sandbox.emulator.url });
  await assert.rejects(wrong.trunking.v1.trunks.list(), (err: unknown) => err instanceof Error && /Authenticate/.test(err.message));
  await assert.rejects(createTwilioClient({ accountSid: ACCOUNT_SID, apiKey: { sid: 'SK123', secret: KEY_SECRET } }), (err: unknown) => {
    assert.ok(err instanceof TwilioError);
    assert.match(err.hint ?? '', /twilio\.apiKeySid/);
    return true;
  });
});

test('apply with twilio.apiKeySid and TWILIO_API_KEY_SECRET (no auth token) sets up the account and never shows the secret', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig(`  apiKeySid: ${KEY_SID}\n  trunkName: keyed\n`));
  const run = await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'], keyEnv());
  assert.equal(run.code, 0, run.stderr);
  assert.ok(ourTrunk(sandbox.emulator, 'keyed'));
  assert.ok(!run.stdout.includes(KEY_SECRET) && !run.stderr.includes(KEY_SECRET));

  const wrong = await sandbox.cli(['plan', '--root', root, '--only', 'twilio'], keyEnv('Wrong-key-secret-99'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /Twilio rejected the Account SID or auth token .*\nhint: .*with twilio\.apiKeySid: TWILIO_API_KEY_SECRET must be that key's secret/);
  assert.ok(!wrong.stderr.includes('Wrong-key-secret-99'));
});

test('twilio.apiKeySecret in the config works like the auth token there: only in a 0600 file, never shown in errors', async () => {
  const root = await copyFixture('bbb-3.0');
  const file = await writeConfig(root, twilioConfig(`  apiKeySid: ${KEY_SID}\n  apiKeySecret: "${KEY_SECRET}"\n  trunkName: keyed-in-file\n`));
  await fs.chmod(file, 0o600);
  const plan = await sandbox.cli(['plan', '--root', root, '--only', 'twilio'], keyEnv(undefined));
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /\+ create +twilio trunk "keyed-in-file"/);

  await fs.chmod(file, 0o644);
  const open = await sandbox.cli(['plan', '--root', root, '--only', 'twilio'], keyEnv(undefined));
  assert.equal(open.code, 1);
  assert.match(open.stderr, /holds a secret but is readable by others \(mode 644\)\nhint: run: chmod 600/);

  // A wrong type is reported by key, without the value.
  assert.throws(
    () => parseConfig(`${BASE_CONFIG}twilio:\n  accountSid: ${ACCOUNT_SID}\n  apiKeySid: ${KEY_SID}\n  apiKeySecret: [${KEY_SECRET}]\n`, 'c.yml', { env: {} }),
    (err: unknown) => err instanceof ConfigError && /apiKeySecret/.test(err.message) && !err.message.includes(KEY_SECRET),
  );
});

test('an API key SID without its secret, or a secret without the SID, is one line naming the key', () => {
  const config = (keys: string): string => `${BASE_CONFIG}twilio:\n  accountSid: ${ACCOUNT_SID}\n${keys}`;
  assert.throws(() => parseConfig(config(`  apiKeySid: ${KEY_SID}\n`), 'c.yml', { env: {} }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^c\.yml:\d+: twilio\.apiKeySid needs the key's secret$/);
    assert.match(err.hint ?? '', /TWILIO_API_KEY_SECRET/);
    return true;
  });
  assert.throws(() => parseConfig(config('  apiKeySid: SK12\n'), 'c.yml', { env: {} }), /apiKeySid.*SK followed by 32 hex digits/);
  assert.throws(() => parseConfig(config(`  apiKeySecret: "${KEY_SECRET}"\n`), 'c.yml', { env: {}, fileMode: 0o600 }), /twilio\.apiKeySecret is set but twilio\.apiKeySid is not/);
  const both = parseConfig(config(`  apiKeySid: ${KEY_SID}\n`), 'c.yml', { env: { TWILIO_API_KEY_SECRET: KEY_SECRET, TWILIO_AUTH_TOKEN: 'tok' } });
  assert.deepEqual(both.twilio.apiKey, { sid: KEY_SID, secret: KEY_SECRET });
});

test('init --api-key-sid takes the secret from TWILIO_API_KEY_SECRET, writes apiKeySid (the secret only with --store-token) and plans with it', async () => {
  const root = await copyFixture('bbb-3.0');
  const flags = ['--public-ip', '203.0.113.10', '--account-sid', ACCOUNT_SID, '--number', NUMBER_CA, '--profile', 'dedicated', '--api-key-sid', KEY_SID];
  const run = await sandbox.cli(['init', '--root', root, '--non-interactive', ...flags], keyEnv());
  assert.equal(run.code, 0, run.stderr);
  const file = path.join(root, 'etc', 'bbb-twilio', 'config.yml');
  assert.deepEqual((parse(await fs.readFile(file, 'utf8')) as { twilio: unknown }).twilio, { accountSid: ACCOUNT_SID, apiKeySid: KEY_SID });
  assert.match(run.stdout, /the API key secret is not in it/);
  assert.match(run.stdout, /\+ create +twilio trunk "bbb-twilio"/);
  assert.match(run.stdout, /Next: export TWILIO_API_KEY_SECRET=\.\.\. then bbb-twilio apply/);
  assert.ok(!run.stdout.includes(KEY_SECRET));

  const stored = await sandbox.cli(['init', '--root', root, '--non-interactive', '--overwrite', '--store-token', ...flags], keyEnv());
  assert.equal(stored.code, 0, stored.stderr);
  assert.equal((parse(await fs.readFile(file, 'utf8')) as { twilio: { apiKeySecret?: string } }).twilio.apiKeySecret, KEY_SECRET);
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
});

test('the init wizard offers an API key first; the key SID and its secret typed at the prompts are used, the secret never shown', async () => {
  const root = await copyFixture('bbb-3.0');
  const driver = new PromptDriver();
  let out = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (out += s), isTTY: false },
    stdinIsTTY: false,
    env: { BBB_TWILIO_API_URL: sandbox.emulator.url },
    makeHost: (r) => new TreeUfwHost(new LocalHost(r)),
  };
  const answers = async (): Promise<void> => {
    await driver.answer(/public IPv4 address/, '203.0.113.10', KEY.enter);
    await driver.answer(/Account SID/, ACCOUNT_SID, KEY.enter);
    await driver.answer(/How should bbb-twilio sign in to Twilio/, KEY.enter);
    await driver.answer(/API key SID/, KEY_SID, KEY.enter);
    await driver.answer(/API key secret/, KEY_SECRET, KEY.enter);
    await driver.answer(/Which numbers/, KEY.space, KEY.enter); // the earlier tests' trunk has them: none preselected
    await driver.answer(/How should FreeSWITCH receive the calls/, KEY.enter);
    await driver.answer(/Store the API key secret/, KEY.enter);
  };
  const [code] = await Promise.all([runInit({ root }, io, { input: driver.input, output: driver.output }), answers()]);
  assert.equal(code, 0, out + driver.text);
  assert.match(driver.text, /with an API key \(recommended by Twilio\)/);
  const written = parse(await fs.readFile(path.join(root, 'etc', 'bbb-twilio', 'config.yml'), 'utf8')) as { twilio: unknown };
  assert.deepEqual(written.twilio, { accountSid: ACCOUNT_SID, apiKeySid: KEY_SID });
  assert.match(out, /\+ create +twilio trunk "bbb-twilio"/);
  assert.ok(!out.includes(KEY_SECRET) && !driver.text.includes(KEY_SECRET));
});
