import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TargetFileError } from '../errors.js';
import { getPreprocessedVar, readPreprocessedVars, setPreprocessedVar } from './preprocessed-vars.js';

const FILE = '/opt/freeswitch/etc/freeswitch/vars.xml';

// Modelled on BBB's vars.xml: prose comments that mention X-PRE-PROCESS, comments with quotes,
// $${} references and a value holding ">".
const VARS = [
  '<include>',
  '  <!-- Preprocessor Variables',
  '       NOTICE: YOU CAN NOT COMMENT OUT AN X-PRE-PROCESS line, Remove the line instead.',
  '  -->',
  '  <X-PRE-PROCESS cmd="set" data="local_ip_v4=10.0.3.66"/>',
  '  <X-PRE-PROCESS cmd="set" data="domain=$${local_ip_v4}"/>',
  '  <!-- external_rtp_ip',
  '       a stun server lookup: "stun:stun.server.com"',
  '  -->',
  '  <X-PRE-PROCESS cmd="set" data="external_rtp_ip=stun:stun.freeswitch.org"/>',
  '  <X-PRE-PROCESS cmd="set" data="external_sip_ip=stun:stun.freeswitch.org"/>',
  '  <X-PRE-PROCESS cmd="set" data="external_sip_port=5060"/>',
  '  <X-PRE-PROCESS cmd="set" data="bong-ring=v=-7;%(100,0,941.0,1477.0);v=-7;>=2;+=.1;%(1400,0,350,440)"/>',
  '',
  '</include>',
  '',
].join('\n');

/** Asserts that a and b differ only in [start, endA) of a versus [start, endB) of b. */
function assertOnlyChanged(before: string, after: string, oldPart: string, newPart: string): void {
  const at = before.indexOf(oldPart);
  assert.ok(at >= 0);
  assert.equal(after, before.slice(0, at) + newPart + before.slice(at + oldPart.length));
}

