// Issue 9, item 2: a file bbb-twilio edits may be a symlink (an admin keeping bbb-web.properties, which holds
// securitySalt, elsewhere). The link's target is edited in place with its own mode and owner, rollback puts its
// bytes back, and the link stays a link throughout; the same for the config file when apply stores a password.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { BASE_CONFIG, copyFixture, diffSnapshots, runCli, snapshotTree, writeConfig } from './support/tree.js';

const PROPERTIES = 'etc/bigbluebutton/bbb-web.properties';
const SALT = '4c1c0d3f0a2b5e6f7a8b9c0d1e2f3a4b5c6d7e8f';

/** Move bbb-web.properties to /x/props under the root and leave a symlink (absolute or relative) in its place. */
async function linkProperties(root: string, linkTarget: string): Promise<string> {
  const real = path.join(root, 'x/props');
  await fs.mkdir(path.dirname(real), { recursive: true });
  await fs.rename(path.join(root, PROPERTIES), real);
  await fs.chmod(real, 0o640);
  await fs.symlink(linkTarget, path.join(root, PROPERTIES));
  return real;
}

describe('a target file that is a symlink', () => {
  for (const [kind, linkTarget] of [
    ['absolute', '/x/props'],
    ['relative', '../../x/props'],
  ] as const) {
    it(`${kind} link: apply edits the target in place (mode kept), rollback restores it, the link stays`, async () => {
      const root = await copyFixture('bbb-3.0');
      await writeConfig(root);
      const real = await linkProperties(root, linkTarget);
      const before = await snapshotTree(root);

      const apply = await runCli(['apply', '--yes', '--root', root]);
      assert.equal(apply.code, 0, apply.stderr);
      assert.ok(!apply.stdout.includes(SALT), 'securitySalt is not shown');
      assert.match(apply.stdout, /through the symlink \/etc\/bigbluebutton\/bbb-web\.properties/);
      const link = path.join(root, PROPERTIES);
      assert.ok((await fs.lstat(link)).isSymbolicLink(), 'the link is still a link');
      assert.equal(await fs.readlink(link), linkTarget, 'pointing where it did');
      const edited = await fs.readFile(real, 'utf8');
      assert.match(edited, /^defaultDialAccessNumber=/m, 'the target was edited');
      assert.match(edited, new RegExp(`^securitySalt=${SALT}$`, 'm'), 'and keeps the salt');
      assert.equal((await fs.stat(real)).mode & 0o777, 0o640, 'with its own mode, not widened');
      assert.match((await runCli(['plan', '--root', root])).stdout, /No changes/);

      const rollback = await runCli(['rollback', '--yes', '--root', root]);
      assert.equal(rollback.code, 0, rollback.stderr);
      assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), [], 'link and target are back byte for byte');
    });
  }

  it('a link to nothing is refused with one line, and nothing is written', async () => {
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root);
    await fs.rm(path.join(root, PROPERTIES));
    await fs.symlink('/x/missing', path.join(root, PROPERTIES));
    const before = await snapshotTree(root);
    const run = await runCli(['apply', '--yes', '--root', root]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: \/etc\/bigbluebutton\/bbb-web\.properties is a symlink to \/x\/missing, which does not exist\nhint: .+\n$/);
    assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
  });

  it('apply stores a generated password through a symlinked config file: the link stays, the target becomes 0600', async () => {
    const root = await copyFixture('bbb-3.0');
    const configFile = await writeConfig(root, BASE_CONFIG + 'twilio:\n  termination:\n    domain: bbb.pstn.twilio.com\n    username: bbb\n');
    const real = path.join(root, 'x/config.yml');
    await fs.mkdir(path.dirname(real), { recursive: true });
    await fs.rename(configFile, real);
    await fs.chmod(real, 0o640);
    await fs.symlink('/x/config.yml', configFile);

    const run = await runCli(['apply', '--yes', '--root', root]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Generated a password/);
    assert.ok((await fs.lstat(configFile)).isSymbolicLink(), 'the config path is still a link');
    assert.match(await fs.readFile(real, 'utf8'), /^ {4}password: "[^"]{12,}"$/m, 'the target holds the password');
    assert.equal((await fs.stat(real)).mode & 0o777, 0o600);
    assert.match((await runCli(['plan', '--root', root])).stdout, /No changes/);
  });
});
