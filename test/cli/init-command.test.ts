// The init wizard driven through injected streams (interactive) and through flags (--non-interactive).
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { runInit, type InitOptions } from '../../src/cli/init-command.js';
import type { CliIo } from '../../src/cli/io.js';
import { parseConfig } from '../../src/config/load-config.js';
import { LocalHost } from '../../src/host/local-host.js';
import { TreeUfwHost } from '../../src/host/tree-ufw-host.js';
import { closedPort } from '../support/ports.js';
import { KEY, PromptDriver } from '../support/prompt-driver.js';
import { CONF, copyFixture, runCli, writeConfig } from '../support/tree.js';
import { ACCOUNT_SID, AUTH_TOKEN, NUMBER_CA, NUMBER_UK, type TwilioSandbox, twilioSandbox } from '../support/twilio-account.js';

let sandbox: TwilioSandbox;
before(async () => {
  sandbox = await twilioSandbox({ numbers: false });
  sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_CA, friendlyName: 'Ottawa line' });
  sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_UK, voiceUrl: 'https://ivr.example.org/menu' });
});
after(async () => {
  await sandbox.close();
});

/** A BBB 3.0 tree whose vars.xml carries the server's public address, as bbb-install writes it. */
async function treeWithPublicIp(): Promise<string> {
  const root = await copyFixture('bbb-3.0');
  const vars = path.join(root, CONF, 'vars.xml');
  await fs.writeFile(vars, (await fs.readFile(vars, 'utf8')).replace('external_sip_ip=stun:stun.freeswitch.org', 'external_sip_ip=198.51.100.20'));
  return root;
}

const configFile = (root: string): string => path.join(root, 'etc', 'bbb-twilio', 'config.yml');

function captureIo(env: NodeJS.ProcessEnv): { io: CliIo; out: () => string } {
  let out = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (out += s), isTTY: false },
    stdinIsTTY: false,
    env,
    makeHost: (root) => new TreeUfwHost(new LocalHost(root)),
  };
  return { io, out: () => out };
}

async function interactive(root: string, env: NodeJS.ProcessEnv, script: (d: PromptDriver) => Promise<void>, opts: InitOptions = {}) {
  const driver = new PromptDriver();
  const { io, out } = captureIo(env);
  const result = runInit({ root, ...opts }, io, { input: driver.input, output: driver.output });
  const [code] = await Promise.all([result, script(driver)]);
  return { code, out: out(), screen: driver.text };
}

async function writtenConfig(root: string): Promise<{ text: string; mode: number; data: Record<string, Record<string, unknown>> }> {
  const file = configFile(root);
  const text = await fs.readFile(file, 'utf8');
  parseConfig(text, file, { env: {}, fileMode: 0o600 }); // throws unless bbb-twilio accepts it
  return { text, mode: (await fs.stat(file)).mode & 0o777, data: parse(text) as Record<string, Record<string, unknown>> };
}

test('the wizard offers what it detected, lists the account\'s numbers, writes a valid 0600 config without the token, and shows the plan', async () => {
  const root = await treeWithPublicIp();
  const run = await interactive(root, sandbox.env, async (d) => {
    const detected = await d.answer(/public IPv4 address/, KEY.enter);
    assert.match(detected, /BigBlueButton 3\.0\.19/);
    assert.match(detected, /PIN length 5/);
    assert.match(detected, /ufw installed/);
    assert.match(detected, /198\.51\.100\.20 \(vars\.xml external_sip_ip\)/);
    await d.answer(/Account SID/, ACCOUNT_SID, KEY.enter);
    await d.answer(/Which numbers/, KEY.enter);
    await d.answer(/How should FreeSWITCH receive the calls/, KEY.enter);
    await d.answer(/Store the auth token/, KEY.enter);
  });
  assert.equal(run.code, 0, run.out + run.screen);
  assert.match(run.screen, /public IPv4 address[\s\S]*198\.51\.100\.20/, 'the detected address is the default');
  assert.match(run.screen, /Using the auth token from TWILIO_AUTH_TOKEN/);
  const listing = run.screen.slice(run.screen.indexOf('Which numbers'));
  assert.match(listing, /\+16135550142 +Ottawa line +\(free\)/);
  assert.match(listing, /\+442079460018.*now goes to a voice URL \(https:\/\/ivr\.example\.org\/menu\)/);

  const written = await writtenConfig(root);
  assert.equal(written.mode, 0o600);
  assert.deepEqual(written.data.server, { publicIp: '198.51.100.20' });
  assert.deepEqual(written.data.numbers, [NUMBER_CA], 'the free number is preselected; the one in use is not');
  assert.deepEqual(written.data.sip, { profile: 'dedicated' });
  assert.deepEqual(written.data.twilio, { accountSid: ACCOUNT_SID });
  assert.ok(!written.text.includes(AUTH_TOKEN));
  assert.match(run.out, /Wrote .*config\.yml \(mode 0600\); the auth token is not in it\./);
  assert.match(run.out, /bbb-twilio plan for /);
  assert.match(run.out, /\+ create +twilio trunk "bbb-twilio"/);
  assert.match(run.screen, /Next: export TWILIO_AUTH_TOKEN=\.\.\. then bbb-twilio apply/);
});

