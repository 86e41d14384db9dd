// The trunk's own settings: Secure Trunking (TLS + SRTP), which the plain-SIP profile cannot answer, is planned
// off with a note and doctor checks it; the termination domain is its own step after the dial-in steps, so a
// domain Twilio refuses as taken (21248) stops only dial-out.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { CONF, copyFixture, writeConfig } from '../support/tree.js';
import { NUMBER_CA, NUMBER_UK, TERMINATION_BLOCK, ourTrunk, sandboxPerTest, twilioConfig } from '../support/twilio-account.js';
import { closeServers, statusOf, trackedHealthyServer } from '../doctor/healthy-server.js';

const sandbox = sandboxPerTest();
after(closeServers);

test('a trunk with Secure Trunking on is planned to secure: false with a note, and apply turns it off', async () => {
  const s = await sandbox();
  const trunk = s.emulator.state.addTrunk({ friendlyName: 'bbb-twilio', secure: true });
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const plan = await s.cli(['plan', '--root', root, '--only', 'twilio']);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /~ update +twilio trunk "bbb-twilio"/);
  assert.match(plan.stdout, /~ secure +true -> false/);
  assert.match(plan.stdout, /note: Twilio trunk "bbb-twilio" has Secure Trunking on \(TLS signalling, SRTP media\): its calls cannot reach bbb-twilio's plain-SIP profile/);

  assert.equal((await s.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  assert.equal(s.emulator.state.trunks.get(trunk)?.secure, false);
  assert.equal((await s.cli(['plan', '--root', root, '--only', 'twilio', '--detailed-exitcode'])).code, 0);
});

test('doctor: twilio-trunk FAILS on a trunk with Secure Trunking on, naming the way out', async () => {
  const server = await trackedHealthyServer();
  const trunk = server.twilio.state.trunks.get(server.trunkSid);
  assert.ok(trunk);
  trunk.secure = true;
  const { json } = await server.doctorJson();
  assert.equal(statusOf(json, 'twilio-trunk').status, 'fail');
  assert.match(statusOf(json, 'twilio-trunk').finding, /has Secure Trunking on \(TLS \+ SRTP\): its calls cannot reach the plain-SIP profile/);
  assert.match(statusOf(json, 'twilio-trunk').fix, /run bbb-twilio apply \(it turns Secure Trunking off\)/);
});

test('a termination domain that is taken (21248) fails only dial-out: the trunk, its origination URL, the numbers and the files are in place', async () => {
  const s = await sandbox();
  s.emulator.state.takenDomains.add('bbb-test.pstn.twilio.com');
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig(TERMINATION_BLOCK + '    password: "Taken-Domain-Passw0rd"\n'));

  const run = await s.cli(['apply', '--root', root, '--yes']);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stdout, /Apply done, except dial-out \(below\)\./);
  assert.match(
    run.stderr,
    /^error: dial-out is not set up \(update twilio trunk "bbb-twilio"\): Could not set the termination domain of the trunk: the termination domain is taken: .* \[Twilio error 21248, HTTP 400\]\nhint: termination domains are unique across all of Twilio: choose another twilio\.termination\.domain/,
  );
  const trunk = ourTrunk(s.emulator);
  assert.ok(trunk, 'the trunk was created without the domain');
  assert.equal(trunk.domainName, null);
  assert.deepEqual(s.emulator.state.originationUrlsOf(trunk.sid).map((u) => u.sipUrl), ['sip:203.0.113.10:5080']);
  assert.deepEqual(s.emulator.state.numbersOf(trunk.sid).map((n) => n.phoneNumber).sort(), [NUMBER_CA, NUMBER_UK].sort());
  await fs.access(path.join(root, CONF, 'sip_profiles/bbb-twilio.xml'));

  await writeConfig(root, twilioConfig(TERMINATION_BLOCK.replace('bbb-test', 'bbb-test-2') + '    password: "Taken-Domain-Passw0rd"\n'));
  const again = await s.cli(['apply', '--root', root, '--yes']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(trunk.domainName, 'bbb-test-2.pstn.twilio.com');
});
