import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performSubstitution, regexPerform } from './regex-perform.js';

describe('switch_regex_perform', () => {
  it('returns PCRE\'s count: one more than the highest group that took part', () => {
    assert.equal(regexPerform('12345', '^(\\d)(\\d)(x)?').match?.count, 3);
    assert.equal(regexPerform('12345', '^\\d+$').match?.count, 1);
    assert.equal(regexPerform('abc', '^\\d+$').match, null);
  });

  it('finds no match when a capture above $9 takes part (FreeSWITCH\'s ovector holds 10)', () => {
    const ten = '^' + '(\\d)'.repeat(10) + '$';
    assert.equal(regexPerform('0123456789', ten).match, null);
    assert.equal(regexPerform('012345678', '^' + '(\\d)'.repeat(9) + '$').match?.count, 10);
  });

  it('matches bytes, not characters, as PCRE without UTF-8 does', () => {
    assert.equal(regexPerform('é', '^.$').match, null);
    assert.equal(regexPerform('é', '^..$').match?.count, 1);
    assert.equal(regexPerform('é', '^\\p{L}+$').match, null); // bytes 0xc3 (Ã, a letter) and 0xa9 (©, a symbol)
    assert.deepEqual(regexPerform('José', '^(.*)$').match?.groups, ['José', 'José']);
  });

  it('reads "/re/i" as a caseless expression', () => {
    assert.ok(regexPerform('ABC', '/^abc$/i').match);
    assert.equal(regexPerform('ABC', '/^abc$/').match, null);
  });

  it('turns an Asterisk-style "_NXX." pattern into an anchored PCRE, as switch_ast2regex does', () => {
    assert.equal(regexPerform('2125', '_NXXX').match?.count, 1);
    assert.equal(regexPerform('1125', '_NXXX').match, null);
    assert.equal(regexPerform('0123456', '_0Z.').match?.count, 1);
    assert.equal(regexPerform('11', '_1+').match?.count, 1);
  });
});

describe('switch_perform_substitution', () => {
  const m = regexPerform('+16135550142', '^\\+?(\\d)(\\d{3})(\\d{3})(\\d{4})$').match;

  it('replaces $n and ${n}, leaves "$" before a non-digit, and drops groups past the count', () => {
    assert.ok(m);
    assert.equal(performSubstitution('$1-${2}-$3-$4 $x $9', m, '+16135550142'), '1-613-555-0142 $x ');
  });

  it('keeps the digits of a "${n" without its brace for the next $n, as the C index buffer does', () => {
    assert.ok(m);
    // "${1x" emits "1x" and leaves "1" in the buffer, so "$2" then reads capture 12 (past the count: nothing).
    assert.equal(performSubstitution('${1x $2', m, '+16135550142'), '1x ');
  });

  it('stops at the buffer the caller allocates: (data + subject + 10) bytes per capture count', () => {
    const all = regexPerform('abcdefghij', '^(.*)$').match;
    assert.ok(all);
    // room = (20 + 10 + 10) * 2 - 1 = 79 bytes of the 100 that ten copies of $1 would give
    assert.equal(performSubstitution('$1'.repeat(10), all, 'abcdefghij'), 'abcdefghij'.repeat(8).slice(0, 79));
  });
});
