// Every Twilio failure is one line with Twilio's code (when it gave one) and a hint, exit 1, nothing changed;
// secrets never show up in output, JSON, journals or errors.
import assert from 'node:assert/strict';
import { closedPort } from '../support/ports.js';
import * as fs from 'node:fs/promises';
import { afterEach, test } from 'node:test';
import { copyFixture, runCli, snapshotTree, diffSnapshots, writeConfig, type CliRun } from '../support/tree.js';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  NUMBER_CA,
  TERMINATION_BLOCK,
  TERMINATION_PASSWORD,
  type TwilioSandbox,
  readStateDir,
  twilioConfig,
  twilioSandbox,
} from '../support/twilio-account.js';

const sandboxes: TwilioSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function sandboxed(opts: { numbers?: boolean } = {}): Promise<TwilioSandbox> {
  const s = await twilioSandbox(opts);
  sandboxes.push(s);
  return s;
}

async function configuredTree(yaml = twilioConfig()): Promise<string> {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, yaml);
  return root;
}

/** Exit 1, exactly an `error:` line and a `hint:` line, and the tree untouched. */
function assertOneLineFailure(run: CliRun, error: RegExp, hint: RegExp): void {
  assert.equal(run.code, 1, run.stdout);
  const lines = run.stderr.split('\n');
  assert.equal(lines.length, 3, run.stderr);
  assert.match(lines[0] ?? '', /^error: /);
  assert.match(lines[0] ?? '', error);
  assert.match(lines[1] ?? '', /^hint: /);
  assert.match(lines[1] ?? '', hint);
  for (const secret of [AUTH_TOKEN, 'wrong-token-Xy9']) assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret));
}


test('wrong credentials (Twilio 20003): one line with the code and a hint, and apply changes nothing', async () => {
  const sandbox = await sandboxed();
  const root = await configuredTree();
  const before = await snapshotTree(root);
  const run = await sandbox.cli(['apply', '--root', root, '--yes'], { TWILIO_AUTH_TOKEN: 'wrong-token-Xy9' });
  assertOneLineFailure(run, /Could not list the Elastic SIP trunks: Twilio rejected the Account SID or auth token \[Twilio error 20003, HTTP 401\]/, /TWILIO_AUTH_TOKEN/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
});

test('a configured number that is not in the account: one line naming the number and the account', async () => {
  const sandbox = await sandboxed({ numbers: false });
  sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_CA });
  const root = await configuredTree();
  const run = await sandbox.cli(['plan', '--root', root]);
  assertOneLineFailure(run, new RegExp(`\\+442079460018 is not a phone number of Twilio account ${ACCOUNT_SID}`), /buy it .* or remove it from numbers/);
});

test('rate limiting (20429) is retried with backoff, so a short burst goes unnoticed', async () => {
  const sandbox = await sandboxed();
  const root = await configuredTree();
  sandbox.emulator.failNext(/^\/v1\/Trunks$/, { status: 429, code: 20429, message: 'Too Many Requests' }, 2);
  const run = await sandbox.cli(['plan', '--root', root, '--only', 'twilio']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    sandbox.emulator.requests.filter((r) => r.path === '/v1/Trunks').map((r) => r.status),
    [429, 429, 200],
  );
});

test('rate limiting that outlasts the retries: one line with 20429 and when to run again', async () => {
  const sandbox = await sandboxed();
  const root = await configuredTree();
  sandbox.emulator.failNext(/^\/v1\/Trunks$/, { status: 429, code: 20429, message: 'Too Many Requests' }, 20);
  const run = await sandbox.cli(['plan', '--root', root, '--only', 'twilio']);
  assertOneLineFailure(run, /Twilio is rate limiting this account .*\[Twilio error 20429, HTTP 429\]/, /wait a minute and run the command again/);
});

test('a Twilio API that does not answer in time: one line saying so, with where the requests went', async () => {
  const sandbox = await sandboxed();
  const root = await configuredTree();
  sandbox.emulator.delayNext(/^\/v1\/Trunks$/, 2000);
  const run = await sandbox.cli(['plan', '--root', root, '--only', 'twilio'], { BBB_TWILIO_API_TIMEOUT_MS: '200' });
  assertOneLineFailure(run, /Could not list the Elastic SIP trunks: 127\.0\.0\.1:\d+ did not answer in time/, /BBB_TWILIO_API_URL points at 127\.0\.0\.1/);
});

