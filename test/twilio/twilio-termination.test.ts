// Dial-out in the Twilio account: a generated password stored in the config, a changed password, a stale
// credential or address removed, Twilio's password rules, and termination taken out of the config.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { meetsTwilioPasswordRules } from '../../src/twilio/sip-password.js';
import { assertOnlyServiceActionsPending, copyFixture, writeConfig } from '../support/tree.js';
import { TERMINATION_BLOCK, type TwilioSandbox, ourTrunk, readStateDir, twilioConfig, twilioSandbox } from '../support/twilio-account.js';

let sandbox: TwilioSandbox;
before(async () => {
  sandbox = await twilioSandbox();
});
after(async () => {
  await sandbox.close();
});

function ourCredentials(): { username: string; password: string }[] {
  const list = [...sandbox.emulator.state.credentialLists.values()].find((l) => l.friendlyName === 'bbb-twilio');
  return list === undefined ? [] : [...list.credentials.values()].map((c) => ({ username: c.username, password: c.password }));
}

function withPassword(password: string): string {
  return TERMINATION_BLOCK + `    password: ${JSON.stringify(password)}\n`;
}

test('without a password, plan leaves the config alone and apply generates one, stores it in the 0600 config (one line added) and sets it in Twilio', async () => {
  const root = await copyFixture('bbb-3.0');
  const yaml = `# my config\n${twilioConfig('  # dial-out through Twilio\n' + TERMINATION_BLOCK.replace('bbb-dialout', 'gen-user'), '# the end\n')}`;
  const file = await writeConfig(root, yaml);
  await fs.chmod(file, 0o644);

  const plan = await sandbox.cli(['plan', '--root', root]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /twilio\.termination\.password is not set: apply generates one/);
  assert.match(plan.stdout, /\+ password +\*{8}/);
  assert.equal(await fs.readFile(file, 'utf8'), yaml, 'plan does not write the config');

  const apply = await sandbox.cli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /Generated a password for the dial-out credential \(gen-user\) and stored it in .*config\.yml as twilio\.termination\.password \(its mode was 644, now 600/);
  const stored = await fs.readFile(file, 'utf8');
  const added = stored.split('\n').filter((line) => !yaml.split('\n').includes(line));
  assert.equal(added.length, 1, stored);
  const password = /^ {4}password: "([^"]+)"$/.exec(added[0] ?? '')?.[1] ?? '';
  assert.ok(meetsTwilioPasswordRules(password), password);
  assert.equal(stored.replace(`${added[0]}\n`, ''), yaml, 'every other byte of the config is kept');
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(ourCredentials(), [{ username: 'gen-user', password }]);
  assert.ok(!apply.stdout.includes(password) && !(await readStateDir(root)).includes(password), 'the password is shown nowhere');

  assertOnlyServiceActionsPending(await sandbox.cli(['plan', '--root', root, '--detailed-exitcode']));
});

