// A number's routing before bbb-twilio attached it (voice URL and method, fallback URL and method, TwiML app,
// another trunk) is recorded in the state and journal, because attaching deletes the TwiML app (Twilio's rule
// for TrunkSid, modelled by the sandbox); releasing the number puts that routing back exactly, also after a rollback.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { test } from 'node:test';
import type { JournalRecord } from '../../src/apply/journal.js';
import { createTwilioClient } from '../../src/twilio/twilio-client.js';
import { copyFixture, writeConfig } from '../support/tree.js';
import { ACCOUNT_SID, AUTH_TOKEN, NUMBER_CA, NUMBER_UK, type TwilioSandbox, ourTrunk, sandboxPerTest, twilioConfig } from '../support/twilio-account.js';

const APP = `AP${'c'.repeat(32)}`;
const twilioSandbox = sandboxPerTest();

/** The Canadian number runs a TwiML app (and has voice URLs set, unused while the app is); the UK number is on another trunk. */
async function busyAccount(): Promise<{ sandbox: TwilioSandbox; otherTrunk: string }> {
  const sandbox = await twilioSandbox({ numbers: false });
  const otherTrunk = sandbox.emulator.state.addTrunk({ friendlyName: 'old-pbx' });
  sandbox.emulator.state.addIncomingNumber({
    phoneNumber: NUMBER_CA,
    voiceApplicationSid: APP,
    voiceUrl: 'https://ivr.example.org/voice',
    voiceMethod: 'GET',
    voiceFallbackUrl: 'https://ivr.example.org/fallback',
  });
  sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_UK, trunkSid: otherTrunk });
  return { sandbox, otherTrunk };
}

function routing(sandbox: TwilioSandbox, e164: string) {
  const n = sandbox.emulator.state.findNumber(e164);
  assert.ok(n);
  return { trunk: n.trunkSid, app: n.voiceApplicationSid, url: n.voiceUrl, method: n.voiceMethod, fallback: n.voiceFallbackUrl, fallbackMethod: n.voiceFallbackMethod };
}

async function journals(root: string): Promise<JournalRecord[]> {
  const dir = path.join(root, 'var', 'lib', 'bbb-twilio', 'journal');
  return Promise.all((await fs.readdir(dir)).sort().map(async (f) => JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')) as JournalRecord));
}

test('the sandbox models Twilio: setting TrunkSid deletes the voice application (and setting one takes the number off its trunk)', async () => {
  const sandbox = await twilioSandbox({ numbers: false });
  const trunk = sandbox.emulator.state.addTrunk({ friendlyName: 't' });
  const pn = sandbox.emulator.state.addIncomingNumber({ phoneNumber: NUMBER_CA, voiceApplicationSid: APP, voiceUrl: 'https://ivr.example.org/voice' });
  const client = await createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: sandbox.emulator.url });
  const onTrunk = await client.incomingPhoneNumbers(pn).update({ trunkSid: trunk });
  assert.deepEqual([onTrunk.trunkSid, onTrunk.voiceApplicationSid, onTrunk.voiceUrl], [trunk, null, 'https://ivr.example.org/voice']);
  const onApp = await client.incomingPhoneNumbers(pn).update({ voiceApplicationSid: APP });
  assert.deepEqual([onApp.trunkSid, onApp.voiceApplicationSid], [null, APP]);
});

