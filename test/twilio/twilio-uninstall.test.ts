// `uninstall --twilio` removes exactly what bbb-twilio created in the account, found by its name: numbers
// are detached (never released), and nothing else in the account is touched. Plain `uninstall` leaves the
// account alone.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { copyFixture, writeConfig } from '../support/tree.js';
import {
  NUMBER_CA,
  NUMBER_UK,
  TERMINATION_BLOCK,
  type TwilioSandbox,
  ourTrunk,
  twilioConfig,
  twilioSandbox,
} from '../support/twilio-account.js';

const sandboxes: TwilioSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

const CONFIG = twilioConfig(TERMINATION_BLOCK + '    password: "Uninstall-Test-Passw0rd"\n');

test('uninstall --twilio removes only what bbb-twilio created; numbers stay in the account, detached', async () => {
  const sandbox = await twilioSandbox();
  sandboxes.push(sandbox);
  const s = sandbox.emulator.state;
  // Someone else's things in the same account.
  const otherTrunk = s.addTrunk({ friendlyName: 'office-pbx', domainName: 'office.pstn.twilio.com' });
  const otherUrl = s.addOriginationUrl(otherTrunk, { friendlyName: 'office', sipUrl: 'sip:192.0.2.10' });
  const otherNumber = s.addIncomingNumber({ phoneNumber: '+16135550199', trunkSid: otherTrunk });
  const otherCredentials = s.addCredentialList('office-phones');
  const otherAcl = s.addIpAccessControlList('office-network');
  s.trunks.get(otherTrunk)?.credentialLists.set(otherCredentials, new Date());
  const foreign = [otherTrunk, otherUrl, otherNumber, otherCredentials, otherAcl];

  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, CONFIG);
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes'])).code, 0);
  const trunk = ourTrunk(sandbox.emulator);
  assert.ok(trunk);

  const hostOnly = await sandbox.cli(['uninstall', '--root', root, '--yes']);
  assert.equal(hostOnly.code, 0, hostOnly.stderr);
  assert.ok(s.trunks.has(trunk.sid), 'plain uninstall leaves the Twilio account alone');
  assert.equal(s.numbersOf(trunk.sid).length, 2);

  const start = sandbox.emulator.requests.length;
  const run = await sandbox.cli(['uninstall', '--root', root, '--yes', '--twilio']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /- delete +twilio phone number "\+16135550142"/);
  assert.match(run.stdout, /- delete +twilio trunk "bbb-twilio"/);
  assert.equal(s.trunks.has(trunk.sid), false);
  assert.ok(![...s.credentialLists.values()].some((l) => l.friendlyName === 'bbb-twilio'));
  assert.ok(![...s.ipAccessControlLists.values()].some((l) => l.friendlyName === 'bbb-twilio'));
  for (const number of [NUMBER_CA, NUMBER_UK]) assert.equal(s.findNumber(number)?.trunkSid, null, `${number} detached, not released`);

  assert.equal(s.trunks.get(otherTrunk)?.domainName, 'office.pstn.twilio.com');
  assert.equal(s.originationUrls.get(otherUrl)?.sipUrl, 'sip:192.0.2.10');
  assert.equal(s.incomingNumbers.get(otherNumber)?.trunkSid, otherTrunk);
  assert.ok(s.credentialLists.has(otherCredentials) && s.ipAccessControlLists.has(otherAcl));
  assert.ok(s.trunks.get(otherTrunk)?.credentialLists.has(otherCredentials));
  const writes = sandbox.emulator.requests.slice(start).filter((r) => r.method !== 'GET');
  assert.ok(writes.length > 0);
  for (const w of writes) {
    assert.ok(!foreign.some((sid) => w.path.includes(sid)), `${w.method} ${w.path} touched someone else's resource`);
    assert.notEqual(w.method, 'POST', `uninstall only detaches and deletes (${w.path})`);
  }
  assert.ok(!writes.some((w) => w.path.includes('/IncomingPhoneNumbers/')), 'no number is released');

  assert.match((await sandbox.cli(['uninstall', '--root', root, '--yes', '--twilio'])).stdout, /Nothing of bbb-twilio is installed here or in the Twilio account: /);
});

test('a bbb-twilio trunk that also carries someone else\'s origination URL is kept, with a note; only bbb-twilio\'s URL goes', async () => {
  const sandbox = await twilioSandbox();
  sandboxes.push(sandbox);
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
  const trunk = ourTrunk(sandbox.emulator);
  assert.ok(trunk);
  const theirs = sandbox.emulator.state.addOriginationUrl(trunk.sid, { friendlyName: 'failover', sipUrl: 'sip:192.0.2.20' });

  const run = await sandbox.cli(['uninstall', '--root', root, '--yes', '--only', 'twilio']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /note: Twilio trunk "bbb-twilio" is kept: it has origination URLs bbb-twilio did not create \(sip:192\.0\.2\.20\)/);
  assert.ok(sandbox.emulator.state.trunks.has(trunk.sid));
  assert.deepEqual(sandbox.emulator.state.originationUrlsOf(trunk.sid).map((u) => u.sid), [theirs]);
  assert.equal(sandbox.emulator.state.numbersOf(trunk.sid).length, 0);
});

test('uninstall --twilio without Twilio credentials is refused before anything changes', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const sandbox = await twilioSandbox();
  sandboxes.push(sandbox);
  const run = await sandbox.cli(['uninstall', '--root', root, '--yes', '--twilio'], { TWILIO_AUTH_TOKEN: '' });
  assert.equal(run.code, 1);
  assert.equal(run.stderr, 'error: the Twilio side needs Twilio credentials: an auth token (TWILIO_AUTH_TOKEN or twilio.authToken) is missing\nhint: set twilio.accountSid in the config and TWILIO_AUTH_TOKEN in the environment (or twilio.authToken in the 0600 config; or an API key: twilio.apiKeySid and TWILIO_API_KEY_SECRET)\n');
  assert.equal(sandbox.emulator.requests.length, 0);
});
