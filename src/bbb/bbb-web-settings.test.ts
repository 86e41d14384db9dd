import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BBB_WEB_DEFAULTS, BBB_WEB_OVERRIDES } from '../host/bbb-paths.js';
import { LocalHost } from '../host/local-host.js';
import { callServiceApiAccess, checksumAlgorithm, readBbbWebSettings, strongestChecksumAlgorithm } from './bbb-web-settings.js';

const roots: string[] = [];
after(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

async function serverWith(defaults: string, overrides?: string): Promise<LocalHost> {
  const root = await mkdtemp(join(tmpdir(), 'bbb-web-settings-'));
  roots.push(root);
  const host = new LocalHost(root);
  await host.writeFileAtomic(BBB_WEB_DEFAULTS, Buffer.from(defaults), { mode: 0o644 });
  if (overrides !== undefined) await host.writeFileAtomic(BBB_WEB_OVERRIDES, Buffer.from(overrides), { mode: 0o644 });
  return host;
}

const DEFAULTS = 'bigbluebutton.web.serverURL=http://bbb.example.org\nsecuritySalt=packaged\nsupportedChecksumAlgorithms=sha1,sha256,sha384,sha512\n';

test('the call service signs with the strongest algorithm bbb-web accepts; the admin\'s list wins over the packaged one', async () => {
  const settings = await readBbbWebSettings(await serverWith(DEFAULTS));
  assert.deepEqual([strongestChecksumAlgorithm(settings), checksumAlgorithm(settings)], ['sha512', 'sha1']);
  const narrowed = await readBbbWebSettings(await serverWith(DEFAULTS, 'supportedChecksumAlgorithms= SHA256 ,sha1\n'));
  assert.deepEqual([strongestChecksumAlgorithm(narrowed), checksumAlgorithm(narrowed)], ['sha256', 'sha1']);
  const unset = await readBbbWebSettings(await serverWith('securitySalt=x\n'));
  assert.equal(strongestChecksumAlgorithm(unset), 'sha512', 'unset means bbb-web\'s default list');
  const none = await readBbbWebSettings(await serverWith(DEFAULTS, 'supportedChecksumAlgorithms=md5\n'));
  assert.equal(strongestChecksumAlgorithm(none), null);
});

test('the call service\'s API access: URL and secret from the override, or one line saying what is missing', async () => {
  const settings = await readBbbWebSettings(await serverWith(DEFAULTS, 'securitySalt=admin-secret\nbigbluebutton.web.serverURL=https://meet.example.org\n'));
  assert.deepEqual(callServiceApiAccess(settings), { ok: true, options: { serverUrl: 'https://meet.example.org', secret: 'admin-secret', algorithm: 'sha512' } });
  const noSalt = callServiceApiAccess(await readBbbWebSettings(await serverWith('bigbluebutton.web.serverURL=http://x\n')));
  assert.deepEqual(noSalt, { ok: false, problem: `securitySalt is not set in ${BBB_WEB_DEFAULTS}` });
  const md5 = callServiceApiAccess(await readBbbWebSettings(await serverWith(DEFAULTS, 'supportedChecksumAlgorithms=md5\n')));
  assert.deepEqual(md5, { ok: false, problem: `supportedChecksumAlgorithms (${BBB_WEB_OVERRIDES}) names none of sha1, sha256, sha384, sha512` });
});
