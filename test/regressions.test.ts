// Bugs found by review, each pinned by the behaviour that was wrong.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import test from 'node:test';
import { HostError } from '../src/errors.js';
import { DelegatingHost } from '../src/host/delegating-host.js';
import type { WriteOptions } from '../src/host/host.js';
import { LocalHost } from '../src/host/local-host.js';
import { BASE_CONFIG, CONF, copyFixture, diffSnapshots, runCli, snapshotTree, writeConfig } from './support/tree.js';

const TERMINATION = (password: string): string =>
  `twilio:\n  termination:\n    domain: school.pstn.twilio.com\n    username: bbb-school\n    password: "${password}"\n`;

test('a write refused by a read-only file system is reported as undone, not as a problem to fix by hand', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const before = await snapshotTree(root);
  class ReadOnlyProps extends DelegatingHost {
    override async writeFileAtomic(p: string, data: Buffer, opts: WriteOptions): Promise<void> {
      if (p === '/etc/bigbluebutton/bbb-web.properties') throw new HostError(`cannot write ${p}: read-only file system`, { path: p });
      return this.inner.writeFileAtomic(p, data, opts);
    }
  }
  const run = await runCli(['apply', '--root', root, '--yes'], { makeHost: (r) => new ReadOnlyProps(new LocalHost(r)) });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: apply failed and was undone, the server is as it was: .*read-only file system/);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
});

test('a directory replaced by a file is an error in plan, not a file to create', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const dialplan = path.join(root, CONF, 'dialplan');
  await fs.rm(dialplan, { recursive: true });
  await fs.writeFile(dialplan, 'not a directory\n');
  const plan = await runCli(['plan', '--root', root]);
  assert.equal(plan.code, 1);
  assert.match(plan.stderr, /^error: cannot read .*dialplan\/bbb-twilio\.xml: a part of that path is a file, not a directory\n/);
});

test('plan refuses to edit a vars.xml that is not well-formed XML, naming its line', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, BASE_CONFIG + 'sip:\n  profile: external\n');
  const vars = path.join(root, CONF, 'vars.xml');
  await fs.writeFile(vars, (await fs.readFile(vars, 'utf8')).replace('</include>', '</includes>'));
  const plan = await runCli(['plan', '--root', root]);
  assert.equal(plan.code, 1);
  assert.match(plan.stderr, /vars\.xml:\d+: XML syntax error/);
});

for (const mode of ['dedicated', 'external'] as const) {
  test(`${mode}: an old termination password in the current file is masked in every diff`, async () => {
    const root = await copyFixture('bbb-3.0');
    const profile = mode === 'external' ? 'sip:\n  profile: external\n' : '';
    await writeConfig(root, BASE_CONFIG + profile + TERMINATION('OldSecret-111&x'));
    assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
    // Only the password changes: the diff would show nothing but masks, so the plan says so instead.
    await writeConfig(root, BASE_CONFIG + profile + TERMINATION('NewSecret-222'));
    const text = await runCli(['plan', '--root', root]);
    assert.match(text.stdout, /only a secret value changes \(not shown: \*{8}\)/);
    // Termination removed: the old password leaves the file, masked in the removed lines.
    await writeConfig(root, BASE_CONFIG + profile);
    const removed = await runCli(['plan', '--root', root]);
    assert.match(removed.stdout, /-.*<param name="password" value="\*{8}"\/>/);
    for (const out of [text, removed, await runCli(['plan', '--root', root, '--json'])]) {
      assert.equal(out.code, 0);
      assert.doesNotMatch(out.stdout, /OldSecret-111|NewSecret-222/);
    }
  });
}

test('the plain CLI under a --root converges with ufw in the tree: recorded rules are mirrored, the second plan is empty', async () => {
  const { main } = await import('../src/cli/main.js');
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  let out = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) }, stdinIsTTY: false, env: {} };
  assert.equal(await main(['node', 'bbb-twilio', 'apply', '--root', root, '--yes', '--no-reload'], io), 0, out);
  assert.match(out, /Firewall commands recorded, not run .*\n {4}ufw allow proto udp from 54\.172\.60\.0\/30 to any port 5080 comment bbb-twilio\n/);
  out = '';
  // Exit 2 only for the FreeSWITCH commands --no-reload did not send: no change is left.
  assert.equal(await main(['node', 'bbb-twilio', 'plan', '--root', root, '--detailed-exitcode'], io), 2);
  assert.match(out, /No changes\./);
  assert.match(await fs.readFile(path.join(root, 'etc/ufw/user.rules'), 'utf8'), /allow tcp 5080 0\.0\.0\.0\/0 any 177\.71\.206\.192\/30 in comment=/);
});

test('BBB\'s securitySalt never shows in a plan, not even as an unchanged context line of the diff', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  const salt = '4c1c0d3f0a2b5e6f7a8b9c0d1e2f3a4b5c6d7e8f';
  assert.match(await fs.readFile(path.join(root, 'etc/bigbluebutton/bbb-web.properties'), 'utf8'), new RegExp(salt));
  for (const args of [['plan'], ['plan', '--json'], ['apply', '--yes'], ['uninstall', '--yes']]) {
    const run = await runCli([...args, '--root', root]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(salt), args.join(' '));
  }
});

test('rollback --to with an empty id is refused instead of rolling everything back', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  const installed = await snapshotTree(root);
  const run = await runCli(['rollback', '--root', root, '--to', '', '--yes']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: --to needs an apply id\n/);
  assert.deepEqual(diffSnapshots(installed, await snapshotTree(root)), []);
});

test('a refused run leaves no folders behind: the lock\'s /var/lib/bbb-twilio and the parents it created go again', async () => {
  const root = await copyFixture('bbb-3.0');
  const run = await runCli(['rollback', '--root', root, '--yes']);
  assert.equal(run.code, 1);
  await assert.rejects(fs.access(path.join(root, 'var')));
});

test('the audio bridge is read as bbb-web reads it: an /etc override of audioBridge wins over the packaged default', async () => {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root);
  await fs.appendFile(path.join(root, 'usr/share/bbb-web/WEB-INF/classes/bigbluebutton.properties'), 'audioBridge=livekit\n');
  assert.equal((await runCli(['plan', '--root', root])).code, 1, 'packaged livekit alone: refused');
  await fs.appendFile(path.join(root, 'etc/bigbluebutton/bbb-web.properties'), 'audioBridge=freeswitch\n');
  const plan = await runCli(['plan', '--root', root]);
  assert.equal(plan.code, 0, plan.stderr);
});
