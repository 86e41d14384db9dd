import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matched, ran, simulate } from './support/dialplan-tree.js';

const ctx = (body: string, name = 'test'): string => `<context name="${name}">\n${body}\n</context>`;

describe('dialplan hunt: extensions', () => {
  it('tries extensions in document order and stops at the first that matches', async () => {
    const r = await simulate(
      ctx(`
      <extension name="no"><condition field="destination_number" expression="^2000$"><action application="log" data="INFO no"/></condition></extension>
      <extension name="first"><condition field="destination_number" expression="^1000$"><action application="log" data="INFO first"/></condition></extension>
      <extension name="second"><condition field="destination_number" expression="^1\\d+$"><action application="log" data="INFO second"/></condition></extension>`),
    );
    assert.deepEqual(matched(r), ['test/first']);
    assert.deepEqual(ran(r), ['log INFO first']);
  });

  it('goes on past a matching extension with continue="true" and runs what both queued, in order', async () => {
    const r = await simulate(
      ctx(`
      <extension name="tag" continue="true"><condition><action application="set" data="tagged=yes"/></condition></extension>
      <extension name="route"><condition field="destination_number" expression="^1000$"><action application="log" data="INFO routed ${'${tagged}'}"/></condition></extension>`),
    );
    assert.deepEqual(matched(r), ['test/tag', 'test/route']);
    assert.deepEqual(ran(r), ['set tagged=yes', 'log INFO routed yes']);
  });

  it('reports no-match when no extension matches, and when only continue="true" ones did', async () => {
    const none = await simulate(ctx(`<extension name="x"><condition field="destination_number" expression="^9$"/></extension>`));
    assert.equal(none.result.outcome.kind, 'no-match');
    assert.match(none.summary, /^no extension matched 1000 in context test/);
    const onlyContinue = await simulate(ctx(`<extension name="tag" continue="true"><condition><action application="set" data="a=1"/></condition></extension>`));
    assert.equal(onlyContinue.result.outcome.kind, 'no-match');
    assert.match(onlyContinue.summary, /only continue="true" extensions ran: tag/);
  });

  it('falls back to the "global" context, and finds a context by name in any case', async () => {
    const r = await simulate(ctx(`<extension name="g"><condition><action application="hangup" data="USER_BUSY"/></condition></extension>`, 'global'), {}, { context: 'nowhere' });
    assert.deepEqual(matched(r), ['global/g']);
    const upper = await simulate(ctx(`<extension name="u"><condition><action application="hangup"/></condition></extension>`, 'TEST'));
    assert.deepEqual(matched(upper), ['TEST/u']);
  });
});

