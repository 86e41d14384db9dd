import assert from 'node:assert/strict';
import { PROMPTS } from '../../service/prompts.js';
import { describe, it } from 'node:test';
import { loadTree } from '../../../test/simulator/support/dialplan-tree.js';
import { simulateCallWithService } from './call-simulator.js';
import type { CallSpec, SimulationReport, TimelineEntry } from './types.js';

// Hand-written, modelled on the generated dial-in dialplan with the call service's hand-over: socket_resume=true,
// then `socket`, then the static PIN flow as the fallback; BBB's bbb_conferences extension in "default".
const CONTEXTS = `
  <context name="test">
    <extension name="dialin">
      <condition field="destination_number" expression="^\\+?(16135551234)$">
        <action application="set" data="socket_resume=true"/>
        <action application="socket" data="127.0.0.1:8084 async full"/>
        <action application="answer"/>
        <action application="play_and_get_digits" data="5 11 3 7000 # conference/conf-pin.wav conference/conf-bad-pin.wav dialin_pin ^\\d{5,11}$ 3000"/>
        <action application="transfer" data="check_pin XML test"/>
      </condition>
    </extension>
    <extension name="check_pin">
      <condition field="destination_number" expression="^check_pin$"/>
      <condition field="\${conference \${dialin_pin} list}" expression="/sofia/">
        <action application="set_profile_var" data="caller_id_name=\${regex(\${caller_id_number}|^\\+?\\d*(\\d{4})$|xxx-xxx-%1)}"/>
        <action application="set" data="bbb_authorized=true"/>
        <action application="transfer" data="\${dialin_pin} XML default"/>
        <anti-action application="hangup" data="NORMAL_CLEARING"/>
      </condition>
    </extension>
  </context>
  <context name="default">
    <extension name="bbb_conferences">
      <condition field="\${bbb_authorized}" expression="true" break="on-false"/>
      <condition field="destination_number" expression="^(\\d{5,11})$">
        <action application="answer"/>
        <action application="conference" data="$1@cdquality"/>
      </condition>
    </extension>
  </context>`;

async function call(spec: Partial<CallSpec>, opts: { joinAfterMs?: number; stopAfterMs?: number } = {}): Promise<SimulationReport> {
  const config = await loadTree(CONTEXTS);
  return simulateCallWithService(
    config,
    { to: '+16135551234', from: '+16135550142', callerName: 'Alice', fromIp: '54.172.60.1', dtmf: '', active: [], profile: 'external', ...spec },
    opts,
  );
}

const meeting = (text: string): { voiceBridge: string; waiting: boolean } => ({ voiceBridge: text.split(':')[0] as string, waiting: text.endsWith(':waiting') });
const service = (r: SimulationReport): TimelineEntry[] => r.result.timeline.filter((e) => e.kind === 'service');
const said = (r: SimulationReport, pattern: RegExp): TimelineEntry | undefined => service(r).find((e) => e.app === null && pattern.test(e.result));
const ran = (r: SimulationReport): string[] => service(r).filter((e) => e.app !== null).map((e) => `${e.app}${e.data ? ` ${e.data}` : ''}`);

