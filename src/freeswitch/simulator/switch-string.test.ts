import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atoi, separateString, switchTrue } from './switch-string.js';

describe('switch_separate_string', () => {
  it('splits on a character, keeping the rest in the last part', () => {
    assert.deepEqual(separateString('a|b|c|d', '|', 3), ['a', 'b', 'c|d']);
  });

  it('keeps an escaped delimiter and unescapes \\s but leaves regex escapes such as \\d alone', () => {
    assert.deepEqual(separateString('x\\|y|^\\d+\\s$|z', '|', 3), ['x|y', '^\\d+ $', 'z']);
  });

  it('treats single-quoted text as one token and drops the quotes', () => {
    assert.deepEqual(separateString("a 'b c' d", ' ', 5), ['a', 'b c', 'd']);
  });

  it('trims blanks around tokens and collapses runs of blanks', () => {
    assert.deepEqual(separateString('  5   5 3 ', ' ', 11), ['5', '5', '3']);
  });

  it('switches delimiter with a leading ^^X', () => {
    assert.deepEqual(separateString('^^:a:b', ' ', 5), ['a', 'b']);
  });
});

describe('switch_true and atoi', () => {
  it('accepts the words and non-zero numbers FreeSWITCH accepts', () => {
    for (const v of ['true', 'YES', 'on', 't', 'enabled', 'active', 'allow', '1', '-2']) assert.equal(switchTrue(v), true, v);
    for (const v of ['false', 'no', '0', '', 'maybe']) assert.equal(switchTrue(v), false, v);
  });

  it('reads a leading integer like C atoi', () => {
    assert.equal(atoi(' 42abc'), 42);
    assert.equal(atoi('x'), 0);
    assert.equal(atoi('-7'), -7);
  });
});
