// doctor's checks as they judge the running server (root /): a service that does not answer is a failure there,
// and the host's own addresses are compared with server.publicIp. The tree stands in for / through a host that
// reports "/" as its root; the network interfaces are given.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import type * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import { createDoctorContext } from '../../src/doctor/doctor-context.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { DelegatingHost } from '../../src/host/delegating-host.js';
import { LocalHost } from '../../src/host/local-host.js';
import { startBbbApiEmulator, type BbbApiEmulator } from '../emulators/bbb-api-emulator.js';
import { closedPort } from '../emulators/esl-emulator.js';
import { pointTreeAtBbb, pointTreeAtEsl } from '../support/freeswitch-tree.js';
import { BASE_CONFIG, CONF, copyFixture } from '../support/tree.js';

/** The tree, presented as the server itself. */
class ServerRootHost extends DelegatingHost {
  override get root(): string {
    return '/';
  }
}

type Interfaces = NodeJS.Dict<os.NetworkInterfaceInfo[]>;
const nic = (address: string): os.NetworkInterfaceInfo => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '02:00:00:00:00:01',
  internal: false,
  cidr: `${address}/24`,
});
const LOOPBACK: os.NetworkInterfaceInfo = { ...nic('127.0.0.1'), internal: true, netmask: '255.0.0.0', cidr: '127.0.0.1/8' };

const emulators: BbbApiEmulator[] = [];
after(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

async function doctorOnServer(opts: { interfaces?: Interfaces; prepare?: (root: string) => Promise<void>; httpTimeoutMs?: number } = {}) {
  const root = await copyFixture('bbb-3.0');
  await pointTreeAtEsl(root, await closedPort());
  await pointTreeAtBbb(root, `http://127.0.0.1:${await closedPort()}`);
  await opts.prepare?.(root);
  const host = new ServerRootHost(new LocalHost(root));
  const config = parseConfig(BASE_CONFIG, '/etc/bbb-twilio/config.yml');
  const ctx = await createDoctorContext(host, { configFile: '/etc/bbb-twilio/config.yml', config, configError: null }, {
    offline: true,
    env: {},
    networkInterfaces: () => opts.interfaces ?? { lo: [LOOPBACK] },
    eslTimeoutMs: 500,
    httpTimeoutMs: opts.httpTimeoutMs ?? 2000,
  });
  try {
    const report = await runDoctor(ctx);
    return (id: string) => {
      const found = report.checks.find((c) => c.id === id);
      assert.ok(found, id);
      return found;
    };
  } finally {
    await ctx.close();
  }
}

test('public-ip-local is OK when server.publicIp is one of the host\'s addresses', async () => {
  const check = await doctorOnServer({ interfaces: { lo: [LOOPBACK], eth0: [nic('203.0.113.10')] } });
  assert.deepEqual([check('public-ip-local').status, check('public-ip-local').finding], ['ok', '203.0.113.10 is an address of this server (eth0)']);
});

test('public-ip-local WARNS with the NAT explanation when the host has only a private address (local_ip_v4 in vars.xml)', async () => {
  const check = await doctorOnServer({ interfaces: { lo: [LOOPBACK], ens5: [nic('10.0.3.66')] } });
  const result = check('public-ip-local');
  assert.equal(result.status, 'warn');
  assert.match(result.finding, /^203\.0\.113\.10 is not on this server, which has the private address 10\.0\.3\.66 \(local_ip_v4 in vars\.xml: 10\.0\.3\.66\): a NAT setup/);
  assert.match(result.fix, /forwards udp and tcp 5080 from Twilio's signalling ranges and udp 16384-32768/);
});

test('public-ip-local FAILS when the address belongs to neither the host nor a NAT', async () => {
  const check = await doctorOnServer({
    interfaces: { lo: [LOOPBACK], eth0: [nic('198.51.100.7')] },
    prepare: async (root) => {
      const vars = path.join(root, CONF, 'vars.xml');
      await fs.writeFile(vars, (await fs.readFile(vars, 'utf8')).replace(/^.*local_ip_v4=10\.0\.3\.66.*\n/m, ''));
    },
  });
  const result = check('public-ip-local');
  assert.equal(result.status, 'fail');
  assert.equal(result.finding, '203.0.113.10 is not an address of this server (it has 198.51.100.7), and nothing points to a NAT');
});

test('on the server, a FreeSWITCH that does not answer is a failure, not a skip', async () => {
  const check = await doctorOnServer();
  const esl = check('esl-reachable');
  assert.equal(esl.status, 'fail');
  assert.match(esl.finding, /^cannot reach FreeSWITCH's event socket at 127\.0\.0\.1:\d+: connection refused$/);
  assert.match(esl.fix, /systemctl status freeswitch/);
});

test('on the server, a BBB API that does not answer is a failure, not a skip', async () => {
  const check = await doctorOnServer();
  const api = check('bbb-api-reachable');
  assert.equal(api.status, 'fail');
  assert.match(api.finding, /^cannot reach http:\/\/127\.0\.0\.1:\d+\/bigbluebutton\/api\/getMeetings: connection refused$/);
});

test('bbb-api-reachable FAILS with a timeout when bbb-web accepts the connection and never answers', async () => {
  const bbb = await startBbbApiEmulator({ secret: 'x', behaviour: 'hang' });
  emulators.push(bbb);
  const check = await doctorOnServer({ httpTimeoutMs: 300, prepare: (root) => pointTreeAtBbb(root, bbb.url) });
  assert.equal(check('bbb-api-reachable').status, 'fail');
  assert.match(check('bbb-api-reachable').finding, /getMeetings did not answer within 0\.3s$/);
});

test('bbb-api-reachable uses sha256 when bbb-web no longer accepts sha1', async () => {
  const salt = 'sha256-only-salt-0123456789';
  const bbb = await startBbbApiEmulator({ secret: salt, algorithms: ['sha256', 'sha512'] });
  emulators.push(bbb);
  const check = await doctorOnServer({
    prepare: async (root) => {
      await pointTreeAtBbb(root, bbb.url, salt);
      await fs.appendFile(path.join(root, 'etc/bigbluebutton/bbb-web.properties'), 'supportedChecksumAlgorithms=sha256,sha512\n');
    },
  });
  assert.equal(check('bbb-api-reachable').status, 'ok');
  assert.match(check('bbb-api-reachable').finding, /answers \(sha256 checksum\): no meeting running$/);
  assert.deepEqual(bbb.requests.map((r) => [r.call, r.algorithm, r.checksumOk]), [['getMeetings', 'sha256', true]]);
});