describe('readPreprocessedVars', () => {
  it('reads each set directive with its name, raw value, line and value offsets', () => {
    const vars = readPreprocessedVars(VARS);
    assert.deepEqual(
      vars.map((v) => [v.name, v.value, v.line, v.cmd, v.insideComment]),
      [
        ['local_ip_v4', '10.0.3.66', 5, 'set', false],
        ['domain', '$${local_ip_v4}', 6, 'set', false],
        ['external_rtp_ip', 'stun:stun.freeswitch.org', 10, 'set', false],
        ['external_sip_ip', 'stun:stun.freeswitch.org', 11, 'set', false],
        ['external_sip_port', '5060', 12, 'set', false],
        ['bong-ring', 'v=-7;%(100,0,941.0,1477.0);v=-7;>=2;+=.1;%(1400,0,350,440)', 13, 'set', false],
      ],
    );
    for (const v of vars) assert.equal(VARS.slice(v.valueStart, v.valueEnd), v.value);
  });

  it('counts a commented-out directive as live, as FreeSWITCH runs it', () => {
    const text = VARS.replace('</include>', '  <!-- <X-PRE-PROCESS cmd="set" data="old_var=1"/> -->\n</include>');
    const old = readPreprocessedVars(text).find((v) => v.name === 'old_var');
    assert.equal(old?.value, '1');
    assert.equal(old?.insideComment, true);
  });

  it('counts a directive inside a multi-line comment as live', () => {
    const text = '<include>\n  <!--\n  <X-PRE-PROCESS cmd="set" data="a=1"/>\n  -->\n</include>\n';
    assert.deepEqual(readPreprocessedVars(text).map((v) => [v.name, v.insideComment]), [['a', true]]);
  });

  it('skips lines holding <include>, </include> or <?', () => {
    const text = [
      '<?xml version="1.0"?><X-PRE-PROCESS cmd="set" data="in_decl=1"/>',
      '<include><X-PRE-PROCESS cmd="set" data="on_open=1"/>',
      '  <X-PRE-PROCESS cmd="set" data="kept=1"/>',
      '<X-PRE-PROCESS cmd="set" data="on_close=1"/></include>',
      '',
    ].join('\n');
    assert.deepEqual(readPreprocessedVars(text).map((v) => v.name), ['kept']);
  });

  it('ignores XX-PRE-PROCESS and X-NO-PRE-PROCESS, which FreeSWITCH does not run', () => {
    const text = [
      '<include>',
      '  <XX-PRE-PROCESS cmd="set" data="disabled=1"/>',
      '  <X-NO-PRE-PROCESS cmd="set" data="also_disabled=1"/>',
      '</include>',
    ].join('\n');
    assert.deepEqual(readPreprocessedVars(text), []);
  });

  it('runs only the first directive on a line', () => {
    const text = '<include>\n  <X-PRE-PROCESS cmd="set" data="a=1"/><X-PRE-PROCESS cmd="set" data="b=2"/>\n</include>\n';
    assert.deepEqual(readPreprocessedVars(text).map((v) => [v.name, v.value]), [['a', '1']]);
  });

  it('needs double quotes: a single-quoted directive defines nothing', () => {
    const text = "<include>\n  <X-PRE-PROCESS cmd='set' data='a=1'/>\n</include>\n";
    assert.deepEqual(readPreprocessedVars(text), []);
  });

  it('trims spaces around "=" like FreeSWITCH and keeps the value offsets on the value', () => {
    const text = '<include>\n  <X-PRE-PROCESS cmd="set" data="name  =  value "/>\n</include>\n';
    const [v] = readPreprocessedVars(text);
    assert.equal(v?.name, 'name');
    assert.equal(v?.value, 'value ');
    assert.equal(text.slice(v?.valueStart, v?.valueEnd), 'value ');
  });

  it('reads the data raw, without entity decoding', () => {
    const text = '<include>\n  <X-PRE-PROCESS cmd="set" data="a=x&amp;y"/>\n</include>\n';
    assert.equal(readPreprocessedVars(text)[0]?.value, 'x&amp;y');
  });

  it('matches the command case-insensitively and knows env-set, stun-set and exec-set', () => {
    const text = [
      '<include>',
      '  <x-pre-process CMD="SET" DATA="a=1"/>',
      '  <X-PRE-PROCESS cmd="stun-set" data="b=stun:stun.freeswitch.org"/>',
      '  <X-PRE-PROCESS cmd="exec-set" data="c=hostname -f"/>',
      '  <X-PRE-PROCESS cmd="env-set" data="d=HOME"/>',
      '  <X-PRE-PROCESS cmd="include" data="extra/*.xml"/>',
      '  <X-PRE-PROCESS cmd="set" data="no_equals_sign"/>',
      '</include>',
    ].join('\n');
    assert.deepEqual(
      readPreprocessedVars(text).map((v) => [v.name, v.cmd]),
      [['a', 'SET'], ['b', 'stun-set'], ['c', 'exec-set'], ['d', 'env-set']],
    );
  });

  it('reads <!--#set "name=value"--> comment directives', () => {
    const text = '<include>\n  <!--#set "a=1"-->\n  <!--#set b=2-->\n</include>\n';
    assert.deepEqual(readPreprocessedVars(text).map((v) => [v.name, v.value, v.syntax]), [
      ['a', '1', 'comment-directive'],
      ['b', '2', 'comment-directive'],
    ]);
  });
});

describe('getPreprocessedVar', () => {
  it('returns the value, or undefined when the variable is not defined', () => {
    assert.equal(getPreprocessedVar(VARS, FILE, 'external_sip_port'), '5060');
    assert.equal(getPreprocessedVar(VARS, FILE, 'bbb_twilio_port'), undefined);
  });

  it('throws on a variable defined twice', () => {
    const text = VARS.replace('</include>', '  <X-PRE-PROCESS cmd="set" data="external_sip_port=5070"/>\n</include>');
    assert.throws(() => getPreprocessedVar(text, FILE, 'external_sip_port'), TargetFileError);
  });
});

