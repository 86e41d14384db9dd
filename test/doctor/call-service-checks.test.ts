// doctor's call-service checks, each passing and failing: the dialplan's socket address, the systemd unit, the TCP
// listener in /proc/net/tcp{,6}, and /healthz (a tiny HTTP server on port 0); all skipped when the service is off.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import { check, type CheckResult, type DoctorCheck } from '../../src/doctor/check.js';
import {
  callServiceActive,
  callServiceDialplan,
  callServiceHealthy,
  callServiceListening,
} from '../../src/doctor/call-service-checks.js';
import { createDoctorContext, type DoctorContext } from '../../src/doctor/doctor-context.js';
import { DelegatingHost } from '../../src/host/delegating-host.js';
import type { CommandResult, Host } from '../../src/host/host.js';
import { LocalHost } from '../../src/host/local-host.js';
import { BASE_CONFIG, CONF, copyFixture, runCli, writeConfig } from '../support/tree.js';

const servers: http.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A host that runs commands, answering `systemctl is-active` as told. */
class SystemctlHost extends DelegatingHost {
  constructor(inner: Host, private readonly answer: CommandResult) {
    super(inner);
  }
  override get runsCommands(): boolean {
    return true;
  }
  override run(): Promise<CommandResult> {
    return Promise.resolve(this.answer);
  }
}

async function runCheck(
  item: DoctorCheck<DoctorContext>,
  root: string,
  yaml: string,
  opts: { host?: Host; live?: boolean } = {},
): Promise<CheckResult> {
  const host = opts.host ?? new LocalHost(root);
  const config = parseConfig(yaml, 'config.yml', { env: {}, fileMode: 0o600 });
  const ctx = await createDoctorContext(host, { configFile: 'config.yml', config, configError: null }, { offline: true, env: {}, httpTimeoutMs: 1000 });
  return item.run({ ...ctx, live: opts.live ?? ctx.live }, check(item.id, item.title));
}

