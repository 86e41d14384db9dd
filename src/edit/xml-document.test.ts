import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertWellFormed, parseXmlOrThrow, parseXmlWithOffsets } from './xml-document.js';

const FILE = '/opt/freeswitch/etc/freeswitch/sip_profiles/external.xml';
const HINT = 'fix the file by hand or restore it from its backup, then run again';

describe('parseXmlOrThrow', () => {
  it('parses a vars.xml-like document with comments, X-PRE-PROCESS elements and a prolog', () => {
    const text = [
      '<?xml version="1.0"?>',
      '<include>',
      '  <!-- NOTICE: YOU CAN NOT COMMENT OUT AN X-PRE-PROCESS line -->',
      '  <X-PRE-PROCESS cmd="set" data="bong-ring=v=-7;>=2;+=.1"/>',
      '  <!-- <X-PRE-PROCESS cmd="set" data="a=b"/> -->',
      '</include>',
      '',
    ].join('\n');
    const doc = parseXmlOrThrow(text, FILE);
    assert.equal(doc.rootElement?.name, 'include');
    assert.deepEqual(doc.rootElement?.subElements.map((e) => e.name), ['X-PRE-PROCESS']);
  });

  it('reports a syntax error with its 1-based line', () => {
    const text = '<profile name="external">\n  <settings>\n    <param name="sip-port" value="5060"\n  </settings>\n</profile>\n';
    assert.throws(() => parseXmlOrThrow(text, FILE), {
      name: 'TargetFileError',
      file: FILE,
      line: 4,
      message: /^XML syntax error: expected .* but found "<\/"$/,
      hint: HINT,
    });
  });

  it('reports an illegal character with its line', () => {
    assert.throws(() => parseXmlOrThrow('<a>\n\n  <b x="1<2"/>\n</a>\n', FILE), {
      name: 'TargetFileError',
      line: 3,
      message: /^XML syntax error: unexpected character/,
    });
  });

  it('rejects a document with more than one root element', () => {
    assert.throws(() => parseXmlOrThrow('<include>\n</include>\n<include>\n</include>\n', FILE), {
      name: 'TargetFileError',
      line: 3,
      message: /only one root element/,
    });
  });

  it('rejects a closing tag that does not match its opening tag', () => {
    assert.throws(() => parseXmlOrThrow('<profile>\n  <settings>\n  </gateways>\n</profile>\n', FILE), {
      name: 'TargetFileError',
      line: 3,
      message: 'XML syntax error: closing tag </gateways> does not match <settings> opened on line 2',
    });
  });

  it('names the element left open at the end of the file', () => {
    assert.throws(() => parseXmlOrThrow('<profile>\n  <settings>\n', FILE), {
      name: 'TargetFileError',
      message: /<settings> opened on line 2 is never closed/,
    });
  });

  it('rejects an attribute given twice', () => {
    assert.throws(() => parseXmlOrThrow('<a>\n  <param name="x" name="y"/>\n</a>', FILE), {
      name: 'TargetFileError',
      line: 2,
      message: /attribute "name" appears twice/,
    });
  });

  it('rejects a file with no root element', () => {
    assert.throws(() => parseXmlOrThrow('<!-- only a comment -->\n', FILE), {
      name: 'TargetFileError',
      message: 'XML syntax error: no root element',
    });
    assert.throws(() => parseXmlOrThrow('', FILE), { name: 'TargetFileError', message: 'XML syntax error: no root element' });
  });

  it('accepts a leading byte order mark and reports where offset 0 is', () => {
    const { document, offsetBase } = parseXmlWithOffsets('\uFEFF<a x="1"/>', FILE);
    assert.equal(offsetBase, 1);
    assert.equal(document.rootElement?.name, 'a');
  });
});

describe('assertWellFormed', () => {
  it('passes a well-formed file and throws on a broken one', () => {
    assert.doesNotThrow(() => assertWellFormed('<include/>', FILE));
    assert.throws(() => assertWellFormed('<include>', FILE), { name: 'TargetFileError' });
  });
});
