// Numbers whose calls go somewhere else today are not moved without --force-numbers (or twilio.forceNumbers);
// Twilio's demo greeting on a new number does not count; a number not in the account is an error.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { copyFixture, writeConfig } from '../support/tree.js';
import { NUMBER_CA, NUMBER_UK, type TwilioSandbox, ourTrunk, twilioConfig, twilioSandbox } from '../support/twilio-account.js';

const sandboxes: TwilioSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

/** An account where the Canadian number runs a TwiML app and the UK number is on another trunk. */
async function busyAccount(): Promise<{ sandbox: TwilioSandbox; otherTrunk: string }> {
  const sandbox = await twilioSandbox({ numbers: false });
  sandboxes.push(sandbox);
  const otherTrunk = sandbox.emulator.state.addTrunk({ friendlyName: 'old-pbx' });
  sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_CA, voiceApplicationSid: `AP${'a'.repeat(32)}` });
  sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_UK, trunkSid: otherTrunk });
  return { sandbox, otherTrunk };
}

test('a number on a TwiML app or another trunk is a plan warning and stays where it is without --force-numbers', async () => {
  const { sandbox, otherTrunk } = await busyAccount();
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const plan = await sandbox.cli(['plan', '--root', root, '--only', 'twilio']);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /! risk: \+1 613 555 0142 is attached to a TwiML app \(APa{32}\): not moved to trunk "bbb-twilio"/);
  assert.match(plan.stdout, new RegExp(`! risk: \\+44 20 7946 0018 is attached to another Elastic SIP trunk \\(${otherTrunk}\\): not moved`));
  assert.match(plan.stdout, /--force-numbers \(or set twilio\.forceNumbers: true\)/);
  assert.doesNotMatch(plan.stdout, /twilio phone number/);

  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  const ca = sandbox.emulator.state.findNumber(NUMBER_CA);
  const uk = sandbox.emulator.state.findNumber(NUMBER_UK);
  assert.equal(ca?.trunkSid, null);
  assert.equal(ca?.voiceApplicationSid, `AP${'a'.repeat(32)}`);
  assert.equal(uk?.trunkSid, otherTrunk);
});

test('--force-numbers moves them, and the plan says under each change where its calls went before', async () => {
  const { sandbox, otherTrunk } = await busyAccount();
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const plan = await sandbox.cli(['plan', '--root', root, '--only', 'twilio', '--force-numbers']);
  assert.match(plan.stdout, /\+ create +twilio phone number "\+16135550142".*\n.*\n.*\n {6}- voice application +APa{32}\n {4}! moves \+1 613 555 0142 away from a TwiML app \(APa{32}\) \(--force-numbers\); uninstall --twilio puts it back/);
  assert.match(plan.stdout, new RegExp(`~ trunk +${otherTrunk} -> bbb-twilio`));
  assert.doesNotMatch(plan.stdout, /! risk: .*not moved/);
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio', '--force-numbers'])).code, 0);
  const trunk = ourTrunk(sandbox.emulator);
  assert.ok(trunk);
  assert.deepEqual(sandbox.emulator.state.numbersOf(trunk.sid).map((n) => n.phoneNumber).sort(), [NUMBER_UK, NUMBER_CA].sort());
  assert.equal(sandbox.emulator.state.numbersOf(otherTrunk).length, 0);
});

test('twilio.forceNumbers: true in the config does what --force-numbers does', async () => {
  const { sandbox } = await busyAccount();
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig('  forceNumbers: true\n'));
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  const trunk = ourTrunk(sandbox.emulator);
  assert.ok(trunk);
  assert.equal(sandbox.emulator.state.numbersOf(trunk.sid).length, 2);
});

test("Twilio's demo greeting on a new number is not a destination: the number is attached without --force-numbers", async () => {
  const sandbox = await twilioSandbox({ numbers: false });
  sandboxes.push(sandbox);
  sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_CA, voiceUrl: 'https://demo.twilio.com/welcome/voice/' });
  sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_UK, voiceUrl: 'https://pbx.example.org/voice' });
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const plan = await sandbox.cli(['plan', '--root', root, '--only', 'twilio']);
  assert.match(plan.stdout, /\+ create +twilio phone number "\+16135550142"/);
  assert.match(plan.stdout, /! risk: \+44 20 7946 0018 is attached to a voice URL \(https:\/\/pbx\.example\.org\/voice\): not moved/);
});

test('a number on the trunk that is no longer configured is detached, never released', async () => {
  const sandbox = await twilioSandbox();
  sandboxes.push(sandbox);
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  await writeConfig(root, twilioConfig().replace(/  - number: "\+44 20 7946 0018"\n    label: UK\n/, ''));
  const plan = await sandbox.cli(['plan', '--root', root, '--only', 'twilio', '--json']);
  const changes = (JSON.parse(plan.stdout) as { changes: { kind: string; name: string; operation: { op: string } }[] }).changes;
  assert.deepEqual(changes.map((c) => [c.kind, c.name, c.operation.op]), [['delete', NUMBER_UK, 'detach-number']]);
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  assert.equal(sandbox.emulator.state.findNumber(NUMBER_UK)?.trunkSid, null, 'detached and still in the account');
});