test('a network error (nothing listening): one line with the cause and a hint about BBB_TWILIO_API_URL', async () => {
  const root = await configuredTree();
  const run = await runCli(['plan', '--root', root, '--only', 'twilio'], {
    env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, BBB_TWILIO_API_URL: `http://127.0.0.1:${await closedPort()}` },
  });
  assertOneLineFailure(run, /connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/, /BBB_TWILIO_API_URL points at 127\.0\.0\.1:\d+: check that something listens there/);
});

test('a config file holding the auth token and readable by others is refused', async () => {
  const root = await configuredTree(twilioConfig(`  authToken: ${AUTH_TOKEN}\n`));
  const file = `${root}/etc/bbb-twilio/config.yml`;
  await fs.chmod(file, 0o644);
  const run = await runCli(['plan', '--root', root]);
  assertOneLineFailure(run, /config\.yml: holds a secret but is readable by others \(mode 644\)/, /chmod 600/);
});

test('--only twilio without credentials, and an unknown --only, are usage errors', async () => {
  const root = await configuredTree();
  assertOneLineFailure(await runCli(['plan', '--root', root, '--only', 'twilio']), /the Twilio side needs Twilio credentials: an auth token/, /TWILIO_AUTH_TOKEN/);
  assertOneLineFailure(await runCli(['plan', '--root', root, '--only', 'phones']), /--only takes host or twilio, not "phones"/, /--only host/);
});

test('the auth token and the dial-out password appear in no output, JSON plan, journal, state or backup', async () => {
  const sandbox = await sandboxed();
  const root = await configuredTree(twilioConfig(TERMINATION_BLOCK + `    password: ${JSON.stringify(TERMINATION_PASSWORD)}\n`));
  const runs = [
    await sandbox.cli(['plan', '--root', root]),
    await sandbox.cli(['plan', '--root', root, '--json']),
    await sandbox.cli(['apply', '--root', root, '--yes']),
  ];
  await writeConfig(root, twilioConfig(TERMINATION_BLOCK + `    password: "Another-Passw0rd-here"\n`));
  runs.push(await sandbox.cli(['plan', '--root', root, '--json']), await sandbox.cli(['apply', '--root', root, '--yes']));
  runs.push(await sandbox.cli(['uninstall', '--root', root, '--yes', '--twilio']));
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const everything = runs.map((r) => r.stdout + r.stderr).join('\n');
  const stateDir = await readStateDir(root);
  for (const secret of [AUTH_TOKEN, TERMINATION_PASSWORD, 'Another-Passw0rd-here']) {
    assert.ok(!everything.includes(secret), `${secret} in the output`);
    assert.ok(!everything.includes(JSON.stringify(secret).slice(1, -1)), `${secret} in the JSON output`);
    assert.ok(!stateDir.replace(/<param name="password" value="[^"]*"\/>/g, '').includes(secret), `${secret} in journals or state`);
  }
  assert.match(everything, /"operation": \{\s+"op": "update-credential",[\s\S]*?"password": "\*{8}"/);
});

test('Twilio repeating a password in its error answer does not put it in the error line', async () => {
  const sandbox = await sandboxed();
  const root = await configuredTree(twilioConfig(TERMINATION_BLOCK + `    password: ${JSON.stringify(TERMINATION_PASSWORD)}\n`));
  sandbox.emulator.failNext(/\/Credentials\.json$/, { status: 400, code: 21601, message: `Password ${TERMINATION_PASSWORD} is not allowed` });
  const run = await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio']);
  assertOneLineFailure(run, /Could not create the SIP credential: Twilio rejected the request: Password \*{8} is not allowed \[Twilio error 21601, HTTP 400\]/, /./);
  assert.ok(!run.stderr.includes(TERMINATION_PASSWORD));
});

test('two trunks carrying bbb-twilio\'s name: a conflict naming both, and nothing changed', async () => {
  const sandbox = await sandboxed();
  const a = sandbox.emulator.state.addTrunk({ friendlyName: 'bbb-twilio' });
  const b = sandbox.emulator.state.addTrunk({ friendlyName: 'bbb-twilio' });
  const root = await configuredTree();
  const run = await sandbox.cli(['apply', '--root', root, '--yes']);
  assertOneLineFailure(run, new RegExp(`the Twilio account has 2 Elastic SIP trunks named "bbb-twilio" \\(${a}, ${b}\\); nothing was changed`), /rename the extra ones|twilio\.trunkName/);
  assert.equal(sandbox.emulator.requests.filter((r) => r.method !== 'GET').length, 0);
});