test('a token typed at the prompt is stored only when the admin says so; a typed address replaces the detected one', async () => {
  const root = await treeWithPublicIp();
  const env = { BBB_TWILIO_API_URL: sandbox.emulator.url };
  const run = await interactive(root, env, async (d) => {
    await d.answer(/public IPv4 address/, ...Array<string>(13).fill(KEY.backspace), '203.0.113.77', KEY.enter);
    await d.answer(/Account SID/, ACCOUNT_SID, KEY.enter);
    await d.answer(/How should bbb-twilio sign in to Twilio/, KEY.down, KEY.enter);
    await d.answer(/Twilio auth token \(Console/, AUTH_TOKEN, KEY.enter);
    await d.answer(/Which numbers/, KEY.down, KEY.space, KEY.enter);
    await d.answer(/How should FreeSWITCH receive the calls/, KEY.down, KEY.enter);
    await d.answer(/Store the auth token/, 'y');
  });
  assert.equal(run.code, 0, run.out + run.screen);
  assert.ok(!run.screen.includes(AUTH_TOKEN) && !run.out.includes(AUTH_TOKEN), 'the token is never shown');
  const written = await writtenConfig(root);
  assert.deepEqual(written.data.server, { publicIp: '203.0.113.77' });
  assert.deepEqual(written.data.numbers, [NUMBER_CA, NUMBER_UK]);
  assert.deepEqual(written.data.sip, { profile: 'external' });
  assert.deepEqual(written.data.twilio, { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  assert.equal(written.mode, 0o600);
});

test('a wrong answer is refused at the prompt and asked again', async () => {
  const root = await copyFixture('bbb-3.0');
  const run = await interactive(root, sandbox.env, async (d) => {
    await d.answer(/public IPv4 address/, '10.0.3.66', KEY.enter);
    await d.waitFor(/private or reserved address: Twilio cannot reach it/);
    await d.answer(/./, ...Array<string>(9).fill(KEY.backspace), '203.0.113.10', KEY.enter);
    await d.answer(/Account SID/, 'AC123', KEY.enter);
    await d.waitFor(/AC followed by 32 hex digits/);
    await d.answer(/./, ...Array<string>(5).fill(KEY.backspace), ACCOUNT_SID, KEY.enter);
    await d.answer(/Which numbers/, KEY.enter);
    await d.answer(/How should FreeSWITCH receive the calls/, KEY.enter);
    await d.answer(/Store the auth token/, KEY.enter);
  });
  assert.equal(run.code, 0, run.out + run.screen);
  assert.deepEqual((await writtenConfig(root)).data.server, { publicIp: '203.0.113.10' });
});

test('an existing config is never replaced without asking: declining leaves it byte for byte', async () => {
  const root = await treeWithPublicIp();
  const existing = '# hand-written\nserver:\n  publicIp: 203.0.113.10\nnumbers: ["+16135550142"]\n';
  await writeConfig(root, existing);
  const run = await interactive(root, sandbox.env, async (d) => {
    await d.answer(/config\.yml exists\. Replace it\?/, KEY.enter);
  });
  assert.equal(run.code, 1);
  assert.match(run.screen, /Kept .*config\.yml; nothing was written\./);
  assert.equal(await fs.readFile(configFile(root), 'utf8'), existing);
});

test('Ctrl-C at any question writes nothing', async () => {
  const root = await treeWithPublicIp();
  const driver = new PromptDriver();
  const { io } = captureIo(sandbox.env);
  const outcome = runInit({ root }, io, { input: driver.input, output: driver.output }).then(
    (code) => code,
    (err: unknown) => err,
  );
  await driver.answer(/public IPv4 address/, KEY.enter);
  await driver.answer(/Account SID/, KEY.ctrlC);
  const err = await outcome;
  assert.ok(err instanceof Error && err.message === 'init cancelled; nothing was written', String(err));
  await assert.rejects(fs.stat(configFile(root)), { code: 'ENOENT' });
});

const FLAG_VALUES: [string, string[]][] = [
  ['--public-ip', ['203.0.113.10']],
  ['--account-sid', [ACCOUNT_SID]],
  ['--number', ['+1 613-555-0142', NUMBER_UK]],
  ['--profile', ['dedicated']],
];
const flagsWithout = (left: string | undefined): string[] =>
  FLAG_VALUES.filter(([flag]) => flag !== left).flatMap(([flag, values]) => values.flatMap((v) => [flag, v]));
const FLAGS = flagsWithout(undefined);

test('--non-interactive with every flag writes a valid 0600 config and shows the plan', async () => {
  const root = await copyFixture('bbb-3.0');
  const run = await sandbox.cli(['init', '--root', root, '--non-interactive', ...FLAGS]);
  assert.equal(run.code, 0, run.stderr);
  const written = await writtenConfig(root);
  assert.equal(written.mode, 0o600);
  assert.deepEqual(written.data.numbers, [NUMBER_CA, NUMBER_UK]);
  assert.deepEqual(written.data.twilio, { accountSid: ACCOUNT_SID });
  assert.match(run.stdout, /bbb-twilio plan for /);
  assert.match(run.stdout, /Next: export TWILIO_AUTH_TOKEN=\.\.\. then bbb-twilio apply/);
  const stored = await sandbox.cli(['init', '--root', root, '--non-interactive', '--overwrite', '--store-token', ...FLAGS]);
  assert.equal(stored.code, 0, stored.stderr);
  assert.equal((await writtenConfig(root)).data.twilio?.authToken, AUTH_TOKEN);
});

for (const [flag] of FLAG_VALUES) {
  test(`--non-interactive without ${flag} is an error naming ${flag}, and nothing is written`, async () => {
    const root = await copyFixture('bbb-3.0');
    const run = await sandbox.cli(['init', '--root', root, '--non-interactive', ...flagsWithout(flag)]);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, new RegExp(`^error: ${flag} is required with --non-interactive`));
    assert.equal(run.stderr.split('\n').length, 3, run.stderr);
    await assert.rejects(fs.stat(configFile(root)), { code: 'ENOENT' });
  });
}

test('--non-interactive without TWILIO_AUTH_TOKEN is an error naming it; the token is never a flag', async () => {
  const root = await copyFixture('bbb-3.0');
  const run = await sandbox.cli(['init', '--root', root, '--non-interactive', ...FLAGS], { TWILIO_AUTH_TOKEN: '' });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: TWILIO_AUTH_TOKEN is required with --non-interactive \(Twilio auth token\)\nhint: set TWILIO_AUTH_TOKEN in the environment/);
});

test('--non-interactive never replaces an existing config without --overwrite', async () => {
  const root = await copyFixture('bbb-3.0');
  const existing = 'server:\n  publicIp: 203.0.113.10\nnumbers: ["+16135550142"]\n';
  await writeConfig(root, existing);
  const run = await sandbox.cli(['init', '--root', root, '--non-interactive', ...FLAGS]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: --overwrite is required with --non-interactive \(.*config\.yml exists\. Replace it\)/);
  assert.equal(await fs.readFile(configFile(root), 'utf8'), existing);
});

test('flags are checked like answers: a private address, a number not in the account, an unknown profile', async () => {
  const root = await copyFixture('bbb-3.0');
  const swap = (flag: string, value: string): string[] => FLAGS.map((a, i) => (FLAGS[i - 1] === flag ? value : a));
  const cases: [string[], RegExp][] = [
    [swap('--public-ip', '192.168.1.5'), /--public-ip: 192\.168\.1\.5 is a private or reserved address/],
    [[...FLAGS, '--number', '+16135550100'], /--number: \+16135550100 is not a phone number of Twilio account/],
    [swap('--profile', 'internal'), /--profile: "internal" is not a profile mode: use dedicated or external/],
  ];
  for (const [args, error] of cases) {
    const run = await sandbox.cli(['init', '--root', root, '--non-interactive', ...args]);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, error);
    await assert.rejects(fs.stat(configFile(root)), { code: 'ENOENT' });
  }
});

