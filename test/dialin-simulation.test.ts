// End to end: bbb-twilio's generated dialplan, applied to fixture trees, together with BBB's own stock dialplan,
// run through the simulator (issue 5, item 5).
import assert from 'node:assert/strict';
import test from 'node:test';
import { call, installed } from './support/simulated-calls.js';
import { runCli } from './support/tree.js';

for (const mode of ['dedicated', 'external'] as const) {
  test(`${mode}: the right PIN with a web user in the meeting joins it, authorised, with a masked caller ID`, async () => {
    const root = await installed('bbb-3.0', '', mode);
    const sim = await call(root, ['--to', '+16135550142', '--from', '+15145550199', '--dtmf', '12345#', '--active', '12345']);
    assert.equal(sim.simulated, true);
    assert.equal(sim.outcome.kind, 'conference');
    assert.equal(sim.outcome.target, '12345@cdquality');
    assert.equal(sim.outcome.callerIdName, 'xxx-xxx-0199');
    assert.equal(sim.variables.bbb_authorized, 'true');
    assert.ok(sim.timeline.some((s) => s.extension === 'bbb_conferences' && s.app === 'conference'), 'joined through BBB\'s own extension');
    assert.deepEqual(sim.notEmulated, []);
  });

  test(`${mode}: a wrong PIN is asked again, and after three tries the caller hears goodbye`, async () => {
    const root = await installed('bbb-3.0', '', mode);
    const sim = await call(root, ['--to', '+16135550142', '--dtmf', '11111#22222#33333#', '--active', '12345']);
    assert.equal(sim.outcome.kind, 'hangup');
    const prompts = sim.timeline.filter((s) => s.app === 'play_and_get_digits');
    assert.equal(prompts.length, 3);
    assert.ok(sim.timeline.some((s) => s.app === 'playback' && s.data.includes('vm-goodbye')));
  });

  test(`${mode}: a mistyped PIN then the right one joins on the second try`, async () => {
    const root = await installed('bbb-3.0', '', mode);
    const sim = await call(root, ['--to', '+16135550142', '--dtmf', '1234#12345#', '--active', '12345']);
    assert.equal(sim.outcome.kind, 'conference');
    assert.equal(sim.outcome.target, '12345@cdquality');
  });

  test(`${mode}: a call from an address outside Twilio's ranges is never answered`, async () => {
    const root = await installed('bbb-3.0', '', mode);
    const sim = await call(root, ['--to', '+16135550142', '--from-ip', '198.51.100.23', '--dtmf', '12345#', '--active', '12345']);
    assert.notEqual(sim.outcome.kind, 'conference');
    assert.ok(!sim.timeline.some((s) => s.app === 'answer'), 'no answer');
  });

  test(`${mode}: the number arrives as +E164, E164 or 00E164 and is answered each way`, async () => {
    const root = await installed('bbb-3.0', '', mode);
    for (const to of ['+442079460018', '442079460018', '00442079460018']) {
      const sim = await call(root, ['--to', to, '--dtmf', '12345#', '--active', '12345']);
      assert.equal(sim.outcome.kind, 'conference', to);
    }
    const other = await call(root, ['--to', '+442079460019', '--dtmf', '12345#', '--active', '12345']);
    assert.notEqual(other.outcome.kind, 'conference');
  });
}

test('a PIN whose meeting has no web-audio member is refused (the conference check needs a sofia member)', async () => {
  const root = await installed('bbb-3.0');
  const sim = await call(root, ['--to', '+16135550142', '--dtmf', '12345#12345#12345#']);
  assert.equal(sim.outcome.kind, 'hangup');
  assert.ok(sim.timeline.some((s) => s.app === 'playback' && s.data.includes('conf-bad-pin')));
});