describe('dialplan hunt: conditions', () => {
  it('reads a bare field from the caller profile only, and ${var} from channel variables', async () => {
    const body = `
      <extension name="bare"><condition field="flag" expression="^yes$"><action application="log" data="INFO bare"/></condition></extension>
      <extension name="expanded"><condition field="\${flag}" expression="^yes$"><action application="log" data="INFO expanded"/></condition></extension>`;
    const r = await simulate(ctx(body), { variables: { flag: 'yes' } });
    assert.deepEqual(matched(r), ['test/expanded']);
    const caller = await simulate(ctx(`<extension name="cid"><condition field="caller_id_number" expression="^\\+16135550142$"><action application="log" data="INFO ok"/></condition></extension>`));
    assert.deepEqual(matched(caller), ['test/cid']);
  });

  it('substitutes $1..$n captures into action data when the expression has a group', async () => {
    const r = await simulate(
      ctx(`<extension name="cap"><condition field="destination_number" expression="^(1)(0+)$">
        <action application="log" data="INFO first=$1 rest=\${2} all=$0 none=$7 dollar=$x"/>
      </condition></extension>`),
    );
    assert.deepEqual(ran(r), ['log INFO first=1 rest=000 all=1000 none= dollar=$x']);
    assert.equal(r.result.variables.DP_MATCH, 'ARRAY::1000|:1|:000');
  });

  it('never expands a caller name holding "${...}": sofia stores it with "%{" and leaves sip_from_display unset', async () => {
    const r = await simulate(ctx(`<extension name="n"><condition><action application="log" data="INFO \${caller_id_name}"/></condition></extension>`), { callerName: '${system(id)}' });
    assert.deepEqual(ran(r), ['log INFO %{system(id)}']);
    assert.equal(r.result.variables.sip_from_display, undefined);
  });

  it('keeps in DP_MATCH only the captures after an empty one (an empty value deletes the variable)', async () => {
    const r = await simulate(ctx(`<extension name="cap"><condition field="destination_number" expression="^(9*)(1)(000)$"><action application="log" data="INFO [$1]"/></condition></extension>`));
    assert.deepEqual(ran(r), ['log INFO []']);
    assert.equal(r.result.variables.DP_MATCH, 'ARRAY::1|:000');
  });

  it('substitutes $1 from the <regex> that ended a regex="any" walk, unless its expression was expanded', async () => {
    const any = (expression: string): string => ctx(`<extension name="any"><condition regex="any">
        <regex field="caller_id_name" expression="^nobody$"/>
        <regex field="destination_number" expression="${expression}"/>
        <action application="log" data="INFO got $1"/>
      </condition></extension>`);
    assert.deepEqual(ran(await simulate(any('^(1)000$'))), ['log INFO got 1']);
    assert.deepEqual(ran(await simulate(any('^(1)000${empty}$'))), ['log INFO got $1']);
  });

  it('says it cannot know $1 after a regex="xor" walk whose last grouped <regex> failed (FreeSWITCH overruns a buffer)', async () => {
    const r = await simulate(ctx(`<extension name="xor"><condition regex="xor">
        <regex field="destination_number" expression="^(1)000$"/>
        <regex field="caller_id_name" expression="^(nobody)$"/>
        <action application="log" data="INFO got $1"/>
      </condition></extension>`));
    assert.deepEqual(ran(r), ['log INFO got $1']);
    assert.ok(r.result.notEmulated.some((n) => n.detail.includes('zero-length buffer')));
    assert.equal(r.result.variables.DP_REGEX_MATCH_1, 'ARRAY::1000|:1');
    assert.equal(r.result.variables.DP_MATCH, undefined);
  });

  it('leaves $1 alone when the expression has no group', async () => {
    const r = await simulate(ctx(`<extension name="lit"><condition field="destination_number" expression="^1000$"><action application="log" data="INFO $1"/></condition></extension>`));
    assert.deepEqual(ran(r), ['log INFO $1']);
  });

  it('expands ${...} in the expression before matching', async () => {
    const r = await simulate(ctx(`<extension name="e"><condition field="destination_number" expression="^\${want}$"><action application="log" data="INFO e"/></condition></extension>`), { variables: { want: '1000' } });
    assert.deepEqual(matched(r), ['test/e']);
  });

  it('honours a leading (?i) and the "/re/i" form', async () => {
    const r = await simulate(
      ctx(`
      <extension name="a" continue="true"><condition field="caller_id_name" expression="(?i)^alice$"><action application="log" data="INFO a"/></condition></extension>
      <extension name="b"><condition field="caller_id_name" expression="/^ALICE$/i"><action application="log" data="INFO b"/></condition></extension>`),
    );
    assert.deepEqual(matched(r), ['test/a', 'test/b']);
    assert.equal(r.result.notEmulated.length, 0);
  });

  it('reports a PCRE construct JavaScript lacks instead of guessing', async () => {
    const r = await simulate(
      ctx(`<extension name="p"><condition field="destination_number" expression="^1\\d++$"><action application="log" data="INFO p"/></condition></extension>
      <extension name="r"><condition field="destination_number" expression="^(?R)$"><action application="log" data="INFO r"/></condition></extension>`),
    );
    assert.deepEqual(matched(r), ['test/p']);
    const what = r.result.notEmulated.map((n) => `${n.extension}: ${n.detail}`);
    assert.ok(what.some((w) => w.startsWith('p:') && w.includes('possessive')), what.join('\n'));
  });
});

