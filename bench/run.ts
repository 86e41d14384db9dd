// Benchmarks: `plan` and `apply` on a fixture tree, timed against a bare `node -e 0` in the same run.
// Target (issue 2): plan under 5x a bare Node start. Run with `npm run bench` (builds first).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const bin = path.resolve('bin/bbb-twilio.js');
const fixture = path.resolve('test/fixtures/bbb-3.0');
const CONFIG = 'server:\n  publicIp: 203.0.113.10\nnumbers:\n  - "+1 613-555-0142"\n  - "+44 20 7946 0018"\n';

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bbb-twilio-bench-'));
  fs.cpSync(fixture, root, { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(root, 'etc/bbb-twilio'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/bbb-twilio/config.yml'), CONFIG, { mode: 0o600 });
  return root;
}

interface Timing {
  median: number;
  min: number;
  max: number;
}

/** Median wall time of a command run RUNS times; `prepare` runs untimed before each run and returns argv. */
function time(prepare: () => string[]): Timing {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const argv = prepare();
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0 && r.status !== 2) throw new Error(`${argv.join(' ')} exited ${r.status}`);
    samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] ?? 0, min: samples[0] ?? 0, max: samples[samples.length - 1] ?? 0 };
}

const planRoot = tree();
const applyRoots: string[] = [];
const rows: [string, Timing][] = [
  ['node -e 0 (bare Node start)', time(() => ['-e', '0'])],
  ['bbb-twilio --help', time(() => [bin, '--help'])],
  ['bbb-twilio plan (fresh 3.0 tree)', time(() => [bin, 'plan', '--root', planRoot])],
  [
    'bbb-twilio apply --yes (fresh 3.0 tree)',
    time(() => {
      const root = tree();
      applyRoots.push(root);
      return [bin, 'apply', '--yes', '--root', root];
    }),
  ],
];
for (const dir of [planRoot, ...applyRoots]) fs.rmSync(dir, { recursive: true, force: true });

const base = rows[0]?.[1].median ?? 1;
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`${'command'.padEnd(width)}  median ms   min ms   max ms   x node`);
for (const [name, t] of rows) {
  console.log(
    `${name.padEnd(width)}  ${t.median.toFixed(0).padStart(9)}  ${t.min.toFixed(0).padStart(7)}  ${t.max.toFixed(0).padStart(7)}  ${(t.median / base).toFixed(2).padStart(7)}`,
  );
}
const plan = rows.find(([name]) => name.startsWith('bbb-twilio plan'))?.[1].median ?? Infinity;
const ratio = plan / base;
console.log(`\nplan / bare node = ${ratio.toFixed(2)}x (target < 5x): ${ratio < 5 ? 'met' : 'NOT met'} (${RUNS} runs each)`);
if (ratio >= 5) process.exitCode = 1;
