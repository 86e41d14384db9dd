// The simulator held to FreeSWITCH: every scenario runs through `simulate-call` and as a real SIP call on a
// real FreeSWITCH 1.10.12 with the same files; the outcome (conference joined, SIP refusal or hang-up cause) and
// the variables that matter must agree. A disagreement is a simulator bug. One server holds every scenario: the
// generated dialplan (dedicated mode) plus hand-edited contexts and profiles that exercise FreeSWITCH's rules.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runSimulateCall } from '../../src/cli/simulate-call-command.js';
import type { SimulationResult } from '../../src/freeswitch/simulator/types.js';
import { ADDR, allocatePort, harnessConfig, prepareServerTree, skipWithoutFreeswitch, startFreeswitch, type RunningFreeswitch, type ServerTree } from '../support/real-freeswitch.js';
import { joinWebUser, placeCall } from '../support/real-freeswitch-calls.js';

const ACTIVE = '12345';

interface Scenario {
  name: string;
  /** Sofia profile the call arrives on. */
  profile: string;
  via?: 'carrier' | 'rogue';
  to: string;
  /** null: a withheld number. */
  from?: string | null;
  callerName?: string;
  /** What the caller types at each PIN prompt, in order ('' waits for the timeout). */
  dtmf?: string[];
  /** Channel variables whose final values must agree. */
  vars?: string[];
}

