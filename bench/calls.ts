// Benchmark of the call service (issue 10): N callers at once through the whole flow (connect, answer, prompt, PIN
// typed as the prompt starts, getMeetings lookup, transfer into the meeting), all staying in their meetings with
// the service holding their sockets for the keypad, then all hanging up. The service and the fake bbb-web run in
// this process; FreeSWITCH (the outbound-socket emulator) runs in bench/calls-freeswitch-side.ts, another process,
// so this one's RSS and heap are the service's. With `taskset` this process is pinned to core 0 and the FreeSWITCH
// side to core 1 (the targets are for one core).
//
//   npm run bench:calls                       2,000 calls arriving at 400/s
//   BENCH_CALLS=5000 BENCH_RATE=0 npm run bench:calls   (0 = all at once)
//   BENCH_PLAYBACK_MS (prompt length, default 50; the caller's first key ends it anyway)
//   BENCH_PIN=0 (do not pin: on a machine busy with other work one pinned core may be mostly theirs)
//
// Exit 0 whether or not targets are met; 1 when the run itself failed (a caller not joined, a crash).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load-config.js';
import { LocalHost } from '../src/host/local-host.js';
import { startCallService } from '../src/service/call-service.js';
import { createServiceLog } from '../src/service/service-log.js';
import { startBbbApiEmulator, type EmulatedMeeting } from '../test/emulators/bbb-api-emulator.js';
import type { BenchPlan, BenchReport } from './calls-freeswitch-side.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 400);
const PLAYBACK_MS = Number(process.env.BENCH_PLAYBACK_MS ?? 50);
const NOT_STARTED = 50;
const SECRET = 'BenchSalt0123456789abcdef';
const CONFIG = `server:\n  publicIp: 203.0.113.10\nnumbers:\n  - "+16135550142"\n`;
const TARGETS = { calls: 2000, setupsPerSecond: 200, p99AddedMs: 10, bytesPerCall: 50 * 1024 };

function meeting(voiceBridge: string, hasUserJoined: boolean): EmulatedMeeting {
  return { meetingId: `bench-${voiceBridge}`, meetingName: `Bench ${voiceBridge}`, voiceBridge, dialNumber: '+16135550142', participantCount: 1, hasUserJoined, running: hasUserJoined };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

// BENCH_PIN=0 runs unpinned (on a machine shared with other load, one pinned core can be mostly someone else's).
const hasTaskset = process.env.BENCH_PIN !== '0' && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0 && os.availableParallelism() >= 2;
if (hasTaskset) spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });

// Other load on the machine shares the cores: wall-time figures (setups/s, latency) suffer, CPU per setup much less.
const loadAtStart = os.loadavg()[0]?.toFixed(1) ?? '?';
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-bench-calls-'));
const bbb = await startBbbApiEmulator({ secret: SECRET });
// Five-digit PINs from 10000: every caller its own meeting; some meetings nobody joined, as on a real server.
const pins = Array.from({ length: CALLS }, (_, i) => String(10_000 + i));
for (const pin of pins) bbb.meetings.push(meeting(pin, true));
for (let i = 0; i < NOT_STARTED; i++) bbb.meetings.push(meeting(String(10_000 + CALLS + i), false));
await fs.mkdir(path.join(root, 'etc/bigbluebutton'), { recursive: true });
await fs.writeFile(path.join(root, 'etc/bigbluebutton/bbb-web.properties'), `bigbluebutton.web.serverURL=${bbb.url}\nsecuritySalt=${SECRET}\n`);

const service = await startCallService({
  host: new LocalHost(root),
  loadConfig: async () => parseConfig(CONFIG, path.join(root, 'etc/bbb-twilio/config.yml'), { env: {} }),
  // The production log level, written nowhere: the cost of formatting each call's lines is measured.
  log: createServiceLog(new Writable({ write: (_c, _e, done) => done() })),
  listen: { host: '127.0.0.1', port: 0 },
  metrics: { host: '127.0.0.1', port: 0 },
});
const port = Number(service.listen.split(':').pop());