describe('dialplan hunt: break', () => {
  const three = (mode: string) =>
    ctx(`<extension name="x">
      <condition field="destination_number" expression="^NOPE$" break="${mode}"><action application="log" data="INFO c1"/><anti-action application="log" data="INFO not-c1"/></condition>
      <condition field="destination_number" expression="^1000$"><action application="log" data="INFO c2"/></condition>
    </extension>
    <extension name="next"><condition><action application="log" data="INFO next"/></condition></extension>`);

  it('on-false (the default) stops at a failing condition after queueing its anti-actions', async () => {
    const r = await simulate(three('on-false'));
    assert.deepEqual(ran(r), ['log INFO not-c1']);
    assert.deepEqual(matched(r), ['test/x']); // anti-actions make the extension count as matched
  });

  it('never goes on to the next condition after a failure', async () => {
    const r = await simulate(three('never'));
    assert.deepEqual(ran(r), ['log INFO not-c1', 'log INFO c2']);
  });

  it('on-true goes on after a failure and stops after a success', async () => {
    const r = await simulate(three('on-true'));
    assert.deepEqual(ran(r), ['log INFO not-c1', 'log INFO c2']);
    const passing = await simulate(
      ctx(`<extension name="x">
        <condition field="destination_number" expression="^1000$" break="on-true"><action application="log" data="INFO c1"/></condition>
        <condition field="destination_number" expression="^1000$"><action application="log" data="INFO c2"/></condition>
      </extension>`),
    );
    assert.deepEqual(ran(passing), ['log INFO c1']);
  });

  it('always stops after the first condition, passing or not', async () => {
    const r = await simulate(
      ctx(`<extension name="x">
        <condition field="destination_number" expression="^1000$" break="always"><action application="log" data="INFO c1"/></condition>
        <condition><action application="log" data="INFO c2"/></condition>
      </extension>`),
    );
    assert.deepEqual(ran(r), ['log INFO c1']);
  });

  it('after a break="never" condition, a failing last condition means no match, yet what was queued still runs', async () => {
    const r = await simulate(
      ctx(`<extension name="partial">
        <condition field="destination_number" expression="^1000$" break="never"><action application="log" data="INFO queued"/></condition>
        <condition field="caller_id_name" expression="^Bob$"/>
      </extension>
      <extension name="later"><condition><action application="log" data="INFO later"/></condition></extension>`),
    );
    assert.deepEqual(matched(r), ['test/later']);
    assert.deepEqual(ran(r), ['log INFO queued', 'log INFO later']);
  });

  it('a failing condition without anti-actions does not match the extension', async () => {
    const r = await simulate(
      ctx(`<extension name="x"><condition field="destination_number" expression="^2000$"><action application="log" data="INFO x"/></condition></extension>
      <extension name="y"><condition><action application="log" data="INFO y"/></condition></extension>`),
    );
    assert.deepEqual(matched(r), ['test/y']);
  });
});

describe('dialplan hunt: inline and transfer', () => {
  it('runs inline="true" actions during the hunt, so later conditions see what they set', async () => {
    const body = (inline: string) => `<extension name="x">
      <condition><action application="set" data="seen=yes"${inline}/></condition>
      <condition field="\${seen}" expression="^yes$"><action application="log" data="INFO saw it"/><anti-action application="log" data="INFO did not"/></condition>
    </extension>`;
    const inline = await simulate(ctx(body(' inline="true"')));
    assert.deepEqual(ran(inline), ['set seen=yes', 'log INFO saw it']);
    assert.equal(inline.result.timeline.find((e) => e.app === 'set')?.kind, 'inline');
    const queued = await simulate(ctx(body('')));
    assert.deepEqual(ran(queued), ['set seen=yes', 'log INFO did not']);
  });

  it('refuses to run inline an application that is not allowed at hunt time', async () => {
    const r = await simulate(ctx(`<extension name="x"><condition><action application="answer" inline="true"/><action application="hangup"/></condition></extension>`));
    const step = r.result.timeline.find((e) => e.app === 'answer');
    assert.match(step?.result ?? '', /refuses to execute answer inline/);
    assert.equal(r.result.outcome.kind, 'not-answered');
  });

  it('runs inline every application mod_dptools flags SAF_ROUTING_EXEC, multiunset among them', async () => {
    const r = await simulate(ctx(`<extension name="x"><condition><action application="multiunset" data="a b" inline="true"/><action application="hangup"/></condition></extension>`));
    const step = r.result.timeline.find((e) => e.app === 'multiunset');
    assert.doesNotMatch(step?.result ?? '', /refuses to execute/);
  });

  it('transfer re-enters the hunt with the new destination, in the named context or the current one', async () => {
    const r = await simulate(
      ctx(`<extension name="start"><condition field="destination_number" expression="^1000$"><action application="transfer" data="2000 XML other"/><action application="log" data="INFO never"/></condition></extension>`) +
        ctx(`<extension name="two"><condition field="destination_number" expression="^2000$"><action application="transfer" data="3000"/></condition></extension>
        <extension name="three"><condition field="destination_number" expression="^3000$"><action application="log" data="INFO rdnis=\${rdnis} ctx=\${context}"/><action application="hangup"/></condition></extension>`, 'other'),
    );
    assert.deepEqual(matched(r), ['test/start', 'other/two', 'other/three']);
    assert.deepEqual(ran(r), ['transfer 2000 XML other', 'transfer 3000', 'log INFO rdnis=2000 ctx=other', 'hangup']);
  });

  it('fails a transfer loop with EXCHANGE_ROUTING_ERROR once max_forwards runs out', async () => {
    const r = await simulate(ctx(`<extension name="loop"><condition><action application="answer"/><action application="transfer" data="1000"/></condition></extension>`));
    assert.equal(r.result.outcome.kind, 'hangup');
    assert.equal(r.result.outcome.cause, 'EXCHANGE_ROUTING_ERROR');
    assert.equal(r.result.timeline.filter((e) => e.app === 'transfer').length, 70);
  });
});