test('--force-numbers records where each number went; uninstall --twilio puts the TwiML app, the other trunk and the voice URLs back exactly', async () => {
  const { sandbox, otherTrunk } = await busyAccount();
  const before = { ca: routing(sandbox, NUMBER_CA), uk: routing(sandbox, NUMBER_UK) };
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());

  const apply = await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio', '--force-numbers']);
  assert.equal(apply.code, 0, apply.stderr);
  const trunk = ourTrunk(sandbox.emulator);
  assert.ok(trunk);
  assert.equal(routing(sandbox, NUMBER_CA).app, null, 'Twilio deleted the app when the trunk was set');
  const attach = (await journals(root))[0]?.entries.find((e) => e.type === 'twilio' && e.name === NUMBER_CA);
  assert.ok(attach?.type === 'twilio');
  assert.deepEqual(attach.previous, {
    voiceUrl: 'https://ivr.example.org/voice',
    voiceMethod: 'GET',
    voiceFallbackUrl: 'https://ivr.example.org/fallback',
    voiceFallbackMethod: 'POST',
    voiceApplicationSid: APP,
    trunkSid: null,
  });

  const uninstall = await sandbox.cli(['uninstall', '--root', root, '--yes', '--twilio']);
  assert.equal(uninstall.code, 0, uninstall.stderr);
  assert.match(uninstall.stdout, new RegExp(`uninstall: off trunk "bbb-twilio", back to a TwiML app \\(${APP}\\) as before bbb-twilio attached it`));
  assert.match(uninstall.stdout, new RegExp(`uninstall: off trunk "bbb-twilio", back to another Elastic SIP trunk \\(${otherTrunk}\\)`));
  assert.deepEqual(routing(sandbox, NUMBER_CA), before.ca);
  assert.deepEqual(routing(sandbox, NUMBER_UK), before.uk);
  assert.equal(sandbox.emulator.state.trunks.has(trunk.sid), false);
});

test('after a rollback, uninstall --twilio still puts the numbers back: the state keeps what it knows of the account', async () => {
  const { sandbox } = await busyAccount();
  const before = routing(sandbox, NUMBER_CA);
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--force-numbers'])).code, 0);
  const rollback = await sandbox.cli(['rollback', '--root', root, '--yes']);
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, /keep {4}create twilio phone number "\+16135550142" \(not rolled back; uninstall --twilio puts the number back where its calls went before\)/);
  assert.equal((await sandbox.cli(['uninstall', '--root', root, '--yes', '--twilio'])).code, 0);
  assert.deepEqual(routing(sandbox, NUMBER_CA), before);
});

test('a number taken out of numbers goes back to its TwiML app, not to nowhere', async () => {
  const { sandbox } = await busyAccount();
  const before = routing(sandbox, NUMBER_CA);
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio', '--force-numbers'])).code, 0);
  await writeConfig(root, twilioConfig().replace('  - "+1 613-555-0142"\n', ''));
  const run = await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /not in numbers: off trunk "bbb-twilio", back to a TwiML app/);
  assert.deepEqual(routing(sandbox, NUMBER_CA), before);
});

test('an apply that fails after a number was attached keeps its routing before: the next apply finishes, uninstall --twilio puts it back', async () => {
  const { sandbox } = await busyAccount();
  const before = routing(sandbox, NUMBER_CA);
  const uk = sandbox.emulator.state.findNumber(NUMBER_UK);
  assert.ok(uk);
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  sandbox.emulator.failNext(new RegExp(`/IncomingPhoneNumbers/${uk.sid}\\.json$`), { status: 500, code: 20500, message: 'Internal Server Error' });
  const failed = await sandbox.cli(['apply', '--root', root, '--yes', '--force-numbers']);
  assert.equal(failed.code, 1, failed.stdout);
  assert.equal(routing(sandbox, NUMBER_CA).app, null, 'the Canadian number was attached before the failure, and stays');
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--force-numbers'])).code, 0);
  assert.equal((await sandbox.cli(['uninstall', '--root', root, '--yes', '--twilio'])).code, 0);
  assert.deepEqual(routing(sandbox, NUMBER_CA), before);
});

test('a run killed after a number was attached: recovery keeps its routing before from the journal, and uninstall --twilio puts it back', async () => {
  const { sandbox } = await busyAccount();
  const before = routing(sandbox, NUMBER_CA);
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--force-numbers'])).code, 0);
  // As if the run had been killed (kill -9) before it finished: its journal is still in progress.
  const dir = path.join(root, 'var', 'lib', 'bbb-twilio', 'journal');
  const [file] = await fs.readdir(dir);
  const journal = JSON.parse(await fs.readFile(path.join(dir, file ?? ''), 'utf8')) as JournalRecord;
  await fs.writeFile(path.join(dir, file ?? ''), JSON.stringify({ ...journal, status: 'in-progress' }));

  const run = await sandbox.cli(['uninstall', '--root', root, '--yes', '--twilio']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Recovered an interrupted apply/);
  assert.deepEqual(routing(sandbox, NUMBER_CA), before);
});
