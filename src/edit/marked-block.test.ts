import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOCK_BEGIN, BLOCK_END, getMarkedBlock, removeMarkedBlock, setMarkedBlock } from './marked-block.js';

const FILE = '/etc/bigbluebutton/bbb-conf/apply-config.sh';

// Modelled on BBB's stock apply-config.sh.
const SCRIPT = [
  '#!/bin/bash',
  '',
  '# Pull in the helper functions for configuring BigBlueButton',
  'source /etc/bigbluebutton/bbb-conf/apply-lib.sh',
  '',
  'enableUFWRules',
  '',
].join('\n');

const BODY = 'if [ -x /usr/bin/bbb-twilio ]; then\n  /usr/bin/bbb-twilio reapply --quiet\nfi\n';

describe('setMarkedBlock', () => {
  it('appends the block after one blank line, ending with a line break', () => {
    const after = setMarkedBlock(SCRIPT, FILE, BODY);
    assert.equal(after, `${SCRIPT}\n${BLOCK_BEGIN}\n${BODY}${BLOCK_END}\n`);
  });

  it('writes just the block into an empty file', () => {
    assert.equal(setMarkedBlock('', FILE, BODY), `${BLOCK_BEGIN}\n${BODY}${BLOCK_END}\n`);
  });

  it('replaces an existing block in place and never adds a second one', () => {
    const withBlock = setMarkedBlock(SCRIPT, FILE, BODY).replace(`${BLOCK_END}\n`, `${BLOCK_END}\n\necho after\n`);
    const after = setMarkedBlock(withBlock, FILE, 'echo new\n');
    assert.equal(after, withBlock.replace(BODY, 'echo new\n'));
    assert.equal(after.split(BLOCK_BEGIN).length, 2);
  });

  it('returns the identical string when the block already holds the body', () => {
    const once = setMarkedBlock(SCRIPT, FILE, BODY);
    assert.equal(setMarkedBlock(once, FILE, BODY), once);
  });

  it('adds a final line break to the body and to a file that lacks one', () => {
    const after = setMarkedBlock('enableUFWRules', FILE, 'echo hi');
    assert.equal(after, `enableUFWRules\n\n${BLOCK_BEGIN}\necho hi\n${BLOCK_END}\n`);
  });

  it('uses the file\'s CRLF line endings for the markers and the body', () => {
    const crlf = SCRIPT.replace(/\n/g, '\r\n');
    const after = setMarkedBlock(crlf, FILE, BODY);
    assert.equal(after, `${crlf}\r\n${BLOCK_BEGIN}\r\n${BODY.replace(/\n/g, '\r\n')}${BLOCK_END}\r\n`);
    assert.equal(getMarkedBlock(after, FILE), BODY.replace(/\n/g, '\r\n'));
  });

  it('updates a block whose BEGIN line has older wording to the current markers', () => {
    const old = `${SCRIPT}\n# BEGIN bbb-twilio (managed)\necho old\n${BLOCK_END}\n`;
    assert.equal(setMarkedBlock(old, FILE, 'echo new\n'), `${SCRIPT}\n${BLOCK_BEGIN}\necho new\n${BLOCK_END}\n`);
  });

  it('refuses a body that holds a marker line', () => {
    assert.throws(() => setMarkedBlock(SCRIPT, FILE, `echo\n${BLOCK_END}\n`), { name: 'TargetFileError' });
  });
});

describe('getMarkedBlock', () => {
  it('returns the body between the markers, or undefined without a block', () => {
    assert.equal(getMarkedBlock(setMarkedBlock(SCRIPT, FILE, BODY), FILE), BODY);
    assert.equal(getMarkedBlock(SCRIPT, FILE), undefined);
    assert.equal(getMarkedBlock(setMarkedBlock(SCRIPT, FILE, ''), FILE), '');
  });
});

describe('removeMarkedBlock', () => {
  it('gives back the original bytes after set', () => {
    for (const original of [SCRIPT, SCRIPT.replace(/\n/g, '\r\n'), '', '\n', `${SCRIPT}\n\n`, '#!/bin/bash\n']) {
      assert.equal(removeMarkedBlock(setMarkedBlock(original, FILE, BODY), FILE), original, JSON.stringify(original));
    }
  });

  it('gives back the original bytes after set, update and set again', () => {
    const once = setMarkedBlock(SCRIPT, FILE, BODY);
    const twice = setMarkedBlock(setMarkedBlock(once, FILE, 'echo changed\n'), FILE, BODY);
    assert.equal(twice, once);
    assert.equal(removeMarkedBlock(twice, FILE), SCRIPT);
  });

  it('keeps the lines after a block that is not at the end', () => {
    const text = `${SCRIPT}\n${BLOCK_BEGIN}\n${BODY}${BLOCK_END}\necho after\n`;
    assert.equal(removeMarkedBlock(text, FILE), `${SCRIPT}echo after\n`);
  });

  it('returns the identical string when there is no block', () => {
    assert.equal(removeMarkedBlock(SCRIPT, FILE), SCRIPT);
  });
});

describe('unbalanced markers', () => {
  const begin = `${BLOCK_BEGIN}\n`;
  const end = `${BLOCK_END}\n`;
  const cases: Array<[string, string, number, RegExp]> = [
    ['BEGIN without END', `${SCRIPT}${begin}echo\n`, 7, /has no "# END bbb-twilio" after it/],
    ['END before BEGIN', `${SCRIPT}${end}${begin}echo\n${end}`, 7, /has no "# BEGIN bbb-twilio" before it/],
    ['two BEGINs', `${SCRIPT}${begin}echo\n${begin}echo\n${end}`, 9, /two "# BEGIN bbb-twilio" markers \(lines 7 and 9\)/],
    ['two blocks', `${SCRIPT}${begin}${end}${begin}${end}`, 9, /a second bbb-twilio block starts on line 9/],
  ];
  for (const [what, text, line, message] of cases) {
    it(`refuses ${what}, with the line and a hint`, () => {
      for (const run of [() => getMarkedBlock(text, FILE), () => setMarkedBlock(text, FILE, BODY), () => removeMarkedBlock(text, FILE)]) {
        assert.throws(run, { name: 'TargetFileError', file: FILE, line, message, hint: /by hand/ });
      }
    });
  }
});
