import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeXmlAttribute, escapeXmlAttribute, findParams, setParamValue } from './xml-params.js';

const FILE = '/opt/freeswitch/etc/freeswitch/sip_profiles/external.xml';

// Modelled on BBB's sip_profiles/external.xml: gateways included first, settings with params,
// commented-out params and $${} references.
const PROFILE = [
  '<profile name="external">',
  '  <gateways>',
  '    <X-PRE-PROCESS cmd="include" data="external/*.xml"/>',
  '  </gateways>',
  '  <settings>',
  '    <param name="context" value="public"/>',
  '    <!-- <param name="ext-rtp-ip" value="auto-nat"/> -->',
  '    <!--',
  '    <param name="ext-sip-ip" value="auto-nat"/>',
  '    -->',
  '    <param name="sip-port" value="$${external_sip_port}"/>',
  '    <param name="ext-rtp-ip" value="$${external_rtp_ip}"/>',
  '    <param name="ext-sip-ip" value="$${external_sip_ip}"/>',
  '    <param name="ws-binding"  value=":5066"/>',
  '  </settings>',
  '</profile>',
  '',
].join('\n');

describe('findParams', () => {
  it('finds the real <param> element anywhere in the document, ignoring commented-out ones', () => {
    const found = findParams(PROFILE, FILE, 'ext-rtp-ip');
    assert.deepEqual(found.map((p) => [p.name, p.value, p.line]), [['ext-rtp-ip', '$${external_rtp_ip}', 12]]);
    const [p] = found;
    assert.equal(PROFILE.slice(p?.valueStart, p?.valueEnd), '$${external_rtp_ip}');
  });

  it('ignores a param that exists only inside a multi-line comment', () => {
    const text = PROFILE.replace('    <param name="ext-sip-ip" value="$${external_sip_ip}"/>\n', '');
    assert.deepEqual(findParams(text, FILE, 'ext-sip-ip'), []);
  });

  it('decodes entities in the value and keeps the raw offsets', () => {
    const text = '<settings>\n  <param name="x" value="a&amp;b&lt;c&gt;d&quot;e&apos;f&#65;&#x42;"/>\n</settings>';
    const [p] = findParams(text, FILE, 'x');
    assert.equal(p?.value, 'a&b<c>d"e\'fAB');
    assert.equal(text.slice(p?.valueStart, p?.valueEnd), 'a&amp;b&lt;c&gt;d&quot;e&apos;f&#65;&#x42;');
  });

  it('matches param names case-insensitively, as FreeSWITCH compares them', () => {
    const text = PROFILE.replace('</settings>', '  <param name="EXT-RTP-IP" value="x"/>\n  </settings>');
    assert.deepEqual(findParams(text, FILE, 'ext-rtp-ip').map((p) => p.line), [12, 15]);
  });

  it('throws on a matching param without a value attribute', () => {
    assert.throws(() => findParams('<settings>\n  <param name="x"/>\n</settings>', FILE, 'x'), {
      name: 'TargetFileError',
      line: 2,
      message: /has no value attribute/,
    });
  });

  it('throws the parser\'s error, with its line, on a broken file', () => {
    assert.throws(() => findParams('<settings>\n  <param name="x" value="1">\n</settings>\n', FILE, 'x'), {
      name: 'TargetFileError',
      line: 3,
      message: /^XML syntax error: /,
    });
  });
});

describe('setParamValue', () => {
  it('splices the new value between the quotes and keeps every other byte', () => {
    const after = setParamValue(PROFILE, FILE, 'ext-rtp-ip', '203.0.113.10');
    assert.equal(
      after,
      PROFILE.replace('<param name="ext-rtp-ip" value="$${external_rtp_ip}"/>', '<param name="ext-rtp-ip" value="203.0.113.10"/>'),
    );
    assert.equal(findParams(after, FILE, 'ext-rtp-ip')[0]?.value, '203.0.113.10');
  });

  it('returns the identical string when the value is already set', () => {
    assert.equal(setParamValue(PROFILE, FILE, 'ext-rtp-ip', '$${external_rtp_ip}'), PROFILE);
    const encoded = '<settings>\n  <param name="x" value="&#65;&amp;"/>\n</settings>';
    assert.equal(setParamValue(encoded, FILE, 'x', 'A&'), encoded);
  });

  it('keeps CRLF line endings', () => {
    const crlf = PROFILE.replace(/\n/g, '\r\n');
    const after = setParamValue(crlf, FILE, 'ext-sip-ip', '203.0.113.10');
    assert.equal(after, crlf.replace('value="$${external_sip_ip}"', 'value="203.0.113.10"'));
  });

  it('refuses duplicate ext-rtp-ip params, naming both lines', () => {
    const text = PROFILE.replace('    <param name="ws-binding"', '    <param name="ext-rtp-ip" value="auto-nat"/>\n    <param name="ws-binding"');
    assert.throws(() => setParamValue(text, FILE, 'ext-rtp-ip', '203.0.113.10'), {
      name: 'TargetFileError',
      file: FILE,
      message: 'duplicate <param name="ext-rtp-ip"> on lines 12 and 14',
      line: 14,
      hint: /^remove one of them by hand; FreeSWITCH would use the last one/,
    });
  });

  it('refuses when there is no such param', () => {
    assert.throws(() => setParamValue(PROFILE, FILE, 'apply-inbound-acl', 'twilio'), {
      name: 'TargetFileError',
      message: 'no <param name="apply-inbound-acl"> found',
      hint: /add <param name="apply-inbound-acl"/,
    });
  });

  it('escapes &"<>\' in the new value so that it reads back the same', () => {
    const value = `a&b"c<d>e'f`;
    const after = setParamValue(PROFILE, FILE, 'context', value);
    assert.ok(after.includes('<param name="context" value="a&amp;b&quot;c&lt;d&gt;e\'f"/>'));
    assert.equal(findParams(after, FILE, 'context')[0]?.value, value);
  });

  it('escapes for the quote character the attribute already uses', () => {
    const text = "<settings>\n  <param name='x' value='old'/>\n</settings>";
    const after = setParamValue(text, FILE, 'x', `it's "quoted"`);
    assert.equal(after, "<settings>\n  <param name='x' value='it&apos;s \"quoted\"'/>\n</settings>");
    assert.equal(findParams(after, FILE, 'x')[0]?.value, `it's "quoted"`);
  });

  it('keeps line breaks and tabs in a value through character references', () => {
    const after = setParamValue(PROFILE, FILE, 'context', 'a\tb\nc');
    assert.equal(findParams(after, FILE, 'context')[0]?.value, 'a\tb\nc');
  });
});

describe('escapeXmlAttribute and decodeXmlAttribute', () => {
  it('escape for double quotes by default and decode back', () => {
    assert.equal(escapeXmlAttribute(`&<>"'`), `&amp;&lt;&gt;&quot;'`);
    assert.equal(escapeXmlAttribute(`&<>"'`, "'"), `&amp;&lt;&gt;"&apos;`);
    assert.equal(decodeXmlAttribute(escapeXmlAttribute(`x&<>"'y`)), `x&<>"'y`);
  });

  it('normalise raw whitespace as XML does and keep unknown references as written', () => {
    assert.equal(decodeXmlAttribute('a\r\nb\tc'), 'a b c');
    assert.equal(decodeXmlAttribute('&bogus;&#0;'), '&bogus;&#0;');
  });
});