/** Extensions of the hand-edited `diff` context, one per scenario (destination `dNN`). */
const DIFF_EXTENSIONS = String.raw`
    <extension name="d01"><condition field="destination_number" expression="^d01$"/>
      <condition field="caller_id_name" expression="^Alice$" break="on-true"><action application="set" data="r1=first"/></condition>
      <condition field="caller_id_name" expression="^A"><action application="set" data="r2=second"/></condition>
    </extension>
    <extension name="d02"><condition field="destination_number" expression="^d02$"/>
      <condition field="caller_id_name" expression="^Bob$"><anti-action application="set" data="a1=anti"/></condition>
      <condition><action application="set" data="r2=unreached"/></condition>
    </extension>
    <extension name="d03"><condition field="destination_number" expression="^d03$"/>
      <condition field="caller_id_name" expression="^Alice$" break="always"><action application="set" data="r1=first"/></condition>
      <condition><action application="set" data="r2=after-always"/></condition>
    </extension>
    <extension name="d04"><condition field="destination_number" expression="^d04$"/>
      <condition field="caller_id_name" expression="^Bob$" break="never"><anti-action application="set" data="a1=anti"/></condition>
      <condition><action application="set" data="r2=after-never"/></condition>
    </extension>
    <extension name="d05"><condition field="destination_number" expression="^d05$">
        <action application="set" data="x5=inl" inline="true"/></condition>
      <condition field="${"$"}{x5}" expression="^inl$"><action application="set" data="r2=saw-inline"/><anti-action application="set" data="r2=no-inline"/></condition>
    </extension>
    <extension name="d06a" continue="true"><condition field="destination_number" expression="^d06$"><action application="set" data="r1=a"/></condition></extension>
    <extension name="d06b"><condition field="destination_number" expression="^d06$"><action application="set" data="r2=b"/></condition></extension>
    <extension name="d07"><condition field="destination_number" expression="^d07x([a-z]+)x(\d+)$"><action application="set" data="r1=$2:$1"/></condition></extension>
    <extension name="d08"><condition field="destination_number" expression="^d08(-x)?$"><action application="set" data="r1=[$1]"/></condition></extension>
    <extension name="d09"><condition field="destination_number" expression="^d09$"/>
      <condition field="caller_id_name" expression="^\w+\s\d+\b\D*$"><action application="set" data="r1=y"/><anti-action application="set" data="r1=n"/></condition>
    </extension>
    <extension name="d10"><condition field="destination_number" expression="^d10$"/>
      <condition field="caller_id_name" expression="^\p{Lu}\p{Ll}+$"><action application="set" data="r1=y"/><anti-action application="set" data="r1=n"/></condition>
    </extension>
    <extension name="d11"><condition field="destination_number" expression="^d11$"/>
      <condition field="caller_id_name" expression="(?i)^alice$"><action application="set" data="r1=y"/><anti-action application="set" data="r1=n"/></condition>
    </extension>
    <extension name="d12"><condition field="destination_number" expression="^d12$">
      <action application="set" data="r1=${"$"}{regex(${"$"}{caller_id_name}|^(\w)\w*\s(\w+)$|%2-%1)}"/>
      <action application="set" data="r2=${"$"}{regex(${"$"}{caller_id_name}|^J)}"/>
      <action application="set" data="r3=${"$"}{regex(${"$"}{caller_id_name}|^X)}"/>
    </condition></extension>
    <extension name="d13"><condition field="destination_number" expression="^d13$">
      <action application="set" data="r1=${"$"}{regex(${"$"}{caller_id_name}|(\w+)|%1|n)}"/>
      <action application="set" data="r2=${"$"}{regex(${"$"}{caller_id_name}|(\w+)|%1|b)}"/>
      <action application="set" data="r3=${"$"}{regex(${"$"}{caller_id_name}|^j|%0|i)}"/>
    </condition></extension>
    <extension name="d14"><condition field="destination_number" expression="^d14$">
      <action application="set" data="r1=a\\b"/>
      <action application="set" data="r2=a\sb"/>
      <action application="set" data="r3=plain\qtext"/>
      <action application="set" data="r4=${"$"}{caller_id_name}\s!"/>
      <action application="set" data="r5=[${"$"}{nope}]"/>
    </condition></extension>
    <extension name="d15"><condition field="destination_number" expression="^d15$">
      <action application="set" data="r1=${"$"}{conference 99999 list}"/>
    </condition></extension>
    <extension name="d16"><condition field="destination_number" expression="^d16$"/>
      <condition field="${"$"}{conference ${ACTIVE} list}" expression="/sofia/"><action application="set" data="r1=active"/><anti-action application="set" data="r1=inactive"/></condition>
    </extension>
    <extension name="d17"><condition field="destination_number" expression="^d17$">
      <action application="set" data="force_transfer_context=diff2"/><action application="transfer" data="dt"/></condition></extension>
    <extension name="d18"><condition field="destination_number" expression="^d18$">
      <action application="set" data="force_transfer_context=diff2"/><action application="transfer" data="dt XML diff"/></condition></extension>
    <extension name="dt"><condition field="destination_number" expression="^dt$"><action application="set" data="r1=diff"/><action application="hangup" data="USER_BUSY"/></condition></extension>
    <extension name="d19"><condition field="destination_number" expression="^d19$">
      <action application="set" data="max_session_transfers=2"/><action application="transfer" data="d19loop"/></condition></extension>
    <extension name="d19loop"><condition field="destination_number" expression="^d19loop$">
      <action application="set" data="r1=${"$"}{r1}x"/><action application="transfer" data="d19loop"/></condition></extension>
    <extension name="d20"><condition field="network_addr" expression="^127\.0\.0\.2$"/>
      <condition field="destination_number" expression="^d20$"><action application="set" data="r1=${"$"}{network_addr}"/></condition></extension>
    <extension name="d21"><condition field="destination_number" expression="/d21/"><action application="set" data="r1=slashes"/></condition></extension>
    <extension name="d22"><condition field="destination_number" expression="^(d22|x)$"><action application="set" data="r1=$1"/><action application="hangup" data="${"$"}{c22}"/></condition></extension>
    <extension name="d23"><condition><action application="set" data="r1=absolute"/></condition><condition field="destination_number" expression="^d23$"><action application="hangup" data="USER_BUSY"/></condition></extension>
    <extension name="d24"><condition field="destination_number" expression="^d24$"/>
      <condition field="${"$"}{nope}" expression="^$"><action application="set" data="r1=empty"/></condition></extension>
    <extension name="d25"><condition regex="any"><regex field="caller_id_name" expression="^X"/><regex field="destination_number" expression="^d25$"/>
      <action application="set" data="r1=any"/><anti-action application="set" data="r1=none"/></condition></extension>
    <extension name="d26"><condition regex="all"><regex field="caller_id_name" expression="^X"/><regex field="destination_number" expression="^d26$"/>
      <action application="set" data="r1=all"/><anti-action application="set" data="r1=notall"/></condition></extension>
    <extension name="d27"><condition field="destination_number" expression="^d27$"><action application="set" data="c27=USER_BUSY"/><action application="hangup" data="${"$"}{c27}"/></condition></extension>
    <extension name="d28"><condition field="destination_number" expression="^d28$"/>
      <condition field="caller_id_number" expression="^\+?(\d{1,3})(\d+)$"><action application="set" data="r1=$1 $2"/></condition></extension>
    <extension name="d29"><condition field="destination_number" expression="^d29$"><action application="answer"/><action application="hangup" data="CALL_REJECTED"/></condition></extension>
    <extension name="d30"><condition field="destination_number" expression="^d30$"><action application="hangup" data="USER_BUSY"/></condition></extension>`;