describe('transfer (switch_ivr_session_transfer)', () => {
  const landing = (name: string): string =>
    ctx(`<extension name="land"><condition field="destination_number" expression="^(.*)$"><action application="log" data="INFO landed in ${name} as $1"/><action application="hangup"/></condition></extension>`, name);

  it('applies force_transfer_context only when the transfer names no context', async () => {
    const start = (data: string): string =>
      ctx(`<extension name="go"><condition><action application="set" data="force_transfer_context=forced"/><action application="transfer" data="${data}"/></condition></extension>`);
    const named = await simulate(start('2000 XML other') + landing('other') + landing('forced'));
    assert.ok(ran(named).includes('log INFO landed in other as 2000'));
    const bare = await simulate(start('2000') + landing('other') + landing('forced'));
    assert.ok(ran(bare).includes('log INFO landed in forced as 2000'));
  });

  it('sends play_and_get_digits\' transfer-on-failure through the same rules', async () => {
    const r = await simulate(
      ctx(`<extension name="pin"><condition><action application="set" data="force_transfer_context=forced"/><action application="play_and_get_digits" data="5 5 1 3000 # p.wav bad.wav pin ^\\d{5}$ 3000 goodbye"/></condition></extension>`) + landing('forced'),
      { dtmf: '1#' },
    );
    assert.ok(ran(r).includes('log INFO landed in forced as goodbye'));
  });

  it('spends max_session_transfers before max_forwards, and hangs up when it is used up', async () => {
    const r = await simulate(ctx(`<extension name="loop"><condition><action application="transfer" data="1000"/></condition></extension>`), { variables: { max_session_transfers: '3' } });
    assert.equal(r.result.outcome.cause, 'EXCHANGE_ROUTING_ERROR');
    assert.equal(r.result.timeline.filter((e) => e.app === 'transfer').length, 3);
    assert.equal(r.result.variables.max_forwards, '70');
  });

  it('reads at most four words, does nothing without data, and finds no B-leg for -bleg', async () => {
    const r = await simulate(
      ctx(`<extension name="go"><condition field="destination_number" expression="^1000$"><action application="transfer" data=""/><action application="transfer" data="-bleg 3000"/><action application="transfer" data="2000 XML other extra"/></condition></extension>`) + landing('other'),
    );
    assert.ok(ran(r).includes('log INFO landed in other as 2000'));
  });

  it('flushes keys already queued', async () => {
    const r = await simulate(
      ctx(`<extension name="go"><condition field="destination_number" expression="^1000$"><action application="play_and_get_digits" data="5 5 1 3000 # p.wav bad.wav pin ^\\d{5}$"/><action application="transfer" data="2000 XML other"/></condition></extension>`) + landing('other'),
      { dtmf: '12345#' },
    );
    assert.ok(!r.result.timeline.some((e) => e.kind === 'end' && e.result.includes('never read')));
  });
});

