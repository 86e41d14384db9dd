import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pause } from './call-context.js';
import { VirtualClock } from './virtual-clock.js';

describe('the virtual clock', () => {
  it('fires timers in the order of their time, then of their creation, and skips cancelled ones', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.after(5_000, () => fired.push(`b@${clock.now()}`));
    clock.after(1_000, () => fired.push(`a@${clock.now()}`));
    const cancel = clock.after(2_000, () => fired.push('cancelled'));
    clock.after(5_000, () => fired.push(`c@${clock.now()}`));
    cancel();
    while (clock.advance());
    assert.deepEqual(fired, ['a@1000', 'b@5000', 'c@5000']);
  });

  it('runs async work that waits 20 minutes without waiting for real, settling what each timer sets off', async () => {
    const clock = new VirtualClock();
    const never = new Promise<never>(() => undefined);
    const work = (async () => {
      for (let i = 0; i < 20; i++) await pause({ clock, interrupted: never }, 60_000);
      return clock.now();
    })();
    const started = performance.now();
    const run = await clock.run(work, 60 * 60_000);
    assert.deepEqual(run, { done: true, value: 20 * 60_000 });
    assert.ok(performance.now() - started < 500);
  });

  it('says so when the work waits for something no timer will bring', async () => {
    const clock = new VirtualClock();
    const run = await clock.run(new Promise(() => undefined), 60_000);
    assert.equal(run.done, false);
  });
});