describe('setPreprocessedVar', () => {
  it('replaces only the value bytes of the one definition', () => {
    const after = setPreprocessedVar(VARS, FILE, 'external_rtp_ip', '203.0.113.10');
    assertOnlyChanged(VARS, after, 'external_rtp_ip=stun:stun.freeswitch.org', 'external_rtp_ip=203.0.113.10');
    assert.equal(getPreprocessedVar(after, FILE, 'external_rtp_ip'), '203.0.113.10');
  });

  it('returns the identical string when the value is already set', () => {
    assert.equal(setPreprocessedVar(VARS, FILE, 'external_rtp_ip', 'stun:stun.freeswitch.org'), VARS);
    // Even a value that the whitelist would not accept for writing.
    const ring = 'v=-7;%(100,0,941.0,1477.0);v=-7;>=2;+=.1;%(1400,0,350,440)';
    assert.equal(setPreprocessedVar(VARS, FILE, 'bong-ring', ring), VARS);
  });

  it('refuses a commented-out duplicate of external_rtp_ip as a live second definition', () => {
    const text = VARS.replace(
      '  <X-PRE-PROCESS cmd="set" data="external_sip_ip',
      '  <!-- <X-PRE-PROCESS cmd="set" data="external_rtp_ip=198.51.100.1"/> -->\n  <X-PRE-PROCESS cmd="set" data="external_sip_ip',
    );
    assert.throws(() => setPreprocessedVar(text, FILE, 'external_rtp_ip', '203.0.113.10'), {
      name: 'TargetFileError',
      file: FILE,
      message: 'external_rtp_ip is defined 2 times (lines 10, 11); FreeSWITCH uses the last one',
      line: 11,
      hint: 'remove the extra X-PRE-PROCESS line (commenting it out does not disable it)',
    });
  });

  it('treats names case-insensitively, as FreeSWITCH does', () => {
    const text = VARS.replace('</include>', '  <X-PRE-PROCESS cmd="set" data="EXTERNAL_RTP_IP=198.51.100.1"/>\n</include>');
    assert.throws(() => setPreprocessedVar(text, FILE, 'external_rtp_ip', '203.0.113.10'), /defined 2 times/);
  });

  it('keeps CRLF line endings and every other byte', () => {
    const crlf = VARS.replace(/\n/g, '\r\n');
    const after = setPreprocessedVar(crlf, FILE, 'external_sip_ip', '203.0.113.10');
    assertOnlyChanged(crlf, after, 'external_sip_ip=stun:stun.freeswitch.org', 'external_sip_ip=203.0.113.10');
    assert.equal(after.split('\r\n').length, crlf.split('\r\n').length);
  });

  it('adds a missing variable just before </include>, indented like the other directives', () => {
    const indented = VARS.replace(/^ {2}</gm, '    <');
    const after = setPreprocessedVar(indented, FILE, 'bbb_twilio_port', '5080');
    const expected = indented.replace('\n</include>', '\n    <X-PRE-PROCESS cmd="set" data="bbb_twilio_port=5080"/>\n</include>');
    assert.equal(after, expected);
    assert.equal(getPreprocessedVar(after, FILE, 'bbb_twilio_port'), '5080');
  });

  it('adds a missing variable with the file\'s CRLF line ending', () => {
    const crlf = VARS.replace(/\n/g, '\r\n');
    const after = setPreprocessedVar(crlf, FILE, 'bbb_twilio_port', '5080');
    assert.ok(after.includes('\r\n  <X-PRE-PROCESS cmd="set" data="bbb_twilio_port=5080"/>\r\n</include>\r\n'));
    assert.equal(after.replace(/\r\n/g, '').includes('\n'), false);
  });

  it('refuses to add a variable when there is no </include> line', () => {
    assert.throws(() => setPreprocessedVar('<X-PRE-PROCESS cmd="set" data="a=1"/>\n', FILE, 'b', '2'), {
      name: 'TargetFileError',
      message: /no <\/include> line/,
    });
  });

  it('refuses values that vars.xml cannot hold, and accepts the whitelisted characters', () => {
    for (const bad of ['a"b', 'a<b', 'a>b', 'a&b', 'line\nbreak', 'with space', "quote'"]) {
      assert.throws(() => setPreprocessedVar(VARS, FILE, 'external_rtp_ip', bad), {
        name: 'TargetFileError',
        message: /cannot set external_rtp_ip/,
        hint: /double quote/,
      });
    }
    const good = 'Az09._:/@+$%{}=,;|!*-';
    assert.equal(getPreprocessedVar(setPreprocessedVar(VARS, FILE, 'external_rtp_ip', good), FILE, 'external_rtp_ip'), good);
  });

  it('refuses to replace the data of exec-set, whose data is a command', () => {
    const text = '<include>\n  <X-PRE-PROCESS cmd="exec-set" data="external_rtp_ip=curl -s ifconfig.me"/>\n</include>\n';
    assert.throws(() => setPreprocessedVar(text, FILE, 'external_rtp_ip', '203.0.113.10'), {
      name: 'TargetFileError',
      line: 2,
      message: /cmd="exec-set"/,
    });
  });

  it('replaces the value of a stun-set directive in place', () => {
    const text = '<include>\n  <X-PRE-PROCESS cmd="stun-set" data="external_rtp_ip=stun:stun.freeswitch.org"/>\n</include>\n';
    const after = setPreprocessedVar(text, FILE, 'external_rtp_ip', '203.0.113.10');
    assert.equal(after, text.replace('stun:stun.freeswitch.org', '203.0.113.10'));
  });

  it('rejects a name that is not a variable name', () => {
    assert.throws(() => setPreprocessedVar(VARS, FILE, 'a=b', '1'), TargetFileError);
  });
});