test('a withheld caller ID is turned away by our own dialplan before any PIN, unless dialin.allowAnonymous lets it in as "Phone caller"', async () => {
  const strict = await installed('bbb-3.0');
  const rejected = await call(strict, ['--to', '+16135550142', '--from', 'anonymous', '--caller-name', 'Anonymous', '--dtmf', '12345#', '--active', '12345']);
  assert.equal(rejected.outcome.kind, 'rejected');
  assert.equal(rejected.outcome.cause, 'CALL_REJECTED');
  assert.ok(rejected.timeline.some((s) => s.extension === 'bbb-twilio-dialin' && s.app === 'hangup'));
  assert.ok(!rejected.timeline.some((s) => s.app === 'play_and_get_digits'), 'no PIN prompt for a withheld number');
  const twilioAnonymous = await call(strict, ['--to', '+16135550142', '--from', '+266696687', '--dtmf', '12345#', '--active', '12345']);
  assert.equal(twilioAnonymous.outcome.kind, 'rejected');

  const open = await installed('bbb-3.0', 'dialin:\n  allowAnonymous: true\n');
  const admitted = await call(open, ['--to', '+16135550142', '--from', 'anonymous', '--caller-name', 'Anonymous', '--dtmf', '12345#', '--active', '12345']);
  assert.equal(admitted.outcome.kind, 'conference');
  assert.equal(admitted.outcome.callerIdName, 'Phone caller');
});

test('a 9-digit PIN server (2.7 fixture) asks for and joins with 9 digits', async () => {
  const root = await installed('bbb-2.7');
  const sim = await call(root, ['--to', '+16135550142', '--dtmf', '123456789#', '--active', '123456789']);
  assert.equal(sim.outcome.kind, 'conference');
  assert.equal(sim.outcome.target, '123456789@cdquality');
  const short = await call(root, ['--to', '+16135550142', '--dtmf', '12345#12345#12345#', '--active', '12345']);
  assert.equal(short.outcome.kind, 'hangup');
});

test('caller names with shell and XML metacharacters stay inert: never run, never shown', async () => {
  const root = await installed('bbb-3.0');
  for (const name of ['$(reboot)', '`id`; rm -rf /', '${system(touch /tmp/pwned)}', '<b>&"\'</b>', 'a|b|c']) {
    const sim = await call(root, ['--to', '+16135550142', '--from', '+15145550199', '--caller-name', name, '--dtmf', '12345#', '--active', '12345']);
    assert.equal(sim.outcome.kind, 'conference', name);
    assert.equal(sim.outcome.callerIdName, 'xxx-xxx-0199', name);
    assert.deepEqual(sim.notEmulated, [], name);
  }
  const unmasked = await installed('bbb-3.0', 'dialin:\n  maskCallerId: false\n');
  const sim = await call(unmasked, ['--to', '+16135550142', '--from', '+15145550199', '--caller-name', '${system(id)}', '--dtmf', '12345#', '--active', '12345']);
  assert.equal(sim.outcome.callerIdName, '+15145550199');
});

test('the text output starts by saying it is a simulation and ends with the outcome', async () => {
  const root = await installed('bbb-3.0');
  const run = await runCli(['simulate-call', '--root', root, '--to', '+16135550142', '--from', '+15145550199', '--dtmf', '12345#', '--active', '12345']);
  assert.equal(run.code, 0);
  const lines = run.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /simulat/i);
  assert.match(lines[lines.length - 1] ?? '', /joined conference 12345@cdquality as "xxx-xxx-0199"/);
});

test('simulate-call: files that cannot be loaded, or a bad --from-ip, are one error on stderr and exit 1 (stdout stays clean)', async () => {
  const missing = await runCli(['simulate-call', '--root', '/nonexistent-bbb-root', '--to', '+16135550142', '--json']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /^error: .*FreeSWITCH configuration not found\nhint: /);
  const root = await installed('bbb-3.0');
  const badIp = await runCli(['simulate-call', '--root', root, '--to', '+16135550142', '--from-ip', '999.1.1.1']);
  assert.equal(badIp.code, 1);
  assert.match(badIp.stderr, /^error: --from-ip "999\.1\.1\.1" is not an IPv4 address\n/);
});

test('simulate-call --active takes several conferences after one flag, or the flag repeated', async () => {
  const root = await installed('bbb-3.0');
  for (const args of [['--active', '11111', '12345'], ['--active', '11111', '--active', '12345']]) {
    const sim = await call(root, ['--to', '+16135550142', '--dtmf', '12345#', ...args]);
    assert.equal(sim.outcome.kind, 'conference', args.join(' '));
  }
});
