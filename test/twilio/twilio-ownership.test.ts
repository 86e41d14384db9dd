// Two servers in one Twilio account: resources are found by twilio.trunkName, so a second server with the
// default name would take over the first one's trunk. The state remembers the trunk's SID; a trunk whose
// bbb-twilio origination URL points at another server is refused with the way out; uninstall releases only the
// numbers this config attached.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { copyFixture, writeConfig } from '../support/tree.js';
import { ACCOUNT_SID, NUMBER_CA, NUMBER_UK, type TwilioSandbox, ourTrunk, sandboxPerTest, twilioConfig } from '../support/twilio-account.js';
import { closeServers, statusOf, trackedHealthyServer } from '../doctor/healthy-server.js';

const OTHER = '+16135550199';
const twilioSandbox = sandboxPerTest();
after(closeServers);

/** The account with a third number, and the first server (BASE_CONFIG's) applied to it. */
async function firstServerApplied(): Promise<{ s: TwilioSandbox; root: string; trunk: NonNullable<ReturnType<typeof ourTrunk>> }> {
  const s = await twilioSandbox();
  s.emulator.state.addIncomingNumber({ phoneNumber: OTHER });
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  assert.equal((await s.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  const trunk = ourTrunk(s.emulator);
  assert.ok(trunk);
  return { s, root, trunk };
}

/** A second server: another address, the third number, the same account (and, unless told, the default trunkName). */
const secondServer = (keys = ''): string =>
  `server:\n  publicIp: 198.51.100.20\nnumbers:\n  - "${OTHER}"\ntwilio:\n  accountSid: ${ACCOUNT_SID}\n${keys}`;

test("a second server with the same trunkName is refused with the way out, and the first server's trunk, URL and numbers are untouched", async () => {
  const { s, trunk } = await firstServerApplied();

  const second = await copyFixture('bbb-3.0');
  await writeConfig(second, secondServer());
  const writes = s.emulator.requests.length;
  for (const command of [['plan'], ['apply', '--yes'], ['uninstall', '--yes', '--twilio']]) {
    const run = await s.cli([...command, '--root', second, '--only', 'twilio']);
    assert.equal(run.code, 1, `${command[0]}: ${run.stdout}`);
    assert.match(
      run.stderr,
      new RegExp(
        `^error: Twilio trunk "bbb-twilio" \\(${trunk.sid}\\) sends its calls to sip:203\\.0\\.113\\.10:5080, not to this server \\(198\\.51\\.100\\.20\\): another server set it up with the same twilio\\.trunkName; nothing was changed\\nhint: give this server a trunk of its own: set twilio\\.trunkName to a name no other server uses`,
      ),
    );
  }
  assert.ok(s.emulator.requests.slice(writes).every((r) => r.method === 'GET'), 'the second server changed nothing');
  assert.deepEqual(s.emulator.state.originationUrlsOf(trunk.sid).map((u) => u.sipUrl), ['sip:203.0.113.10:5080']);
  assert.deepEqual(s.emulator.state.numbersOf(trunk.sid).map((n) => n.phoneNumber).sort(), [NUMBER_CA, NUMBER_UK].sort());

  // The way out: a trunk of its own.
  await writeConfig(second, secondServer('  trunkName: bbb-twilio-second\n'));
  assert.equal((await s.cli(['apply', '--root', second, '--yes', '--only', 'twilio'])).code, 0);
  assert.deepEqual(s.emulator.state.numbersOf(ourTrunk(s.emulator, 'bbb-twilio-second')?.sid ?? '').map((n) => n.phoneNumber), [OTHER]);
  assert.deepEqual(s.emulator.state.originationUrlsOf(trunk.sid).map((u) => u.sipUrl), ['sip:203.0.113.10:5080']);
});

test('the state remembers the trunk: the same server at a new address updates its own origination URL', async () => {
  const { s, root } = await firstServerApplied();
  const state = JSON.parse(await fs.readFile(path.join(root, 'var', 'lib', 'bbb-twilio', 'state.json'), 'utf8')) as { twilio?: { trunkSid?: string } };
  assert.equal(state.twilio?.trunkSid, ourTrunk(s.emulator)?.sid);
  await writeConfig(root, twilioConfig().replace('203.0.113.10', '198.51.100.30'));
  const run = await s.cli(['apply', '--root', root, '--yes', '--only', 'twilio']);
  assert.equal(run.code, 0, run.stderr);
  const trunk = ourTrunk(s.emulator);
  assert.deepEqual(s.emulator.state.originationUrlsOf(trunk?.sid ?? '').map((u) => u.sipUrl), ['sip:198.51.100.30:5080']);
});

test('plan and uninstall --twilio leave alone a number on the trunk that this config did not attach (and keep the trunk for it)', async () => {
  const { s, root, trunk } = await firstServerApplied();
  const other = s.emulator.state.findNumber(OTHER);
  assert.ok(other);
  other.trunkSid = trunk.sid; // someone attaches a number of theirs in the Console

  const plan = await s.cli(['plan', '--root', root, '--only', 'twilio', '--detailed-exitcode']);
  assert.equal(plan.code, 0, plan.stdout);
  assert.match(plan.stdout, /note: \+16135550199 on Twilio trunk "bbb-twilio" was not attached by this configuration: left alone/);

  const run = await s.cli(['uninstall', '--root', root, '--yes', '--twilio']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /- delete +twilio phone number "\+16135550142"/);
  assert.doesNotMatch(run.stdout, /twilio phone number "\+16135550199"/);
  assert.match(run.stdout, /note: Twilio trunk "bbb-twilio" is kept: it has numbers this configuration did not attach \(\+16135550199\)/);
  assert.equal(other.trunkSid, trunk.sid);
  assert.equal(s.emulator.state.findNumber(NUMBER_CA)?.trunkSid, null);
});

test("doctor's fix for a missing trunk is apply, not the name of an existing trunk", async () => {
  const server = await trackedHealthyServer();
  const trunk = server.twilio.state.trunks.get(server.trunkSid);
  assert.ok(trunk);
  trunk.friendlyName = 'someone-else';
  const { json } = await server.doctorJson();
  assert.equal(statusOf(json, 'twilio-trunk').status, 'fail');
  assert.match(statusOf(json, 'twilio-trunk').fix, /^run bbb-twilio apply: it creates the trunk \(set twilio\.trunkName only to a name no other server or PBX uses\)$/);
  assert.doesNotMatch(statusOf(json, 'twilio-trunk').fix, /your trunk's friendly name/);
});