await new Promise((r) => setTimeout(r, 500));
globalThis.gc?.();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const cpuBefore = process.cpuUsage();

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'calls-freeswitch-side.ts');
const nodeArgs = ['--import', 'tsx', worker];
const child = hasTaskset
  ? spawn('taskset', ['-c', '1', process.execPath, ...nodeArgs], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  : spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

const timeoutMs = 180_000 + (RATE > 0 ? (CALLS / RATE) * 1000 : 0);
function next(phase: BenchReport['phase']): Promise<BenchReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the FreeSWITCH side did not report "${phase}" within ${timeoutMs / 1000}s`)), timeoutMs);
    const onMessage = (m: BenchReport): void => {
      if (m.phase !== phase && m.phase !== 'failed') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (m.phase === 'failed') reject(new Error(`the FreeSWITCH side failed: ${m.error}`));
      else resolve(m);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => code !== 0 && reject(new Error(`the FreeSWITCH side exited ${code}`)));
  });
}

let failed = false;
try {
  const plan: BenchPlan = { port, pins, rate: RATE, playbackMs: PLAYBACK_MS };
  const joinedReport = next('joined');
  child.send({ start: plan });
  const up = await joinedReport;
  const cpu = process.cpuUsage(cpuBefore);
  // Every caller in a meeting, the service holding every socket: hold a moment so the sampler sees the plateau.
  await new Promise((r) => setTimeout(r, 1000));
  globalThis.gc?.(); // live heap only (the script runs with --expose-gc), as for the baseline
  const withCalls = process.memoryUsage();
  peakRss = Math.max(peakRss, withCalls.rss);
  const liveCalls = service.server.calls.length;
  const doneReport = next('done');
  child.send({ hangup: true });
  const done = await doneReport;

  const added = [...up.addedMs].sort((a, b) => a - b);
  const setup = [...up.setupMs].sort((a, b) => a - b);
  const rssPerCall = (peakRss - baseline.rss) / CALLS;
  const heapPerCall = (withCalls.heapUsed - baseline.heapUsed) / CALLS;
  const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
  const ms = (x: number): string => `${x.toFixed(2)} ms`;
  console.log(`call service bench: ${CALLS} calls, arrivals ${RATE > 0 ? `${RATE}/s` : 'all at once'}, prompt ${PLAYBACK_MS} ms, ` +
    `${hasTaskset ? 'service pinned to core 0, FreeSWITCH side to core 1' : 'not pinned'}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ` +
    `load average at start ${loadAtStart}, Node ${process.version}`);
  console.log(`  joined:              ${up.joined}/${CALLS} (${liveCalls} live in the service at the plateau); after hang-up: ${JSON.stringify(done.outcomes)}`);
  console.log(`  call setups/s:       ${up.setupsPerSecond.toFixed(0)} (connect to transfer, first connect to last transfer)`);
  console.log(`  service-added:       p50 ${ms(percentile(added, 50))}, p99 ${ms(percentile(added, 99))}, max ${ms(added.at(-1) ?? Number.NaN)} per call`);
  console.log(`  setup wall time:     p50 ${ms(percentile(setup, 50))}, p99 ${ms(percentile(setup, 99))} (includes prompt start and typing)`);
  const cpuPerSetup = (cpu.user + cpu.system) / 1000 / CALLS;
  // CPU time is what a core must give per setup, whoever else runs: the capacity of one whole core, load or not.
  console.log(`  service CPU:         ${cpuPerSetup.toFixed(2)} ms per call setup (one free core: ~${(1000 / cpuPerSetup).toFixed(0)} setups/s); FreeSWITCH side ${up.cpuMs.toFixed(0)} ms CPU in ${up.wallMs.toFixed(0)} ms`);
  console.log(`  RSS:                 baseline ${(baseline.rss / 2 ** 20).toFixed(1)} MB, peak ${(peakRss / 2 ** 20).toFixed(1)} MB, ${kb(rssPerCall)} per call`);
  console.log(`  heap used:           baseline ${(baseline.heapUsed / 2 ** 20).toFixed(1)} MB, with calls ${(withCalls.heapUsed / 2 ** 20).toFixed(1)} MB, ${kb(heapPerCall)} per call`);
  const check = (name: string, ok: boolean, value: string): void => console.log(`  ${ok ? 'PASS' : 'MISS'}  ${name}: ${value}`);
  check(`${TARGETS.calls} concurrent calls`, up.joined >= TARGETS.calls && up.joined === CALLS, `${up.joined} joined and held`);
  check(`>= ${TARGETS.setupsPerSecond} call setups/s`, up.setupsPerSecond >= TARGETS.setupsPerSecond, up.setupsPerSecond.toFixed(0));
  check(`p99 service-added latency < ${TARGETS.p99AddedMs} ms`, percentile(added, 99) < TARGETS.p99AddedMs, ms(percentile(added, 99)));
  check(`< ${TARGETS.bytesPerCall / 1024} KB RSS per call`, rssPerCall < TARGETS.bytesPerCall, kb(rssPerCall));
  if (up.joined !== CALLS) failed = true;
} catch (err) {
  console.error(`bench:calls failed: ${err instanceof Error ? err.message : String(err)}`);
  failed = true;
  child.kill();
} finally {
  clearInterval(sampler);
  await service.stop();
  await bbb.close();
  await fs.rm(root, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