const DIFF2 = `    <extension name="dt"><condition field="destination_number" expression="^dt$"><action application="set" data="r1=diff2"/><action application="hangup" data="USER_BUSY"/></condition></extension>`;

/** A test profile on 127.0.0.1: `context` and `acl` left out when undefined. */
function diffProfile(name: string, port: number, opts: { context?: string; acl?: string }): string {
  const params: [string, string][] = [
    ['dialplan', 'XML'],
    ['sip-ip', ADDR.server],
    ['rtp-ip', ADDR.server],
    ['sip-port', String(port)],
    ['auth-calls', 'false'],
    ['dtmf-type', 'rfc2833'],
    ['inbound-codec-prefs', 'PCMU,PCMA'],
    ['rtp-timer-name', 'soft'],
    ['manage-presence', 'false'],
    ['dbname', `sqlite://memory://file:${name}?mode=memory&amp;cache=shared`],
  ];
  if (opts.context !== undefined) params.push(['context', opts.context]);
  if (opts.acl !== undefined) params.push(['apply-inbound-acl', opts.acl]);
  return `<profile name="${name}">\n  <settings>\n${params.map(([n, v]) => `    <param name="${n}" value="${v}"/>`).join('\n')}\n  </settings>\n</profile>\n`;
}

const PROFILES: Record<string, { context?: string; acl?: string }> = {
  diff: { context: 'diff' },
  'diff-noctx': {},
  'diff-acl-none': { context: 'diff', acl: 'none' },
  'diff-acl-empty': { context: 'diff', acl: '' },
  'diff-acl-bareip': { context: 'diff', acl: ADDR.carrier },
  'diff-acl-nodefault': { context: 'diff', acl: 'difflist-nodefault' },
  'diff-acl-deny': { context: 'diff', acl: 'difflist-deny' },
};

const ACL_LISTS = `    <list name="difflist-nodefault">
      <node type="allow" cidr="127.0.0.9/32"/>
    </list>
    <list name="difflist-deny" default="deny">
      <node type="allow" cidr="${ADDR.carrier}/32"/>
    </list>
`;