test('a changed termination password updates the credential; a credential or address bbb-twilio no longer wants is removed', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig(withPassword('FirstPassw0rd-long')));
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  assert.deepEqual(ourCredentials(), [{ username: 'bbb-dialout', password: 'FirstPassw0rd-long' }]);
  const list = [...sandbox.emulator.state.credentialLists.values()].find((l) => l.friendlyName === 'bbb-twilio');
  const ipList = [...sandbox.emulator.state.ipAccessControlLists.values()].find((l) => l.friendlyName === 'bbb-twilio');
  assert.ok(list && ipList);
  // Someone adds an old user and an old server address to bbb-twilio's lists.
  list.credentials.set('CRstale', { sid: 'CRstale', credentialListSid: list.sid, username: 'old-user', password: 'x', dateCreated: new Date(), dateUpdated: new Date() });
  ipList.ipAddresses.set('IPstale', {
    sid: 'IPstale',
    ipAccessControlListSid: ipList.sid,
    friendlyName: 'old server',
    ipAddress: '192.0.2.50',
    cidrPrefixLength: 32,
    dateCreated: new Date(),
    dateUpdated: new Date(),
  });

  await writeConfig(root, twilioConfig(withPassword('SecondPassw0rd-long')));
  const plan = await sandbox.cli(['plan', '--root', root, '--only', 'twilio', '--json']);
  const changes = (JSON.parse(plan.stdout) as { changes: { kind: string; twilioKind: string; name: string; title: string }[] }).changes;
  assert.deepEqual(
    changes.map((c) => `${c.kind} ${c.twilioKind} ${c.name}`),
    ['update credential bbb-dialout', 'delete credential old-user', 'delete ip-address old server'],
  );
  assert.match(changes[0]?.title ?? '', /password changed/);
  assert.ok(!plan.stdout.includes('SecondPassw0rd-long') && !plan.stdout.includes('FirstPassw0rd-long'));
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  assert.deepEqual(ourCredentials(), [{ username: 'bbb-dialout', password: 'SecondPassw0rd-long' }]);
  assert.deepEqual([...ipList.ipAddresses.values()].map((a) => a.ipAddress), ['203.0.113.10']);
  assert.equal((await sandbox.cli(['plan', '--root', root, '--only', 'twilio', '--detailed-exitcode'])).code, 0);
});

test("a password that breaks Twilio's rules is a config error naming the key, before anything changes", async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig(withPassword('short1A')));
  const before = sandbox.emulator.requests.filter((r) => r.method !== 'GET').length;
  const run = await sandbox.cli(['apply', '--root', root, '--yes']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: .*config\.yml:\d+: twilio\.termination\.password does not meet Twilio's rules \(at least 12 characters with a digit, a lower-case and an upper-case letter\)\nhint: /);
  assert.equal(sandbox.emulator.requests.filter((r) => r.method !== 'GET').length, before);
});

test('a weak password from BBB_TWILIO_TERMINATION_PASSWORD is blamed on that variable, not on the config file', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig(withPassword('FirstPassw0rd-long')));
  const run = await sandbox.cli(['plan', '--root', root], { BBB_TWILIO_TERMINATION_PASSWORD: 'shortPW1' });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: BBB_TWILIO_TERMINATION_PASSWORD does not meet Twilio's rules .*\nhint: set another password in that environment variable/);
  assert.doesNotMatch(run.stderr, /shortPW1|config\.yml/);
});

test('termination taken out of the config: the lists are dissociated and deleted, the trunk loses its domain', async () => {
  const root = await copyFixture('bbb-3.0');
  const name = 'dialout-removal';
  const named = `  trunkName: ${name}\n`;
  // Its own domain: termination domains are unique, and the other tests' trunk has the default one.
  await writeConfig(root, twilioConfig(named + withPassword('FirstPassw0rd-long').replace('bbb-test', name)));
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  const trunk = ourTrunk(sandbox.emulator, name);
  assert.ok(trunk?.domainName);

  await writeConfig(root, twilioConfig(named));
  const plan = await sandbox.cli(['plan', '--root', root, '--only', 'twilio', '--json']);
  const changes = (JSON.parse(plan.stdout) as { changes: { kind: string; twilioKind: string }[] }).changes;
  assert.deepEqual(changes.map((c) => `${c.kind} ${c.twilioKind}`), [
    'delete trunk-credential-list',
    'delete trunk-ip-access-control-list',
    'delete credential-list',
    'delete ip-access-control-list',
    'update trunk',
  ]);
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  assert.equal(trunk.domainName, null);
  assert.equal(trunk.credentialLists.size + trunk.ipAccessControlLists.size, 0);
  assert.ok(![...sandbox.emulator.state.credentialLists.values()].some((l) => l.friendlyName === name));
  assert.ok(![...sandbox.emulator.state.ipAccessControlLists.values()].some((l) => l.friendlyName === name));
});