/** A /healthz that answers `status` with `body`. */
async function healthz(status: number, body: string): Promise<number> {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/healthz' ? status : 404, { 'content-type': 'application/json' });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const tcpLine = (hexAddress: string, port: number, state: string): string =>
  `   0: ${hexAddress}:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n`;

describe('the call-service checks on an applied tree', () => {
  let root: string;
  before(async () => {
    root = await copyFixture('bbb-3.0');
    await writeConfig(root);
    const apply = await runCli(['apply', '--root', root, '--yes']);
    assert.equal(apply.code, 0, apply.stderr);
  });

  test('call-service-dialplan: OK when the dialplan dials callService.listen, FAIL on another address or no socket at all', async () => {
    assert.equal((await runCheck(callServiceDialplan, root, BASE_CONFIG)).status, 'ok');
    const moved = await runCheck(callServiceDialplan, root, BASE_CONFIG + 'callService:\n  listen: 127.0.0.1:9000\n');
    assert.equal(moved.status, 'fail');
    assert.match(moved.finding, /hands calls to 127\.0\.0\.1:8084, but the call service listens on 127\.0\.0\.1:9000/);
    const file = path.join(root, CONF, 'dialplan/bbb-twilio.xml');
    const installed = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, installed.replace(/\s*<action application="socket"[^>]*\/>/, ''));
    const gone = await runCheck(callServiceDialplan, root, BASE_CONFIG);
    await fs.writeFile(file, installed);
    assert.equal(gone.status, 'fail');
    assert.match(gone.finding, /no socket action/);
  });

  test('call-service-active: OK when systemd says active, FAIL otherwise, SKIP where commands are not run', async () => {
    const answer = (stdout: string, code: number): Host => new SystemctlHost(new LocalHost(root), { code, stdout, stderr: '', recorded: false });
    assert.equal((await runCheck(callServiceActive, root, BASE_CONFIG, { host: answer('active\n', 0) })).status, 'ok');
    const failed = await runCheck(callServiceActive, root, BASE_CONFIG, { host: answer('failed\n', 3) });
    assert.equal(failed.status, 'fail');
    assert.match(failed.finding, /systemctl is-active bbb-twilio: failed/);
    assert.match(failed.fix, /systemctl enable --now bbb-twilio/);
    const recorded = await runCheck(callServiceActive, root, BASE_CONFIG);
    assert.equal(recorded.status, 'skip');
    assert.match(recorded.finding, /cannot be checked under --root/);
  });

  test('call-service-listening: a LISTEN socket on the port is OK (IPv4 or wildcard IPv6); none, or only connections, FAIL', async () => {
    const write = async (v4: string, v6 = ''): Promise<void> => {
      await fs.mkdir(path.join(root, 'proc/net'), { recursive: true });
      await fs.writeFile(path.join(root, 'proc/net/tcp'), TCP_HEADER + v4);
      await fs.writeFile(path.join(root, 'proc/net/tcp6'), TCP_HEADER + v6);
    };
    await write(tcpLine('0100007F', 8084, '0A'));
    assert.equal((await runCheck(callServiceListening, root, BASE_CONFIG)).status, 'ok');
    await write('', tcpLine('00000000000000000000000000000000', 8084, '0A'));
    assert.equal((await runCheck(callServiceListening, root, BASE_CONFIG)).status, 'ok');
    await write(tcpLine('0100007F', 8084, '01') + tcpLine('0100007F', 8085, '0A'));
    const none = await runCheck(callServiceListening, root, BASE_CONFIG);
    assert.equal(none.status, 'fail');
    assert.match(none.finding, /nothing listens on TCP 127\.0\.0\.1:8084/);
    await write(tcpLine('0500000A', 8084, '0A'));
    assert.equal((await runCheck(callServiceListening, root, BASE_CONFIG)).status, 'warn', 'bound on another address only');
    await fs.rm(path.join(root, 'proc'), { recursive: true });
    assert.equal((await runCheck(callServiceListening, root, BASE_CONFIG)).status, 'skip');
  });

  test('call-service-healthy: 200 ok is OK; a 503 FAILS with its status and reason; nothing answering FAILS on the server', async () => {
    const at = (port: number): string => `${BASE_CONFIG}callService:\n  metrics: 127.0.0.1:${port}\n`;
    const good = await healthz(200, '{"status":"ok","listen":"127.0.0.1:8084","bbbApi":{"ok":true}}');
    assert.equal((await runCheck(callServiceHealthy, root, at(good))).status, 'ok');
    const bad = await healthz(503, '{"status":"unhealthy","listen":"127.0.0.1:8084","bbbApi":{"ok":false,"error":"checksumError"}}');
    const unhealthy = await runCheck(callServiceHealthy, root, at(bad));
    assert.equal(unhealthy.status, 'fail');
    assert.match(unhealthy.finding, /\/healthz answers 503 unhealthy: checksumError$/);
    assert.match(unhealthy.fix, /bbb-api-reachable/);
    const garbage = await runCheck(callServiceHealthy, root, at(await healthz(200, 'hello')));
    assert.equal(garbage.status, 'fail', 'a 200 that is not {"status":"ok"} is not healthy');

    const closed = await healthz(200, '{}');
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    assert.equal((await runCheck(callServiceHealthy, root, at(closed))).status, 'skip', 'a --root tree has no running service');
    const live = await runCheck(callServiceHealthy, root, at(closed), { live: true });
    assert.equal(live.status, 'fail');
    assert.match(live.finding, /connection refused/);
  });

  test('callService.enabled: false skips all four with one line saying the service is off', async () => {
    const off = BASE_CONFIG + 'callService:\n  enabled: false\n';
    for (const item of [callServiceDialplan, callServiceActive, callServiceListening, callServiceHealthy]) {
      const result = await runCheck(item, root, off);
      assert.equal(result.status, 'skip', item.id);
      assert.match(result.finding, /^the call service is off \(callService\.enabled: false\)/);
    }
  });
});