describe('simulate-call follows socket into the call service', () => {
  it('joins a meeting a web user is in as soon as its PIN is typed, no # needed, with the masked caller', async () => {
    const r = await call({ dtmf: '12345', meetings: [meeting('12345')] });
    assert.equal(r.result.outcome.service, 'joined');
    assert.deepEqual({ ...r.result.outcome, service: undefined }, { kind: 'conference', target: '12345@cdquality', cause: null, callerIdName: 'xxx-xxx-0142', service: undefined });
    assert.ok(said(r, /^PIN 12345: a known PIN: no # needed$/), JSON.stringify(service(r), null, 1));
    assert.ok(said(r, /^lookup 12345: meeting simulated-12345, a web user has joined$/));
    assert.ok(ran(r).includes('transfer 12345 XML default'));
    // The static flow after socket never ran: the service's transfer took the call to BBB's extension.
    assert.equal(r.result.timeline.filter((e) => e.app === 'play_and_get_digits').length, 0);
    assert.match(r.summary, /^call service: joined; joined conference 12345@cdquality as "xxx-xxx-0142"$/);
  });

  it('holds a caller whose meeting nobody has joined yet, then joins once a web user does (joined_after_wait)', async () => {
    const r = await call({ dtmf: '55555', meetings: [meeting('55555:waiting')] });
    assert.equal(r.result.outcome.service, 'joined_after_wait');
    const waiting = said(r, /^waiting: meeting 55555 has not started/);
    const joined = said(r, /^a web user joined meeting 55555$/);
    assert.ok(waiting && joined, JSON.stringify(service(r), null, 1));
    assert.equal(Math.round((joined.seconds ?? 0) - (waiting.seconds ?? 0)), 30);
    assert.ok(ran(r).includes(`playback ${PROMPTS.holdMusic}`));
    assert.equal(r.result.outcome.target, '55555@cdquality');
  });

  it('says goodbye after three wrong PINs (invalid_pin), each one counted', async () => {
    const r = await call({ dtmf: '11111,22222,33333', meetings: [meeting('12345')] });
    assert.equal(r.result.outcome.service, 'invalid_pin');
    assert.equal(service(r).filter((e) => e.result === 'invalid PIN').length, 3);
    assert.deepEqual(ran(r).slice(-2), ['playback voicemail/vm-goodbye.wav', 'hangup NORMAL_CLEARING']);
    assert.ok(said(r, /^PIN 11111: ended after a 5\.0 s pause$/));
    assert.equal(r.result.outcome.kind, 'hangup');
    assert.match(r.summary, /by the call service$/);
  });

  it('waits 2 s for a breakout room digit after a PIN that starts a longer one, then joins the shorter', async () => {
    const r = await call({ dtmf: '12345', meetings: [meeting('12345'), meeting('123451')] });
    assert.equal(r.result.outcome.service, 'joined');
    assert.ok(said(r, /^PIN 12345: a known PIN that starts a longer one \(a breakout room\): ended after a 2\.0 s pause$/), JSON.stringify(service(r), null, 1));
    assert.equal(r.result.outcome.target, '12345@cdquality');
  });

  it('without meetings, socket finds nothing listening and the static flow joins an active conference', async () => {
    const r = await call({ dtmf: '12345#', active: ['12345'] });
    assert.equal(service(r).length, 0);
    assert.equal(r.result.outcome.service, undefined);
    assert.match(r.result.timeline.find((e) => e.app === 'socket')?.result ?? '', /nothing listens/);
    assert.equal(r.result.outcome.target, '12345@cdquality');
    assert.equal(r.result.outcome.callerIdName, 'xxx-xxx-0142');
  });

  it('goes on with the static flow after socket when the service hands a typing caller back (it stops)', async () => {
    const r = await call({ dtmf: '12,12345#', active: ['12345'], meetings: [meeting('12345')] }, { stopAfterMs: 1_500 });
    assert.equal(r.result.outcome.service, 'handed_back');
    assert.ok(said(r, /^PIN 12: cut short, the service stopped$/), JSON.stringify(service(r), null, 1));
    const back = r.result.timeline.findIndex((e) => e.result.startsWith('the service sent resume'));
    const pagd = r.result.timeline.findIndex((e) => e.app === 'play_and_get_digits');
    assert.ok(back > 0 && pagd > back, JSON.stringify(r.result.timeline, null, 1));
    assert.equal(r.result.timeline[pagd]?.result, 'got 12345');
    assert.equal(r.result.outcome.target, '12345@cdquality');
  });

  it('never lets a hostile caller name or number reach an application argument', async () => {
    const hostile = '${system(touch /tmp/pwned)}';
    const named = await call({ dtmf: '12345', callerName: hostile, meetings: [meeting('12345')] });
    assert.equal(named.result.outcome.service, 'joined');
    assert.equal(named.result.outcome.callerIdName, 'xxx-xxx-0142');
    const numbered = await call({ dtmf: '12345', from: hostile, meetings: [meeting('12345')] });
    // A number that is not a number is withheld; withheld numbers are turned away by default.
    assert.equal(numbered.result.outcome.service, 'hung_up');
    for (const r of [named, numbered]) {
      for (const arg of ran(r)) assert.ok(!/system|pwned/.test(arg), arg);
      assert.ok(!r.result.notEmulated.some((n) => n.what === 'api system'), JSON.stringify(r.result.notEmulated));
    }
  });

  it('runs a 30-minute hold on the virtual clock: the caller hears goodbye after maxWait, in well under a second', async () => {
    const started = performance.now();
    const r = await call({ dtmf: '55555', meetings: [meeting('55555:waiting')] }, { joinAfterMs: 60 * 60_000 });
    const took = performance.now() - started;
    assert.equal(r.result.outcome.service, 'hung_up');
    assert.deepEqual(ran(r).slice(-2), [`playback ${PROMPTS.waitedTooLong}`, 'hangup NORMAL_CLEARING']);
    const last = service(r).at(-1);
    assert.ok((last?.seconds ?? 0) >= 30 * 60, `ended at ${last?.seconds} s`);
    assert.ok(took < 1000, `took ${took} ms`);
  });
});
