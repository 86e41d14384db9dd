import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runSimulateCall } from '../../src/cli/simulate-call-command.js';
import type { SimulateCallOptions } from '../../src/cli/simulate-call-command.js';
import { simulateCall } from '../../src/freeswitch/simulator/call-simulator.js';
import { findSofiaProfile, loadFreeswitchConfig } from '../../src/freeswitch/simulator/load-config.js';
import type { SimulationResult } from '../../src/freeswitch/simulator/types.js';
import { LocalHost } from '../../src/host/local-host.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bbb-like');
const DIALIN = '+16135551234';

async function cli(opts: Partial<SimulateCallOptions>, isTTY = false): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runSimulateCall({ root: ROOT, to: DIALIN, from: '+16135550142', ...opts }, { write: (s: string) => void (text += s), isTTY }, { write: (s: string) => void (text += s) });
  return { code, text };
}

async function json(opts: Partial<SimulateCallOptions>): Promise<SimulationResult> {
  const { code, text } = await cli({ ...opts, json: true });
  assert.equal(code, 0, text);
  return JSON.parse(text) as SimulationResult;
}

function apps(r: SimulationResult, name: string): number {
  return r.timeline.filter((e) => e.app === name).length;
}

describe('simulate-call on a BBB-like server with the dedicated bbb-twilio profile', () => {
  it('joins the meeting with the right PIN when its conference is active, authorised and with a masked caller ID', async () => {
    const r = await json({ dtmf: '12345#', active: ['12345'] });
    assert.deepEqual(r.outcome, { kind: 'conference', target: '12345@cdquality', cause: null, callerIdName: 'xxx-xxx-0142' });
    assert.equal(r.variables.bbb_authorized, 'true');
    assert.equal(r.timeline[0]?.kind, 'arrive');
    assert.match(r.timeline[0]?.result ?? '', /sofia profile bbb-twilio \(context bbb-twilio\)/);
  });

  it('prints a numbered timeline whose first line says it is a simulation and whose last line is the outcome', async () => {
    const { code, text } = await cli({ dtmf: '12345#', active: ['12345'] });
    assert.equal(code, 0);
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^Simulated call/);
    assert.equal(lines.at(-1), 'Outcome: joined conference 12345@cdquality as "xxx-xxx-0142"');
    assert.ok(lines.some((l) => /^\s+\d+\s+bbb-twilio › ask_pin\s+play_and_get_digits 5 5 3 /.test(l)));
    assert.ok(lines.some((l) => l.includes('attempt 1/3: prompt conference/conf-pin.wav, digits 12345')));
    assert.ok(!text.includes('\u001b['), 'no colour when not a terminal');
  });

  it('colours the output on a terminal', async () => {
    const { text } = await cli({ dtmf: '12345#', active: ['12345'] }, true);
    if (!process.env.NO_COLOR) assert.ok(text.includes('\u001b['));
  });

  it('re-prompts after a wrong PIN and hangs up after three', async () => {
    const r = await json({ dtmf: '11111#22222#33333#' });
    assert.equal(r.outcome.kind, 'hangup');
    assert.equal(r.outcome.cause, 'NORMAL_CLEARING');
    assert.equal(apps(r, 'play_and_get_digits'), 3);
    assert.equal(r.timeline.filter((e) => e.data === 'conference/conf-bad-pin.wav').length, 3);
    const { text } = await cli({ dtmf: '11111#22222#33333#' });
    assert.match(text, /Outcome: hung up after 3 invalid PINs/);
  });

  it('hangs up after three entries of the wrong length without checking any conference', async () => {
    const r = await json({ dtmf: '1#22#333#', active: ['12345'] });
    assert.equal(r.outcome.kind, 'hangup');
    assert.equal(apps(r, 'play_and_get_digits'), 1);
    assert.equal(r.variables.dialin_pin, '333');
  });

  it('does not answer a call from an address that is not Twilio\'s', async () => {
    const r = await json({ dtmf: '12345#', active: ['12345'], fromIp: '198.51.100.7' });
    assert.equal(r.outcome.kind, 'not-answered');
    assert.equal(r.outcome.cause, '403 Forbidden');
    assert.equal(apps(r, 'answer'), 0);
  });

  it('leaves the dialplan to refuse a non-Twilio address when the profile has no ACL', async () => {
    const config = await loadFreeswitchConfig(new LocalHost(ROOT));
    const profile = findSofiaProfile(config, 'bbb-twilio');
    assert.ok(profile);
    profile.params = profile.params.filter((p) => p.name !== 'apply-inbound-acl');
    const report = simulateCall(config, { to: DIALIN, from: '+16135550142', callerName: 'x', fromIp: '198.51.100.7', dtmf: '', active: [], profile: 'bbb-twilio' });
    assert.equal(report.result.outcome.kind, 'no-match');
    assert.equal(report.result.timeline.some((e) => e.app === 'answer'), false);
  });

  it('meets BBB\'s anonymous-caller rejection with a withheld caller ID', async () => {
    const r = await json({ from: 'anonymous', callerName: 'Anonymous', dtmf: '12345#', active: ['12345'] });
    assert.equal(r.outcome.kind, 'rejected');
    assert.equal(r.outcome.cause, 'CALL_REJECTED');
    const { text } = await cli({ from: 'anonymous', callerName: 'Anonymous', dtmf: '12345#', active: ['12345'] });
    assert.match(text, /Outcome: rejected: CALL_REJECTED by reject_anonymous\n$/);
  });

  for (const to of ['+16135551234', '16135551234', '0016135551234', '+1 613-555-1234']) {
    it(`answers the number dialled as ${to}`, async () => {
      const r = await json({ to, dtmf: '12345#', active: ['12345'] });
      assert.equal(r.outcome.kind, 'conference');
    });
  }

  it('keeps shell and XML metacharacters in the caller name inert', async () => {
    const r = await json({ callerName: '${system touch /tmp/x} $(id) `id`; <b>&amp;"\'', dtmf: '12345#', active: ['12345'] });
    assert.equal(r.outcome.kind, 'conference');
    assert.equal(r.outcome.callerIdName, 'xxx-xxx-0142');
    assert.deepEqual(r.notEmulated.filter((n) => n.what.startsWith('api')), []);
  });

  it('has exactly the documented JSON shape', async () => {
    const r = await json({ dtmf: '12345#', active: ['12345'] });
    assert.deepEqual(Object.keys(r).sort(), ['notEmulated', 'outcome', 'simulated', 'timeline', 'variables']);
    assert.equal(r.simulated, true);
    assert.deepEqual(Object.keys(r.outcome).sort(), ['callerIdName', 'cause', 'kind', 'target']);
    for (const e of r.timeline) for (const k of ['step', 'context', 'extension', 'app', 'data']) assert.ok(k in e, `${k} in step ${e.step}`);
    const pagd = r.timeline.find((e) => e.app === 'play_and_get_digits');
    assert.equal(pagd?.context, 'bbb-twilio');
    assert.equal(pagd?.extension, 'ask_pin');
    assert.deepEqual(pagd?.variables, { dialin_pin: '12345' });
  });
});

