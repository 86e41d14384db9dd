// The call service whole (startCallService: TCP server, directory over a fake bbb-web, lockout book, HTTP), driven
// by the outbound-socket FreeSWITCH emulator: the flows and the faults of issue 10 item 8.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { startBbbApiEmulator, type BbbApiEmulator } from '../bbb/sandbox-bbb-api.js';
import { emulateCall, type ConferenceMember, type EmulatedCall } from '../freeswitch/sandbox/outbound-socket-caller.js';
import { parseConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { LocalHost } from '../host/local-host.js';
import { startCallService, type RunningCallService } from './call-service.js';
import { createServiceLog } from './service-log.js';

const SECRET = 'ServiceUnitSalt987654321';
const CONFIG = `server:\n  publicIp: 203.0.113.10\nnumbers:\n  - "+16135550142"\ndialin:\n  tries: 2\ncallService:\n  digitTimeoutSeconds: 1\n  lockout:\n    failures: 3\n`;

function meeting(voiceBridge: string, hasUserJoined = true) {
  return { meetingId: `m-${voiceBridge}`, meetingName: voiceBridge, voiceBridge, dialNumber: '+16135550142', participantCount: 1, hasUserJoined, running: hasUserJoined };
}

describe('the call service over its outbound socket', { concurrency: false }, () => {
  let root: string;
  let bbb: BbbApiEmulator;
  let service: RunningCallService | undefined;
  let logLines: Record<string, unknown>[];
  let configText: string;
  const conferences = new Map<string, ConferenceMember[]>();

  async function start(bbbApiTimeoutMs = 500): Promise<RunningCallService> {
    logLines = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const loadConfig = async (): Promise<Config> => parseConfig(configText, '/etc/bbb-twilio/config.yml', { env: {} });
    service = await startCallService({
      host: new LocalHost(root),
      loadConfig,
      log: createServiceLog(sink),
      listen: { host: '127.0.0.1', port: 0 },
      metrics: { host: '127.0.0.1', port: 0 },
      bbbApiTimeoutMs,
    });
    return service;
  }

  function call(from: string, extra: Partial<Parameters<typeof emulateCall>[0]> = {}): EmulatedCall {
    assert.ok(service);
    const port = Number(service.listen.split(':')[1]);
    return emulateCall({ port, channel: { callerNumber: from, destination: '+16135550142' }, playbackMs: 5, conferences, ...extra });
  }

  async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
    const until = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  const played = (c: EmulatedCall, file: string): boolean => c.applications.some((a) => a.app === 'playback' && a.arg.endsWith(file));
  const http = async (p: string): Promise<{ status: number; text: string }> => {
    assert.ok(service);
    const res = await fetch(`http://${service.metricsAddress}${p}`);
    return { status: res.status, text: await res.text() };
  };

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-service-'));
    bbb = await startBbbApiEmulator({ secret: SECRET });
    await fs.mkdir(path.join(root, 'etc/bigbluebutton'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/bigbluebutton/bbb-web.properties'), `bigbluebutton.web.serverURL=${bbb.url}\nsecuritySalt=${SECRET}\n`);
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    bbb.behaviour = 'normal';
    bbb.delayMs = 0;
    bbb.meetings.splice(0);
    configText = CONFIG;
    await fs.rm(path.join(root, 'var'), { recursive: true, force: true });
  });

  after(async () => {
    await bbb.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('joins a caller by PIN, reports it on /calls, /metrics and in one summary log line with the number masked', async () => {
    configText = CONFIG;
    bbb.meetings.push(meeting('12345'));
    await start();
    const c = call('+15005550301');
    await waitFor('the welcome prompt', () => played(c, 'welcome.wav'));
    await c.press('12345');
    await waitFor('the join', () => c.joined === '12345');
    assert.equal(c.variables.get('socket_resume'), 'false');
    const live = JSON.parse((await http('/calls')).text) as { calls: { number: string; step: string; meetingId: string }[] };
    assert.deepEqual(live.calls.map((x) => [x.number, x.step, x.meetingId]), [['xxx-xxx-0301', 'joined', 'm-12345']]);
    c.hangup();
    await waitFor('the summary line', () => logLines.some((l) => l.event === 'call'));
    const summary = logLines.find((l) => l.event === 'call');
    assert.equal(summary?.outcome, 'joined');
    assert.equal(summary?.number, 'xxx-xxx-0301');
    assert.ok(!JSON.stringify(logLines).includes('5005550301'), 'a full caller number reached the log');
    const metrics = (await http('/metrics')).text;
    assert.match(metrics, /^bbb_twilio_calls_total\{outcome="joined"\} 1$/m);
    assert.match(metrics, /^bbb_twilio_call_setup_seconds_count 1$/m);
    const health = await http('/healthz');
    assert.equal(health.status, 200);
    assert.equal((JSON.parse(health.text) as { status: string }).status, 'ok');
  });

  it('survives a dropped connection, garbage frames and a caller hanging up mid-prompt, and takes the next call', async () => {
    configText = CONFIG;
    bbb.meetings.push(meeting('12345'));
    await start();
    const dropped = call('+15005550302');
    await waitFor('a prompt', () => played(dropped, 'welcome.wav'));
    dropped.drop();
    const garbage = call('+15005550303');
    await waitFor('a prompt', () => garbage.applications.length > 0);
    garbage.sendGarbage();
    const gone = call('+15005550304', { playbackMs: 10_000 });
    await waitFor('a prompt', () => played(gone, 'welcome.wav'));
    gone.hangup();
    await waitFor('three summaries', () => logLines.filter((l) => l.event === 'call').length === 3);
    const ok = call('+15005550305');
    await waitFor('a prompt', () => played(ok, 'welcome.wav'));
    await ok.press('12345');
    await waitFor('the join', () => ok.joined === '12345');
    ok.hangup();
  });

  for (const behaviour of ['server-error', 'invalid-xml', 'checksum-error', 'failed', 'hang'] as const) {
    it(`BBB API ${behaviour}: the static rule joins a conference with a web-audio member, /healthz says 503, nothing is thrown at the caller`, async () => {
      configText = CONFIG;
      bbb.behaviour = behaviour;
      await start();
      conferences.set('54321', [{ uuid: 'web-1', name: 'w_1-bbbID-Teacher', number: '1001' }]);
      const c = call('+15005550306');
      await waitFor('a prompt', () => played(c, 'welcome.wav'));
      await c.press('54321#');
      await waitFor('the join', () => c.joined === '54321', 8000);
      assert.equal((await http('/healthz')).status, 503);
      c.hangup();
      await waitFor('the summary', () => logLines.some((l) => l.event === 'call' && l.outcome === 'api_fallback'));
      conferences.delete('54321');
    });
  }

  it('a caller of a meeting nobody joined holds with music and joins when a web user joins; one who hangs up while waiting is hung_up', async () => {
    configText = CONFIG;
    bbb.meetings.push(meeting('55555', false));
    await start();
    const waiting = call('+15005550307', { playbackMs: (f) => (f.endsWith('hold-music.wav') ? 60_000 : 5) });
    const quitter = call('+15005550308', { playbackMs: (f) => (f.endsWith('hold-music.wav') ? 60_000 : 5) });
    for (const c of [waiting, quitter]) {
      await waitFor('a prompt', () => played(c, 'welcome.wav'));
      await c.press('55555');
      await waitFor('hold music', () => played(c, 'hold-music.wav'));
    }
    const live = JSON.parse((await http('/calls')).text) as { calls: { step: string }[] };
    assert.deepEqual(live.calls.map((x) => x.step), ['waiting', 'waiting']);
    assert.match((await http('/metrics')).text, /^bbb_twilio_calls_waiting 2$/m);
    quitter.hangup();
    const m = bbb.meetings.find((x) => x.voiceBridge === '55555');
    assert.ok(m);
    m.hasUserJoined = true;
    await waitFor('the join after the wait', () => waiting.joined === '55555', 8000);
    waiting.hangup();
    await waitFor('both summaries', () => logLines.filter((l) => l.event === 'call').length === 2);
    assert.deepEqual(logLines.filter((l) => l.event === 'call').map((l) => l.outcome).sort(), ['hung_up', 'joined_after_wait']);
  });

  it('locks a number out after its invalid PINs, keeps the lockout across a restart, and lets an admin lift it', async () => {
    configText = CONFIG;
    await start();
    const from = '+15005550309';
    for (let i = 0; i < 2; i++) {
      const c = call(from);
      for (let t = 0; t < 2; t++) {
        await waitFor('a PIN prompt', () => c.applications.filter((a) => a.app === 'playback' && /welcome|conf-pin/.test(a.arg)).length === t + 1 || c.joined !== null);
        if (i === 1 && t === 1) break;
        await c.press('99999#');
        if (i === 1 && t === 0) break;
      }
      if (i === 1) {
        await waitFor('the lockout', () => played(c, 'too-many-invalid-pins.wav'));
        assert.deepEqual(await c.outcome, { kind: 'hung-up', cause: 'CALL_REJECTED', by: 'service' });
      } else {
        await waitFor('the goodbye', () => c.applications.some((a) => a.app === 'hangup'));
      }
    }
    await service?.stop();
    await start();
    const turned = call(from);
    assert.deepEqual(await turned.outcome, { kind: 'hung-up', cause: 'CALL_REJECTED', by: 'service' });
    assert.ok(!played(turned, 'welcome.wav'));
    const list = JSON.parse((await http('/lockouts')).text) as { lockouts: { number: string }[] };
    assert.deepEqual(list.lockouts.map((l) => l.number), ['xxx-xxx-0309']);
    assert.ok(service);
    const res = await fetch(`http://${service.metricsAddress}/lockouts/unlock?number=${encodeURIComponent('+1 500 555 0309')}`, { method: 'POST' });
    assert.equal(res.status, 200);
    const again = call(from);
    await waitFor('the welcome prompt', () => played(again, 'welcome.wav'));
    again.hangup();
  });

  it('1,000 calls at once against a 2 s getMeetings: one request in flight, every caller joins', { timeout: 60_000 }, async () => {
    configText = CONFIG;
    await start(5000);
    bbb.delayMs = 2000;
    bbb.meetings.push(meeting('77777'));
    const calls = Array.from({ length: Number(process.env.CALLS ?? 1000) }, (_, i) => call(`+1500555${String(1000 + i)}`));
    // The PIN prompt, not just any app: keys sent before the service listens for them are not the PIN.
    await waitFor('every prompt', () => calls.every((c) => played(c, 'welcome.wav')), 30_000);
    await Promise.all(calls.map((c) => c.press('77777#')));
    await waitFor('every join', () => calls.every((c) => c.joined === '77777'), 40_000).catch((err: Error) => {
      const stuck = calls.filter((c) => c.joined !== '77777');
      const s = stuck[0];
      throw new Error(`${err.message}: ${stuck.length} not joined; first: ${s ? JSON.stringify(s.applications.slice(-4)) + ' ' + s.commands.slice(-3).join('|') : ''}`);
    });
    assert.equal(bbb.maxInFlight, 1);
    for (const c of calls) c.hangup();
  });

  it('SIGTERM with calls in every step: typing and waiting callers go back to the dialplan, joined ones stay in their meeting', async () => {
    configText = CONFIG;
    bbb.meetings.push(meeting('12345'), meeting('55555', false));
    await start();
    const hold = { playbackMs: (f: string) => (f.endsWith('hold-music.wav') || f.endsWith('welcome.wav') ? 60_000 : 5) };
    const typing = call('+15005550310', hold);
    const waiting = call('+15005550311', hold);
    const joined = call('+15005550312', hold);
    for (const c of [typing, waiting, joined]) await waitFor('a prompt', () => played(c, 'welcome.wav'));
    await typing.press('12');
    await waiting.press('55555');
    await joined.press('12345');
    await waitFor('the wait and the join', () => played(waiting, 'hold-music.wav') && joined.joined === '12345');
    await service?.stop();
    service = undefined;
    assert.deepEqual(await typing.outcome, { kind: 'resumed' });
    assert.deepEqual(await waiting.outcome, { kind: 'resumed' });
    assert.deepEqual(await joined.outcome, { kind: 'transferred', to: '12345 XML default' });
    joined.hangup();
  });

  it('SIGHUP with a broken config logs it and keeps the old one; a fixed config is taken', async () => {
    configText = CONFIG;
    bbb.meetings.push(meeting('12345'));
    const running = await start();
    configText = 'server: [unclosed';
    await running.reload();
    assert.ok(logLines.some((l) => l.event === 'reload-failed'));
    const c = call('+15005550313');
    await waitFor('a prompt', () => played(c, 'welcome.wav'));
    await c.press('12345');
    await waitFor('the join', () => c.joined === '12345');
    c.hangup();
    configText = CONFIG;
    await running.reload();
    assert.ok(logLines.some((l) => l.event === 'reloaded'));
  });

  it('a port already in use is one error that says who to ask', async () => {
    configText = CONFIG;
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const sink = new Writable({ write: (_c, _e, done) => done() });
    await assert.rejects(
      startCallService({
        host: new LocalHost(root),
        loadConfig: async () => parseConfig(configText, 'config.yml', { env: {} }),
        log: createServiceLog(sink),
        listen: { host: '127.0.0.1', port },
        metrics: { host: '127.0.0.1', port: 0 },
      }),
      (err: Error) => /127\.0\.0\.1:\d+ is already in use/.test(err.message) && !err.message.includes('\n'),
    );
    blocker.close();
  });
});
