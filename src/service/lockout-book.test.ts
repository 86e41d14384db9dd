import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DelegatingHost } from '../host/delegating-host.js';
import type { WriteOptions } from '../host/host.js';
import { LocalHost } from '../host/local-host.js';
import { LOCKOUTS_FILE, LockoutBook, lockoutKey, type LockoutBookOptions } from './lockout-book.js';

const roots: string[] = [];
after(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

/** A server tree that counts the writes of the lockout file. */
class CountingHost extends DelegatingHost {
  writes = 0;
  override async writeFileAtomic(p: string, data: Buffer, opts: WriteOptions): Promise<void> {
    if (p === LOCKOUTS_FILE) this.writes++;
    return super.writeFileAtomic(p, data, opts);
  }
}

async function server(): Promise<CountingHost> {
  const root = await mkdtemp(join(tmpdir(), 'lockout-book-'));
  roots.push(root);
  return new CountingHost(new LocalHost(root));
}

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

function clock(): { now: () => number; at: number } {
  const c = { at: T0, now: () => c.at };
  return c;
}

async function book(host: CountingHost, c: { now: () => number }, extra: Partial<LockoutBookOptions> = {}): Promise<LockoutBook> {
  return LockoutBook.load({ host, now: c.now, saveDelayMs: 20, ...extra });
}

test('caller numbers are buckets of validated digits; withheld or forged numbers share one', () => {
  assert.equal(lockoutKey('+16135550142'), '+16135550142');
  assert.equal(lockoutKey('6135550142'), '6135550142');
  for (const n of [undefined, '', 'anonymous', 'Restricted', '+1 613 555', '0142${system(id)}', '12', '1234567890123456']) assert.equal(lockoutKey(n), 'withheld', String(n));
});

test('six invalid PINs within 10 minutes lock the number out for 15 minutes; a join forgives earlier failures', async () => {
  const c = clock();
  const b = await book(await server(), c);
  const n = '+16135550142';
  for (let i = 0; i < 5; i++) assert.deepEqual(b.recordFailure(n), { delayMs: 0 });
  b.recordJoin(n);
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(b.recordFailure(n), { delayMs: 0 });
    c.at += MIN;
  }
  assert.equal(b.isLockedOut(n), undefined);
  c.at += 5 * MIN; // the first of those five is now 10 minutes old
  assert.deepEqual(b.recordFailure(n), { delayMs: 0 });
  assert.equal(b.isLockedOut(n), undefined, 'six failures, but only five within the window');
  const verdict = b.recordFailure(n);
  assert.deepEqual(verdict, { lockedUntil: c.at + 15 * MIN, delayMs: 0 });
  assert.equal(b.isLockedOut(n), c.at + 15 * MIN);
  assert.equal(b.isLockedOut('+16135550143'), undefined, 'other numbers are not');
  assert.deepEqual(b.list(), [{ key: 'xxx-xxx-0142', until: c.at + 15 * MIN }]);
  c.at += 15 * MIN;
  assert.equal(b.isLockedOut(n), undefined, 'the lockout ends');
  assert.deepEqual(b.list(), []);
  await b.stop();
});

test('limits come from the config; unlock lifts a lockout', async () => {
  const c = clock();
  const b = await book(await server(), c, { failures: 2, minutes: 1 });
  b.recordFailure('withheld');
  assert.equal(b.recordFailure('withheld').lockedUntil, T0 + MIN);
  assert.deepEqual(b.list(), [{ key: 'withheld', until: T0 + MIN }]);
  assert.equal(b.unlock('withheld'), true);
  assert.equal(b.isLockedOut('withheld'), undefined);
  assert.equal(b.unlock('withheld'), false);
  await b.stop();
});

test('above 60 invalid PINs a minute across all callers, each "not valid" waits 3 s', async () => {
  const c = clock();
  const b = await book(await server(), c);
  const delays = Array.from({ length: 62 }, (_, i) => b.recordFailure(`+4420794600${String(i).padStart(2, '0')}`).delayMs);
  assert.deepEqual([delays.slice(0, 60).every((d) => d === 0), delays[60], delays[61]], [true, 3000, 3000]);
  c.at += MIN + 1;
  assert.equal(b.recordFailure('+442079460000').delayMs, 0, 'the flood is over a minute later');
  await b.stop();
});

test('lockouts survive a restart: the file is 0600, written a few times under a flood, and flushed on stop', async () => {
  const host = await server();
  const c = clock();
  const first = await book(host, c, { saveDelayMs: 200 });
  for (let i = 0; i < 6; i++) first.recordFailure('+16135550142');
  const started = Date.now();
  for (let i = 0; i < 2000; i++) {
    first.recordFailure(`+1613555${String(i).padStart(4, '0')}`);
    if (i % 40 === 0) await new Promise((r) => setTimeout(r, 10)); // a flood lasting half a second
  }
  first.recordFailure('+33140000000');
  await first.stop();
  const most = Math.ceil((Date.now() - started) / 200) + 1; // one per saveDelayMs, and the final flush
  assert.ok(host.writes >= 2 && host.writes <= most, `coalesced: ${host.writes} writes for 2,007 failures (at most ${most})`);
  assert.equal((await stat(host.machinePath(LOCKOUTS_FILE))).mode & 0o777, 0o600);

  c.at += 5 * MIN;
  const second = await book(host, c);
  assert.equal(second.isLockedOut('+16135550142'), T0 + 15 * MIN);
  second.recordFailure('+33140000000'); // the failure before the restart counts
  for (let i = 0; i < 3; i++) second.recordFailure('+33140000000');
  assert.equal(second.isLockedOut('+33140000000'), undefined);
  assert.ok(second.recordFailure('+33140000000').lockedUntil, 'the sixth, counting the one before the restart');
  await second.stop();
});

test('a corrupt lockout file is reported and treated as empty; the service starts', async () => {
  for (const text of ['{not json', '{"version":2,"callers":{}}', '{"version":1,"callers":{"x; rm -rf /":{"failures":[]}}}', '{"version":1,"callers":{"+16135550142":{"failures":["soon"]}}}']) {
    const host = await server();
    await host.writeFileAtomic(LOCKOUTS_FILE, Buffer.from(text), { mode: 0o600 });
    const problems: string[] = [];
    const b = await book(host, clock(), { onProblem: (m) => problems.push(m) });
    assert.deepEqual(b.list(), [], text);
    assert.deepEqual(problems, [`${LOCKOUTS_FILE} is not a lockout file bbb-twilio wrote; starting with no lockouts (it is replaced on the next write)`], text);
    await b.stop();
  }
});

test('a lockout file that cannot be written is reported, not thrown', async () => {
  class ReadOnly extends CountingHost {
    override async writeFileAtomic(): Promise<void> {
      throw new Error('EROFS: read-only file system');
    }
  }
  const problems: string[] = [];
  const b = await LockoutBook.load({ host: new ReadOnly(await server()), now: clock().now, onProblem: (m) => problems.push(m) });
  b.recordFailure('+16135550142');
  await b.stop();
  assert.deepEqual(problems, [`cannot write ${LOCKOUTS_FILE} (EROFS: read-only file system); lockouts are kept in memory`]);
});
