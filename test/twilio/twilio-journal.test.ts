// What the journal records of the Twilio side, and what rollback does with it: it restores the files and
// says that the Twilio changes stay (they are undone by uninstall --twilio, not by rollback).
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { JournalRecord } from '../../src/apply/journal.js';
import { copyFixture, diffSnapshots, snapshotTree, writeConfig } from '../support/tree.js';
import { type TwilioSandbox, ourTrunk, twilioConfig, twilioSandbox } from '../support/twilio-account.js';

let sandbox: TwilioSandbox;
before(async () => {
  sandbox = await twilioSandbox();
});
after(async () => {
  await sandbox.close();
});

test('the journal records each Twilio change before and after it is made, with its SID; rollback keeps them and says so', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, twilioConfig());
  const original = await snapshotTree(root);
  assert.equal((await sandbox.cli(['apply', '--root', root, '--yes'])).code, 0);
  const trunk = ourTrunk(sandbox.emulator);
  assert.ok(trunk);

  const dir = path.join(root, 'var', 'lib', 'bbb-twilio', 'journal');
  const [name] = await fs.readdir(dir);
  const journal = JSON.parse(await fs.readFile(path.join(dir, name ?? ''), 'utf8')) as JournalRecord;
  const twilio = journal.entries.filter((e) => e.type === 'twilio');
  assert.deepEqual(
    twilio.map((e) => [e.operation, e.name, e.status]),
    [
      ['create-trunk', 'bbb-twilio', 'done'],
      ['create-origination-url', 'bbb-twilio', 'done'],
      ['attach-number', '+16135550142', 'done'],
      ['attach-number', '+442079460018', 'done'],
    ],
  );
  assert.equal(twilio[0]?.sid, trunk.sid);

  const rollback = await sandbox.cli(['rollback', '--root', root, '--yes']);
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, /keep {4}create twilio trunk "bbb-twilio" \(not rolled back; uninstall --twilio removes it\)/);
  assert.deepEqual(diffSnapshots(original, await snapshotTree(root)), []);
  assert.ok(sandbox.emulator.state.trunks.has(trunk.sid), 'the Twilio side stays');
});
