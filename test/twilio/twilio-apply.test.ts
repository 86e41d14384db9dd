// The Twilio side of plan and apply against the emulated account: everything is created on the first apply,
// the second plan is empty, the server's move is one origination URL update, a failed run is finished by
// the next one, and dial-out's credential and address lists follow the config.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { assertOnlyServiceActionsPending, copyFixture, diffSnapshots, snapshotTree, writeConfig } from '../support/tree.js';
import {
  NUMBER_CA,
  NUMBER_UK,
  TERMINATION_BLOCK,
  TERMINATION_PASSWORD,
  type TwilioSandbox,
  ourTrunk,
  twilioConfig,
  twilioSandbox,
  writeTwilioMemory,
} from '../support/twilio-account.js';

let sandbox: TwilioSandbox;
before(async () => {
  sandbox = await twilioSandbox();
});
after(async () => {
  await sandbox.close();
});

/** A fresh account for each test: the emulator's state is reset to two free numbers. */
function resetAccount(): void {
  const s = sandbox.emulator.state;
  for (const sid of [...s.trunks.keys()]) s.deleteTrunk(sid);
  for (const sid of [...s.credentialLists.keys()]) s.deleteCredentialList(sid);
  for (const sid of [...s.ipAccessControlLists.keys()]) s.deleteIpAccessControlList(sid);
  s.incomingNumbers.clear();
  s.addIncomingNumber({ phoneNumber: NUMBER_CA });
  s.addIncomingNumber({ phoneNumber: NUMBER_UK });
  sandbox.emulator.requests.length = 0;
}

