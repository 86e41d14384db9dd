// The dialplan hands each call to the call service (`socket`), and the static PIN flow right after it is the
// fallback: in the simulator nothing listens on the socket, so every call takes the fallback path (issue 10, item 4).
import assert from 'node:assert/strict';
import test from 'node:test';
import { call, installed as installedTree, type SimJson } from './support/simulated-calls.js';

const installed = (extra: string, mode: 'dedicated' | 'external'): Promise<string> => installedTree('bbb-3.0', extra, mode);

const apps = (sim: SimJson): string[] => sim.timeline.map((s) => s.app).filter((a) => a !== '');

for (const mode of ['dedicated', 'external'] as const) {
  test(`${mode}: the call goes to the call service first; with nothing listening the static flow joins it`, async () => {
    const root = await installed('', mode);
    const sim = await call(root, ['--to', '+16135550142', '--from', '+15145550199', '--dtmf', '12345#', '--active', '12345']);
    const socket = sim.timeline.find((s) => s.app === 'socket');
    assert.ok(socket, 'the timeline shows the socket step');
    assert.equal(socket.data, '127.0.0.1:8084 async full');
    assert.match(socket.result ?? '', /nothing listens/);
    const order = apps(sim);
    assert.ok(order.indexOf('start_dtmf') < order.indexOf('socket'), 'DTMF detection runs before the hand-over');
    assert.ok(order.indexOf('socket') < order.indexOf('play_and_get_digits'), 'the static PIN prompt comes after the socket');
    assert.ok(
      sim.timeline.some((s) => s.app === 'set' && s.data === 'socket_resume=true' && sim.timeline.indexOf(s) < sim.timeline.indexOf(socket)),
      'socket_resume=true is set before the socket',
    );
    assert.equal(sim.outcome.kind, 'conference');
    assert.equal(sim.outcome.target, '12345@cdquality');
    assert.equal(sim.outcome.callerIdName, 'xxx-xxx-0199');
  });

  test(`${mode}: after the hand-over a wrong PIN is asked again, then the right one joins; three wrong ones hear goodbye`, async () => {
    const root = await installed('', mode);
    const second = await call(root, ['--to', '+16135550142', '--dtmf', '1234#12345#', '--active', '12345']);
    assert.equal(second.outcome.kind, 'conference');
    assert.equal(apps(second).filter((a) => a === 'play_and_get_digits').length, 2);
    assert.equal(apps(second).filter((a) => a === 'socket').length, 1, 'a re-prompt does not hand the call over again');
    const giveUp = await call(root, ['--to', '+16135550142', '--dtmf', '11111#22222#33333#', '--active', '12345']);
    assert.equal(giveUp.outcome.kind, 'hangup');
    assert.equal(apps(giveUp).filter((a) => a === 'play_and_get_digits').length, 3);
    assert.ok(giveUp.timeline.some((s) => s.app === 'playback' && s.data.includes('vm-goodbye')));
  });

  test(`${mode}: a withheld number is turned away before the hand-over; a call from outside Twilio never reaches it`, async () => {
    const root = await installed('', mode);
    const withheld = await call(root, ['--to', '+16135550142', '--from', 'anonymous', '--dtmf', '12345#', '--active', '12345']);
    assert.equal(withheld.outcome.kind, 'rejected');
    assert.equal(withheld.outcome.cause, 'CALL_REJECTED');
    assert.ok(!apps(withheld).includes('socket'));
    const stranger = await call(root, ['--to', '+16135550142', '--from-ip', '198.51.100.23', '--dtmf', '12345#', '--active', '12345']);
    assert.ok(!apps(stranger).includes('socket'));
  });
}

test('callService.enabled: false installs the static flow only: no socket step, the same join', async () => {
  const root = await installed('callService:\n  enabled: false\n', 'dedicated');
  const sim = await call(root, ['--to', '+16135550142', '--from', '+15145550199', '--dtmf', '12345#', '--active', '12345']);
  assert.ok(!apps(sim).includes('socket'));
  assert.ok(!sim.timeline.some((s) => String(s.data).includes('socket_resume')));
  assert.equal(sim.outcome.kind, 'conference');
});

test('the socket dials callService.listen, and with anonymous callers allowed they are handed over too', async () => {
  const root = await installed('callService:\n  listen: 127.0.0.1:9123\ndialin:\n  allowAnonymous: true\n', 'dedicated');
  const sim = await call(root, ['--to', '+16135550142', '--from', 'anonymous', '--dtmf', '12345#', '--active', '12345']);
  assert.equal(sim.timeline.find((s) => s.app === 'socket')?.data, '127.0.0.1:9123 async full');
  assert.equal(sim.outcome.kind, 'conference');
  assert.equal(sim.outcome.callerIdName, 'Phone caller');
});