const BT = 'bbb-twilio';
const SCENARIOS: Scenario[] = [
  { name: 'generated: +E164 and the right PIN', profile: BT, to: '+16135550142', from: '+15005550201', dtmf: ['12345'], vars: ['bbb_twilio_pin', 'bbb_authorized'] },
  { name: 'generated: E164', profile: BT, to: '16135550142', from: '+15005550202', dtmf: ['12345'] },
  { name: 'generated: 00E164', profile: BT, to: '0016135550142', from: '+15005550203', dtmf: ['12345'] },
  { name: 'generated: a number not configured', profile: BT, to: '+16135550199', from: '+15005550204' },
  { name: 'generated: PIN then #', profile: BT, to: '+16135550142', from: '+15005550205', dtmf: ['12345#'] },
  { name: 'generated: a short PIN ended by #, then the right one', profile: BT, to: '+16135550142', from: '+15005550206', dtmf: ['123#', '12345'], vars: ['bbb_twilio_attempts'] },
  { name: 'generated: no keys at all (every prompt times out)', profile: BT, to: '+16135550142', from: '+15005550207', dtmf: ['', '', ''], vars: ['bbb_twilio_attempts'] },
  { name: 'generated: four digits then a pause, then the right PIN', profile: BT, to: '+16135550142', from: '+15005550208', dtmf: ['1234', '12345'] },
  { name: 'generated: three wrong PINs', profile: BT, to: '+16135550142', from: '+15005550209', dtmf: ['99999', '99999', '99999'], vars: ['bbb_twilio_attempts'] },
  { name: 'generated: the PIN of an empty meeting, three times', profile: BT, to: '+16135550142', from: '+15005550210', dtmf: ['54321', '54321', '54321'] },
  { name: 'generated: one digit too many', profile: BT, to: '+16135550142', from: '+15005550211', dtmf: ['123456'] },
  { name: 'generated: a source outside signalingCidrs', profile: BT, via: 'rogue', to: '+16135550142', from: '+15005550212' },
  { name: 'generated: a withheld number', profile: BT, to: '+16135550142', from: null },
  { name: 'generated: Twilio\'s ANONYMOUS number', profile: BT, to: '+16135550142', from: '+266696687' },
  { name: 'generated: a caller ID too short to be a number', profile: BT, to: '+16135550142', from: '12' },
  { name: 'generated: a hostile caller name', profile: BT, to: '+16135550142', from: '+15005550216', callerName: '${system id} $(id) <x>', dtmf: ['12345'], vars: ['caller_id_name'] },
  { name: 'generated: a UK caller is masked', profile: BT, to: '+442079460018', from: '+442079460218', dtmf: ['12345'], vars: ['caller_id_name'] },
  { name: 'break on-true stops after a true condition', profile: 'diff', to: 'd01', callerName: 'Alice', vars: ['r1', 'r2'] },
  { name: 'break on-false (default) runs the anti-action and stops', profile: 'diff', to: 'd02', callerName: 'Carol', vars: ['a1', 'r2'] },
  { name: 'break always stops even after a true condition', profile: 'diff', to: 'd03', callerName: 'Alice', vars: ['r1', 'r2'] },
  { name: 'break never goes on after a false condition', profile: 'diff', to: 'd04', callerName: 'Carol', vars: ['a1', 'r2'] },
  { name: 'an inline action is seen by the next condition', profile: 'diff', to: 'd05', vars: ['x5', 'r2'] },
  { name: 'continue="true" runs the next extension too', profile: 'diff', to: 'd06', vars: ['r1', 'r2'] },
  { name: 'regex captures $1 and $2', profile: 'diff', to: 'd07xabcx123', vars: ['r1'] },
  { name: 'an optional group that did not match is empty', profile: 'diff', to: 'd08', vars: ['r1'] },
  { name: 'PCRE \\w \\s \\d \\b \\D', profile: 'diff', to: 'd09', callerName: 'Ab 12', vars: ['r1'] },
  { name: 'PCRE \\p{Lu}\\p{Ll} on a non-ASCII name', profile: 'diff', to: 'd10', callerName: 'Émile', vars: ['r1'] },
  { name: 'PCRE (?i)', profile: 'diff', to: 'd11', callerName: 'ALICE', vars: ['r1'] },
  { name: '${regex()} substitution and match', profile: 'diff', to: 'd12', callerName: 'John Smith', vars: ['r1', 'r2', 'r3'] },
  { name: '${regex()} with a 4th field', profile: 'diff', to: 'd13', callerName: 'john smith', vars: ['r1', 'r2', 'r3'] },
  { name: 'expansion escapes and unset variables', profile: 'diff', to: 'd14', callerName: 'Zed', vars: ['r1', 'r2', 'r3', 'r4', 'r5'] },
  { name: '${conference N list} of a conference that does not exist', profile: 'diff', to: 'd15', vars: ['r1'] },
  { name: 'the active-conference check on /sofia/', profile: 'diff', to: 'd16', vars: ['r1'] },
  { name: 'force_transfer_context applies to a transfer without a context', profile: 'diff', to: 'd17', vars: ['r1'] },
  { name: 'force_transfer_context is ignored when the transfer names a context', profile: 'diff', to: 'd18', vars: ['r1'] },
  { name: 'max_session_transfers ends a transfer loop', profile: 'diff', to: 'd19', vars: ['r1'] },
  { name: 'a bare caller-profile field (network_addr)', profile: 'diff', to: 'd20', vars: ['r1'] },
  { name: 'an expression written /like this/', profile: 'diff', to: 'd21', vars: ['r1'] },
  { name: 'hangup with an unset cause variable', profile: 'diff', to: 'd22', vars: ['r1'] },
  { name: 'an absolute condition before a failing one', profile: 'diff', to: 'd23', vars: ['r1'] },
  { name: 'a condition on an unset variable', profile: 'diff', to: 'd24', vars: ['r1'] },
  { name: 'regex="any"', profile: 'diff', to: 'd25', callerName: 'Yves', vars: ['r1'] },
  { name: 'regex="all" with one failing', profile: 'diff', to: 'd26', callerName: 'Yves', vars: ['r1'] },
  { name: 'hangup cause from a variable', profile: 'diff', to: 'd27', vars: ['c27'] },
  { name: 'captures over the caller ID number', profile: 'diff', to: 'd28', from: '+15005550228', vars: ['r1'] },
  { name: 'answer then CALL_REJECTED', profile: 'diff', to: 'd29' },
  { name: 'a destination no extension matches', profile: 'diff', to: 'nothing-here' },
  { name: 'a profile without context routes to default', profile: 'diff-noctx', to: 'd30default' },
  { name: 'apply-inbound-acl none admits anyone', profile: 'diff-acl-none', via: 'rogue', to: 'd30' },
  { name: 'an empty apply-inbound-acl admits anyone', profile: 'diff-acl-empty', via: 'rogue', to: 'd30' },
  { name: 'a bare IP in apply-inbound-acl matches nothing', profile: 'diff-acl-bareip', to: 'd30' },
  { name: 'an acl.conf list without default', profile: 'diff-acl-nodefault', to: 'd30' },
  { name: 'an acl.conf list default deny, source allowed', profile: 'diff-acl-deny', to: 'd30' },
  { name: 'an acl.conf list default deny, source not allowed', profile: 'diff-acl-deny', via: 'rogue', to: 'd30' },
];

