import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import test, { after } from 'node:test';
import { startEslEmulator } from '../../test/emulators/esl-emulator.js';
import { TargetFileError } from '../errors.js';
import { LocalHost } from '../host/local-host.js';
import { EslClient } from './esl-client.js';
import { eslOptionsFromConfig, readEventSocketConfig, resolveEslTarget } from './event-socket-config.js';

const CONF_DIR = '/opt/freeswitch/etc/freeswitch';
const CONF_FILE = `${CONF_DIR}/autoload_configs/event_socket.conf.xml`;

/** BBB's stock file (2.7 and 3.0 ship the same one), with the settings to vary. */
function eventSocketXml(settings: { ip?: string; port?: string; password?: string | null; extra?: string } = {}): string {
  const password =
    settings.password === null ? '' : `    <param name="password" value="${settings.password ?? 'ClueCon'}"/>\n`;
  return (
    '<configuration name="event_socket.conf" description="Socket Client">\n' +
    '  <settings>\n' +
    '    <param name="nat-map" value="false"/>\n' +
    `    <param name="listen-ip" value="${settings.ip ?? '127.0.0.1'}"/>\n` +
    `    <param name="listen-port" value="${settings.port ?? '8021'}"/>\n` +
    password +
    (settings.extra ?? '') +
    '    <param name="apply-inbound-acl" value="localnet.auto"/>\n' +
    '  </settings>\n' +
    '</configuration>\n'
  );
}

const roots: string[] = [];
after(async () => {
  await Promise.all(roots.map((root) => fs.rm(root, { recursive: true, force: true })));
});

/** A fresh root with the FreeSWITCH conf dir, `/opt/freeswitch/conf` linked to it as on BBB, and this file. */
async function treeWith(xml: string | null): Promise<LocalHost> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-esl-conf-'));
  roots.push(root);
  await fs.mkdir(path.join(root, CONF_DIR, 'autoload_configs'), { recursive: true });
  await fs.symlink(CONF_DIR, path.join(root, '/opt/freeswitch/conf'));
  if (xml !== null) await fs.writeFile(path.join(root, CONF_FILE), xml);
  return new LocalHost(root);
}

async function targetFileFailure(promise: Promise<unknown>): Promise<TargetFileError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof TargetFileError, `expected a TargetFileError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a TargetFileError');
}

test("BBB's stock file gives loopback, 8021 and the password written in it", async () => {
  const host = await treeWith(eventSocketXml());
  assert.deepEqual(await readEventSocketConfig(host, CONF_DIR), {
    host: '127.0.0.1',
    port: 8021,
    password: 'ClueCon',
    file: CONF_FILE,
  });
});

test('a changed password and port are read, not assumed', async () => {
  const host = await treeWith(eventSocketXml({ password: 's3cret&amp;more', port: '8022' }));
  const config = await readEventSocketConfig(host, CONF_DIR);
  assert.equal(config.password, 's3cret&more'); // XML entities decoded, as FreeSWITCH's parser does
  assert.equal(config.port, 8022);
});

test('a wildcard listen-ip (:: or 0.0.0.0) means connect to loopback', async () => {
  for (const ip of ['::', '0.0.0.0', '[::]']) {
    const host = await treeWith(eventSocketXml({ ip }));
    assert.equal((await readEventSocketConfig(host, CONF_DIR)).host, '127.0.0.1', ip);
  }
  assert.equal(resolveEslTarget('::1'), '::1');
  assert.equal(resolveEslTarget('10.0.0.5'), '10.0.0.5');
});

test('the conf dir may be given through the /opt/freeswitch/conf symlink; the real path is reported', async () => {
  const host = await treeWith(eventSocketXml({ password: 'via-link' }));
  const config = await readEventSocketConfig(host, '/opt/freeswitch/conf');
  assert.equal(config.password, 'via-link');
  assert.equal(config.file, CONF_FILE);
});

test('a missing file is a TargetFileError with a hint', async () => {
  const host = await treeWith(null);
  const err = await targetFileFailure(readEventSocketConfig(host, CONF_DIR));
  assert.equal(err.file, CONF_FILE);
  assert.match(err.message, /does not exist/);
  assert.ok(err.hint);
});

test('a missing or commented-out password is a TargetFileError, never a guessed default', async () => {
  const commented = eventSocketXml({ password: null, extra: '    <!-- <param name="password" value="ClueCon"/> -->\n' });
  for (const xml of [eventSocketXml({ password: null }), commented, eventSocketXml({ password: '' })]) {
    const host = await treeWith(xml);
    const err = await targetFileFailure(readEventSocketConfig(host, CONF_DIR));
    assert.match(err.message, /sets no event-socket password/);
    assert.match(err.hint ?? '', /will not guess/);
  }
});

test('malformed XML is a TargetFileError that names the line', async () => {
  const host = await treeWith(eventSocketXml().replace('<settings>', '<settings'));
  const err = await targetFileFailure(readEventSocketConfig(host, CONF_DIR));
  assert.equal(typeof err.line, 'number');
  assert.match(err.message, /not well-formed XML/);
});

test('a FreeSWITCH variable in the password or a bad port is reported with its line', async () => {
  const variable = await targetFileFailure(readEventSocketConfig(await treeWith(eventSocketXml({ password: '$${esl_pw}' })), CONF_DIR));
  assert.match(variable.message, /password uses a FreeSWITCH variable/);
  assert.equal(variable.line, 6);
  const badPort = await targetFileFailure(readEventSocketConfig(await treeWith(eventSocketXml({ port: 'eighty' })), CONF_DIR));
  assert.match(badPort.message, /listen-port "eighty" is not a TCP port/);
  assert.equal(badPort.line, 5);
});

test("a tree's event_socket.conf.xml points the client at an emulator, and errors name that file", async () => {
  const emu = await startEslEmulator({ password: 'tree-password' });
  try {
    const host = await treeWith(eventSocketXml({ password: 'tree-password', port: String(emu.port) }));
    const config = await readEventSocketConfig(host, CONF_DIR);
    const client = await EslClient.connect(eslOptionsFromConfig(config, 2000));
    assert.match(await client.api('sofia status'), /external\tprofile/);
    await client.close();

    const stale = await treeWith(eventSocketXml({ password: 'old-password', port: String(emu.port) }));
    const staleConfig = await readEventSocketConfig(stale, CONF_DIR);
    await assert.rejects(EslClient.connect(eslOptionsFromConfig(staleConfig, 2000)), (err: Error) => {
      assert.ok(err.message.endsWith(`refused the password from ${CONF_FILE}`));
      assert.ok(!err.message.includes('old-password'));
      return true;
    });
  } finally {
    await emu.close();
  }
});
