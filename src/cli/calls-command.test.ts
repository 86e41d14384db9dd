import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../test/support/tree.js';
import { renderCalls } from './calls-command.js';

// The call service's HTTP side as `calls` and `unlock` see it (its real answers are proven in src/service).
const NOW = Date.parse('2026-12-06T10:00:00Z');
const CALLS = {
  calls: [
    { id: 'a', number: 'xxx-xxx-0101', step: 'joined', meetingId: 'math-101', voiceBridge: '12345', since: '2026-12-06T09:55:00Z', stepSince: '2026-12-06T09:55:20Z', muted: true },
    { id: 'b', number: 'withheld', step: 'pin', meetingId: null, voiceBridge: null, since: '2026-12-06T09:59:50Z', stepSince: '2026-12-06T09:59:52Z', muted: false },
  ],
};

describe('bbb-twilio calls and unlock', () => {
  let server: http.Server;
  let address = '';
  const locked = new Set(['+15005550199']);
  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/calls') return res.end(JSON.stringify(CALLS));
      if (url.pathname === '/lockouts') return res.end(JSON.stringify({ lockouts: [...locked].map((n) => ({ number: `xxx-xxx-${n.slice(-4)}`, until: '2026-12-06T10:15:00Z', secondsLeft: 754 })) }));
      if (url.pathname === '/lockouts/unlock' && req.method === 'POST') {
        const n = `+${(url.searchParams.get('number') ?? '').replace(/\D/g, '')}`;
        const had = locked.delete(n);
        res.statusCode = had ? 200 : 404;
        return res.end(JSON.stringify({ unlocked: had }));
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('prints the calls as a table: masked number, step, meeting, times, microphone', () => {
    const text = renderCalls(CALLS.calls as Parameters<typeof renderCalls>[0], NOW);
    assert.equal(
      text,
      '2 calls: 1 in meetings, 0 waiting, 1 typing a PIN\n' +
        '  NUMBER        STEP    MEETING   IN STEP  IN CALL  MIC\n' +
        '  xxx-xxx-0101  joined  math-101  4m40s    5m00s    muted\n' +
        '  withheld      pin     -         8s       10s\n',
    );
  });

  it('--json passes the service\'s JSON through; --watch redraws (here twice) and stops', async () => {
    const json = await runCli(['calls', '--metrics', address, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), CALLS);
    const { runCalls } = await import('./calls-command.js');
    let out = '';
    const io = { stdout: { write: (s: string) => (out += s), isTTY: true }, stderr: { write: () => true }, stdinIsTTY: false, env: {} };
    assert.equal(await runCalls({ metrics: address, watch: true, maxRefreshes: 2, intervalMs: 10 }, io), 0);
    assert.equal(out.split('\x1b[H\x1b[J').length, 3, 'two screens, each drawn in place');
  });

  it('--lockouts lists locked-out numbers masked, with the time left; unlock lifts one and says so, a second unlock exits 1', async () => {
    const list = await runCli(['calls', '--metrics', address, '--lockouts']);
    assert.match(list.stdout, /xxx-xxx-0199\s+12m34s/);
    assert.ok(!list.stdout.includes('5005550199'));
    const first = await runCli(['unlock', '+1 500 555 0199', '--metrics', address]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'xxx-xxx-0199 can call again.\n');
    const second = await runCli(['unlock', '+15005550199', '--metrics', address]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /^error: xxx-xxx-0199 is not locked out\n/);
  });

  it('a service that does not answer is one error line naming the address, exit 1; a bad number is refused before asking', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await runCli(['calls', '--metrics', `127.0.0.1:${port}`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^error: cannot reach the call service at 127\\.0\\.0\\.1:${port}: connection refused\\nhint: is it running\\? systemctl status bbb-twilio`));
    const bad = await runCli(['unlock', 'drop table', '--metrics', address]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: unlock drop table: not a phone number/);
  });
});