describe('applications', () => {
  it('hangs up with DESTINATION_OUT_OF_ORDER when an application\'s module is not loaded', async () => {
    const modules = `<configuration name="modules.conf"><modules><load module="mod_dptools"/><load module="mod_commands"/></modules></configuration>`;
    const r = await simulate(ctx(`<extension name="x"><condition><action application="answer"/><action application="lua" data="pin.lua"/><action application="log" data="INFO after"/></condition></extension>`), {}, { configuration: modules });
    assert.equal(r.result.outcome.cause, 'DESTINATION_OUT_OF_ORDER');
    assert.ok(!ran(r).includes('log INFO after'));
  });

  it('reports an application it does not emulate, with where it is, and carries on', async () => {
    const r = await simulate(ctx(`<extension name="x"><condition><action application="echo"/><action application="hangup" data="21"/></condition></extension>`));
    assert.equal(r.result.notEmulated.length, 1);
    const n = r.result.notEmulated[0];
    assert.equal(n?.what, 'application echo');
    assert.equal(n?.context, 'test');
    assert.equal(n?.extension, 'x');
    assert.match(n?.file ?? '', /freeswitch\.xml$/);
    assert.equal(r.result.outcome.cause, 'CALL_REJECTED');
  });

  it('exports as FreeSWITCH does: split at "=" only, nolocal: kept in the name, no export_vars entry without a value', async () => {
    const r = await simulate(
      ctx(`<extension name="x"><condition>
        <action application="export" data="a=1,2"/><action application="export" data="nolocal:b=3"/><action application="export" data="c"/>
      </condition></extension>`),
    );
    assert.equal(r.result.variables.a, '1,2');
    assert.equal(r.result.variables.b, undefined);
    assert.equal(r.result.variables.export_vars, 'a,nolocal:b');
  });

  it('lets sleep eat queued keys only with sleep_eat_digits', async () => {
    const body = (eat: string): string =>
      ctx(`<extension name="x"><condition>
        <action application="play_and_get_digits" data="1 1 1 3000 # p.wav bad.wav k \\d"/>
        <action application="set" data="sleep_eat_digits=${eat}"/><action application="sleep" data="100"/>
      </condition></extension>`);
    const eaten = await simulate(body('true'), { dtmf: '12' });
    assert.ok(!eaten.result.timeline.some((e) => e.kind === 'end' && e.result.includes('never read')));
    const kept = await simulate(body('false'), { dtmf: '12' });
    assert.ok(kept.result.timeline.some((e) => e.kind === 'end' && e.result.includes('keys never read: 2')));
  });

  it('splits set_profile_var at "=" only', async () => {
    const r = await simulate(ctx(`<extension name="x"><condition><action application="set_profile_var" data="caller_id_name,Bob"/><action application="log" data="INFO \${caller_id_name}"/></condition></extension>`));
    assert.ok(ran(r).includes('log INFO Alice'));
  });

  it('passes application data unexpanded while app_disable_expand_variables is true', async () => {
    const r = await simulate(
      ctx(`<extension name="x"><condition>
        <action application="set" data="app_disable_expand_variables=true"/><action application="log" data="INFO \${destination_number}"/>
      </condition></extension>`),
    );
    assert.ok(ran(r).includes('log INFO ${destination_number}'));
  });

  it('lets playback_terminators=any stop a playback at the first queued key', async () => {
    const r = await simulate(
      ctx(`<extension name="x"><condition>
        <action application="play_and_get_digits" data="1 1 1 3000 # p.wav bad.wav k \\d"/>
        <action application="set" data="playback_terminators=any"/><action application="playback" data="a.wav"/>
      </condition></extension>`),
      { dtmf: '12' },
    );
    assert.equal(r.result.variables.playback_terminator_used, '2');
  });

  it('set unsets a variable whose value expands to nothing; set_global does not expand a second time', async () => {
    const r = await simulate(
      ctx(`<extension name="x"><condition>
        <action application="set" data="caller_id_name=\${nothing}"/><action application="set" data="seen=\${caller_id_name}"/>
        <action application="set_global" data="g=\\\${destination_number}"/>
      </condition></extension>`),
    );
    assert.equal(r.result.variables.caller_id_name, undefined);
    assert.equal(r.result.variables.seen, 'Alice');
    assert.ok(r.result.timeline.some((e) => e.app === 'set_global' && e.result === 'global g=${destination_number}'));
  });

  it('set expands its value a second time; set_profile_var changes what bare fields read', async () => {
    const r = await simulate(
      ctx(`<extension name="x">
        <condition><action application="set" data="inner=\\\${destination_number}"/><action application="set" data="outer=\${inner}"/>
        <action application="set_profile_var" data="caller_id_name=Masked"/><action application="transfer" data="2000 XML next"/></condition>
      </extension>`) +
        ctx(`<extension name="y"><condition field="caller_id_name" expression="^Masked$"><action application="answer"/><action application="conference" data="2000@default"/></condition></extension>`, 'next'),
    );
    // "\${destination_number}" survives the first expansion as text; set's own expansion then resolves it.
    assert.equal(r.result.variables.inner, '1000');
    assert.equal(r.result.variables.outer, '1000');
    assert.deepEqual(matched(r), ['test/x', 'next/y']);
    assert.equal(r.result.outcome.kind, 'conference');
    assert.equal(r.result.outcome.callerIdName, 'Masked');
  });
});