async function planJson(root: string, extra: string[] = []): Promise<{ changes: Record<string, unknown>[]; warnings: { message: string }[] }> {
  const run = await sandbox.cli(['plan', '--root', root, '--json', ...extra]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as { changes: Record<string, unknown>[]; warnings: { message: string }[] };
}

describe('Twilio side of plan and apply', () => {
  test('the first apply creates trunk, origination URL, dial-out lists and attaches the numbers; the second plan is empty', async () => {
    resetAccount();
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, twilioConfig(TERMINATION_BLOCK.replace('username: bbb-dialout\n', `username: bbb-dialout\n    password: ${JSON.stringify(TERMINATION_PASSWORD)}\n`)));

    const plan = await sandbox.cli(['plan', '--root', root, '--detailed-exitcode']);
    assert.equal(plan.code, 2, plan.stderr);
    assert.match(plan.stdout, /\+ create +twilio trunk "bbb-twilio"/);
    assert.match(plan.stdout, /\+ sip url +sip:203\.0\.113\.10:5080/);
    assert.equal(sandbox.emulator.requests.filter((r) => r.method !== 'GET').length, 0, 'plan only reads');

    const apply = await sandbox.cli(['apply', '--root', root, '--yes']);
    assert.equal(apply.code, 0, apply.stderr);
    const s = sandbox.emulator.state;
    const trunk = ourTrunk(sandbox.emulator);
    assert.ok(trunk, 'trunk created');
    assert.equal(trunk.domainName, 'bbb-test.pstn.twilio.com');
    assert.deepEqual(
      s.originationUrlsOf(trunk.sid).map((u) => [u.friendlyName, u.sipUrl, u.priority, u.weight, u.enabled]),
      [['bbb-twilio', 'sip:203.0.113.10:5080', 10, 10, true]],
    );
    assert.deepEqual(s.numbersOf(trunk.sid).map((n) => n.phoneNumber).sort(), [NUMBER_UK, NUMBER_CA].sort());
    const credentialList = [...s.credentialLists.values()].find((l) => l.friendlyName === 'bbb-twilio');
    assert.ok(credentialList);
    assert.deepEqual([...credentialList.credentials.values()].map((c) => [c.username, c.password]), [['bbb-dialout', TERMINATION_PASSWORD]]);
    const ipList = [...s.ipAccessControlLists.values()].find((l) => l.friendlyName === 'bbb-twilio');
    assert.ok(ipList);
    assert.deepEqual([...ipList.ipAddresses.values()].map((a) => `${a.ipAddress}/${a.cidrPrefixLength}`), ['203.0.113.10/32']);
    assert.deepEqual([...trunk.credentialLists.keys()], [credentialList.sid]);
    assert.deepEqual([...trunk.ipAccessControlLists.keys()], [ipList.sid]);

    const writes = sandbox.emulator.requests.length;
    assertOnlyServiceActionsPending(await sandbox.cli(['plan', '--root', root, '--detailed-exitcode']));
    const reapply = await sandbox.cli(['apply', '--root', root, '--yes']);
    assert.match(reapply.stdout, /No changes\./);
    assert.equal(sandbox.emulator.requests.slice(writes).filter((r) => r.method !== 'GET').length, 0, 'nothing written the second time');
  });

  test('a changed server.publicIp is one Twilio change: the origination URL, updated in place', async () => {
    resetAccount();
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, twilioConfig());
    assert.equal((await sandbox.cli(['apply', '--root', root, '--yes'])).code, 0);
    const trunk = ourTrunk(sandbox.emulator);
    assert.ok(trunk);
    const [url] = sandbox.emulator.state.originationUrlsOf(trunk.sid);
    assert.ok(url);

    await writeConfig(root, twilioConfig().replace('203.0.113.10', '198.51.100.7'));
    const plan = await planJson(root, ['--only', 'twilio']);
    assert.deepEqual(
      plan.changes.map((c) => [c.type, c.kind, c.twilioKind, c.sid, c.attributes]),
      [['twilio', 'update', 'origination-url', url.sid, [{ name: 'sip url', before: 'sip:203.0.113.10:5080', after: 'sip:198.51.100.7:5080' }]]],
    );
    assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
    assert.deepEqual(
      sandbox.emulator.state.originationUrlsOf(trunk.sid).map((u) => [u.sid, u.sipUrl]),
      [[url.sid, 'sip:198.51.100.7:5080']],
    );
  });

  test('external mode sends calls to the external profile\'s SIP port, with the configured edge', async () => {
    resetAccount();
    const root = await copyFixture('bbb-2.7');
    await writeConfig(root, twilioConfig('  edge: frankfurt\n', 'sip:\n  profile: external\n'));
    const plan = await planJson(root, ['--only', 'twilio']);
    const url = plan.changes.find((c) => c.twilioKind === 'origination-url');
    assert.deepEqual((url?.attributes as { name: string; after: string }[]).find((a) => a.name === 'sip url')?.after, 'sip:203.0.113.10:5060;edge=frankfurt');
  });

  test('the bbb-twilio origination URL pointing elsewhere is updated; one someone else added is reported and left alone', async () => {
    resetAccount();
    const s = sandbox.emulator.state;
    const trunkSid = s.addTrunk({ friendlyName: 'bbb-twilio' });
    const ours = s.addOriginationUrl(trunkSid, { friendlyName: 'bbb-twilio', sipUrl: 'sip:192.0.2.99:5080', priority: 20 });
    const theirs = s.addOriginationUrl(trunkSid, { friendlyName: 'backup-pbx', sipUrl: 'sip:192.0.2.1' });
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, twilioConfig());
    // This server set the trunk up at its old address: its state remembers the trunk (see twilio-ownership.test.ts).
    await writeTwilioMemory(root, { trunkSid, numbers: {} });

    const plan = await planJson(root, ['--only', 'twilio']);
    const urlChanges = plan.changes.filter((c) => c.twilioKind === 'origination-url');
    assert.deepEqual(urlChanges.map((c) => [c.kind, c.sid]), [['update', ours]]);
    assert.ok(plan.warnings.some((w) => w.message.includes('sip:192.0.2.1') && w.message.includes('left alone')));
    assert.equal((await sandbox.cli(['apply', '--root', root, '--yes', '--only', 'twilio'])).code, 0);
    assert.deepEqual(s.originationUrls.get(ours)?.sipUrl, 'sip:203.0.113.10:5080');
    assert.deepEqual(s.originationUrls.get(ours)?.priority, 10);
    assert.deepEqual(s.originationUrls.get(theirs)?.sipUrl, 'sip:192.0.2.1');
    assert.equal(s.trunks.size, 1, 'the existing trunk was adopted, not duplicated');
  });

  test('an apply that fails halfway restores the files, says what stayed in Twilio, and the next apply finishes the job', async () => {
    resetAccount();
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, twilioConfig());
    const original = await snapshotTree(root);
    // Twilio answers the origination URL's creation with an error (not retried: only 429 is).
    sandbox.emulator.failNext(/\/OriginationUrls$/, { status: 500, code: 20500, message: 'Internal Server Error' });
    const failed = await sandbox.cli(['apply', '--root', root, '--yes']);
    assert.equal(failed.code, 1);
    const lines = failed.stderr.trim().split('\n');
    assert.equal(lines.length, 2, failed.stderr);
    assert.match(
      lines[0] ?? '',
      /^error: apply failed and was undone, the server's files are as they were: Could not create the origination URL: .*\[Twilio error 20500, HTTP 500\]; in the Twilio account 1 change\(s\) stay \(create twilio trunk "bbb-twilio"\): run apply again/,
    );
    assert.match(lines[1] ?? '', /^hint: /);
    assert.deepEqual(diffSnapshots(original, await snapshotTree(root)), []);
    assert.ok(ourTrunk(sandbox.emulator), 'the trunk created before the failure stays');

    const plan = await planJson(root, ['--only', 'twilio']);
    assert.ok(!plan.changes.some((c) => c.twilioKind === 'trunk'), 'the next plan adopts the trunk');
    const finish = await sandbox.cli(['apply', '--root', root, '--yes']);
    assert.equal(finish.code, 0, finish.stderr);
    const trunk = ourTrunk(sandbox.emulator);
    assert.ok(trunk);
    assert.equal([...sandbox.emulator.state.trunks.values()].filter((t) => t.friendlyName === 'bbb-twilio').length, 1);
    assert.equal(sandbox.emulator.state.originationUrlsOf(trunk.sid).length, 1);
    assert.equal(sandbox.emulator.state.numbersOf(trunk.sid).length, 2);
    assertOnlyServiceActionsPending(await sandbox.cli(['plan', '--root', root, '--detailed-exitcode']));
  });
});