describe('simulate-call: errors and profile choice', () => {
  it('exits 1 with one line naming the file and a hint when the configuration cannot be loaded', async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-sim-'));
    try {
      const { code, text } = await cli({ root: empty });
      assert.equal(code, 1);
      assert.equal(text.trimEnd().split('\n').length, 1);
      assert.match(text, /^error: \/opt\/freeswitch\/etc\/freeswitch\/freeswitch\.xml: .*\(hint: .*--root/);
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });

  it('exits 1 on keys a phone cannot send', async () => {
    const { code, text } = await cli({ dtmf: '12x' });
    assert.equal(code, 1);
    assert.match(text, /^error: --dtmf/);
  });

  it('exits 0 whatever the outcome, and takes the external profile when there is no bbb-twilio one', async () => {
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-sim-'));
    try {
      await fs.cp(ROOT, copy, { recursive: true, verbatimSymlinks: true });
      await fs.rm(path.join(copy, 'opt/freeswitch/etc/freeswitch/sip_profiles/bbb-twilio.xml'));
      let text = '';
      const code = await runSimulateCall({ root: copy, to: DIALIN, json: true }, { write: (s: string) => void (text += s) }, { write: (s: string) => void (text += s) });
      assert.equal(code, 0);
      const r = JSON.parse(text) as SimulationResult;
      assert.match(r.timeline[0]?.result ?? '', /profile external \(context public\)/);
      assert.equal(r.outcome.kind, 'no-match');
    } finally {
      await fs.rm(copy, { recursive: true, force: true });
    }
  });
});