test('init without a terminal and without --non-interactive says how to run it', async () => {
  const root = await copyFixture('bbb-3.0');
  const run = await runCli(['init', '--root', root]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: no terminal to ask the questions in; nothing was written\nhint: run with --non-interactive/);
});

describe('without a Twilio account, or when Twilio does not answer, init still writes a config from typed numbers', () => {
  test('--no-twilio-account: the numbers are typed, the config has no twilio section, and the plan covers this server', async () => {
    const root = await copyFixture('bbb-3.0');
    const run = await runCli(['init', '--root', root, '--non-interactive', '--no-twilio-account', '--public-ip', '203.0.113.10', '--number', '+1 613-555-0142', '--profile', 'dedicated']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const written = await writtenConfig(root);
    assert.equal(written.mode, 0o600);
    assert.deepEqual(written.data.numbers, [NUMBER_CA]);
    assert.equal(written.data.twilio, undefined);
    assert.match(written.text, /# No Twilio account is managed from here/);
    assert.match(run.stdout, /Wrote .*config\.yml \(mode 0600\); no Twilio account in it\./);
    assert.match(run.stdout, /\+ create .*sip_profiles\/bbb-twilio\.xml/);
    assert.doesNotMatch(run.stdout, /twilio trunk/);
    assert.match(run.stdout, /Next: bbb-twilio apply, then point a Twilio trunk at this server in the Twilio Console/);
    const both = await runCli(['init', '--root', root, '--non-interactive', '--overwrite', '--no-twilio-account', ...FLAGS]);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^error: --account-sid and --no-twilio-account contradict each other; nothing was written/);
  });

  test('interactively, an empty Account SID means no Twilio account: the numbers are typed (and checked)', async () => {
    const root = await treeWithPublicIp();
    const run = await interactive(root, {}, async (d) => {
      await d.answer(/public IPv4 address/, KEY.enter);
      await d.answer(/Account SID/, KEY.enter);
      await d.answer(/Twilio numbers callers dial/, '+1 613 555 0142, 12', KEY.enter);
      await d.waitFor(/"12" is not a phone number in international format/);
      await d.answer(/./, KEY.backspace, KEY.backspace, '+44 20 7946 0018', KEY.enter);
      await d.answer(/How should FreeSWITCH receive the calls/, KEY.enter);
    });
    assert.equal(run.code, 0, run.out + run.screen);
    assert.doesNotMatch(run.screen, /auth token|Store the/);
    const written = await writtenConfig(root);
    assert.deepEqual(written.data.numbers, [NUMBER_CA, NUMBER_UK]);
    assert.equal(written.data.twilio, undefined);
  });

  test('Twilio unreachable: one warning, the numbers are typed, the account is kept, and the closing plan covers this server only', async () => {
    const root = await copyFixture('bbb-3.0');
    const env = { TWILIO_AUTH_TOKEN: AUTH_TOKEN, BBB_TWILIO_API_URL: `http://127.0.0.1:${await closedPort()}` };
    const run = await runCli(['init', '--root', root, '--non-interactive', ...FLAGS], { env });
    assert.equal(run.code, 0, run.stderr);
    const warnings = run.stderr.split('\n').filter((l) => l !== '');
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(warnings[0] ?? '', /^warning: Could not list the phone numbers of the account: .*: type the numbers by hand; the config keeps the account, and bbb-twilio plan checks them once Twilio answers$/);
    assert.ok(!run.stderr.includes(AUTH_TOKEN) && !run.stdout.includes(AUTH_TOKEN));
    const written = await writtenConfig(root);
    assert.deepEqual(written.data.numbers, [NUMBER_CA, NUMBER_UK]);
    assert.deepEqual(written.data.twilio, { accountSid: ACCOUNT_SID });
    assert.match(run.stdout, /bbb-twilio plan for /);
    assert.doesNotMatch(run.stdout, /twilio trunk/);
  });

  test('Twilio unreachable in the wizard: the warning is shown and the numbers are asked for', async () => {
    const root = await treeWithPublicIp();
    const env = { TWILIO_AUTH_TOKEN: AUTH_TOKEN, BBB_TWILIO_API_URL: `http://127.0.0.1:${await closedPort()}` };
    const run = await interactive(root, env, async (d) => {
      await d.answer(/public IPv4 address/, KEY.enter);
      await d.answer(/Account SID/, ACCOUNT_SID, KEY.enter);
      await d.answer(/Twilio numbers callers dial/, '+16135550142', KEY.enter);
      await d.answer(/How should FreeSWITCH receive the calls/, KEY.enter);
      await d.answer(/Store the auth token/, KEY.enter);
    });
    assert.equal(run.code, 0, run.out + run.screen);
    assert.match(run.screen, /Could not list the phone numbers of the account: .*type the numbers by hand/);
    assert.deepEqual((await writtenConfig(root)).data.numbers, [NUMBER_CA]);
  });
});