function caller(s: Scenario): { from: string | null; callerName: string } {
  const from = s.from === undefined ? '+15005550300' : s.from;
  return { from, callerName: s.from === null ? 'Anonymous' : (s.callerName ?? 'Test Caller') };
}

/** The outcome in terms both sides can state. */
function simOutcome(r: SimulationResult): string {
  const o = r.outcome;
  if (o.kind === 'conference') return `joined ${(o.target ?? '').split('@')[0]}`;
  if (o.cause?.startsWith('403')) return 'refused 403';
  return `ended ${o.cause ?? 'NORMAL_CLEARING'}`;
}

describe('the simulator agrees with the real FreeSWITCH', { skip: skipWithoutFreeswitch() }, () => {
  let tree: ServerTree;
  let fsw: RunningFreeswitch;
  const ports = new Map<string, number>();

  before(async () => {
    tree = await prepareServerTree({ kind: 'reference', version: '3.0' });
    await tree.writeConfig(harnessConfig({ profile: 'dedicated', port: tree.ports.dedicated }));
    const apply = await tree.cli(['apply', '--yes']);
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    for (const [name, opts] of Object.entries(PROFILES)) {
      const port = await allocatePort();
      ports.set(name, port);
      await fs.writeFile(path.join(tree.conf, `sip_profiles/test-${name}.xml`), diffProfile(name, port, opts));
    }
    ports.set(BT, tree.ports.dedicated);
    // One element a line: FreeSWITCH's pre-processor drops any line holding <include>.
    await fs.writeFile(path.join(tree.conf, 'dialplan/test-diff.xml'), `<include>\n  <context name="diff">${DIFF_EXTENSIONS}\n  </context>\n  <context name="diff2">\n${DIFF2}\n  </context>\n</include>\n`);
    await fs.writeFile(
      path.join(tree.conf, 'dialplan/default/00_test_diff.xml'),
      '<include>\n  <extension name="d30default">\n    <condition field="destination_number" expression="^d30default$">\n      <action application="hangup" data="USER_BUSY"/>\n    </condition>\n  </extension>\n</include>\n',
    );
    const acl = path.join(tree.conf, 'autoload_configs/acl.conf.xml');
    await fs.writeFile(acl, (await fs.readFile(acl, 'utf8')).replace('</network-lists>', `${ACL_LISTS}  </network-lists>`));
    fsw = await startFreeswitch(tree, { profiles: ['carrier', 'rogue', 'webaudio', BT, ...Object.keys(PROFILES)] });
    await joinWebUser(fsw, ACTIVE);
  });

  after(async () => {
    await fsw?.stop();
  });

  // The simulations first, one at a time: each loads the whole tree, and run alongside the calls they would hold
  // up the event loop that reads FreeSWITCH's events.
  const simulated = new Map<string, SimulationResult>();
  before(async () => {
    for (const s of SCENARIOS) {
      const { from, callerName } = caller(s);
      let json = '';
      const code = await runSimulateCall(
        {
          root: tree.root,
          to: s.to,
          from: from ?? 'anonymous',
          callerName,
          fromIp: s.via === 'rogue' ? ADDR.rogue : ADDR.carrier,
          dtmf: (s.dtmf ?? []).join(','),
          active: [ACTIVE],
          profile: s.profile,
          json: true,
        },
        { write: (t: string) => (json += t) },
      );
      assert.equal(code, 0, `simulate-call for ${s.name}`);
      simulated.set(s.name, JSON.parse(json) as SimulationResult);
    }
  });

  test('the table has at least 40 scenarios', () => {
    assert.ok(SCENARIOS.length >= 40, `${SCENARIOS.length}`);
  });

  // Four calls at a time: enough to keep the run short, few enough that a loaded 2-core machine loses no key.
  describe('scenarios', { concurrency: 4 }, () => {
    for (const s of SCENARIOS) {
      test(s.name, async () => {
        const { from, callerName } = caller(s);
        const sim = simulated.get(s.name);
        assert.ok(sim, 'simulated in before()');
        const port = ports.get(s.profile);
        assert.ok(port, s.profile);
        const call = await placeCall(fsw, { to: s.to, from, callerName, profile: 'dedicated', port, via: s.via ?? 'carrier' });
        for (const [i, keys] of (s.dtmf ?? []).entries()) {
          await call.waitForApp('play_and_get_digits', i + 1, 60_000);
          if (keys !== '') await call.press(keys);
        }
        const joinedOrEnded = await call.outcome(90_000).catch((err: Error) => {
          throw new Error(`${err.message}\n${call.trace()}`);
        });
        const real = joinedOrEnded.joined !== null ? joinedOrEnded : await call.ended(30_000);
        const realOutcome = real.joined !== null ? `joined ${real.joined}` : real.sipStatus === '403' ? 'refused 403' : `ended ${real.hangupCause ?? '?'}`;
        const trail = `\n${call.trace()}\nreal applications:\n  ${real.applications.join('\n  ')}\nsimulated:\n  ${sim.timeline.map((t) => `${t.kind} ${t.app ?? ''} ${t.data ?? ''} ${t.result}`).join('\n  ')}`;
        assert.equal(simOutcome(sim), realOutcome, `outcome differs${trail}`);
        if (real.joined !== null) assert.equal(sim.outcome.callerIdName, real.memberName, `caller ID name differs${trail}`);
        const realVars = call.variables();
        for (const v of s.vars ?? []) {
          assert.equal(sim.variables[v] ?? null, realVars[v] ?? null, `variable ${v} differs${trail}`);
        }
        if (real.joined !== null) await call.hangup();
      });
    }
  });

});
