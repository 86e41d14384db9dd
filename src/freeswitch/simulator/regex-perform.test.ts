import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performSubstitution, regexPerform } from './regex-perform.js';

describe('switch_regex_perform', () => {
  it('returns PCRE\'s count: one more than the highest group that took part', () => {
    assert.equal(regexPerform('12345', '^(\\d)(\\d)(x)?').match?.count, 3);
    assert.equal(regexPerform('12345', '^\\d+$').match?.count, 1);
    assert.equal(regexPerform('abc', '^\\d+$').match, null);
  });

  it('reads "/re/i" as a caseless expression', () => {
    assert.ok(regexPerform('ABC', '/^abc$/i').match);
    assert.equal(regexPerform('ABC', '/^abc$/').match, null);
  });

  it('does not emulate Asterisk-style "_NXX" patterns and says so', () => {
    const r = regexPerform('2125', '_NXXX');
    assert.equal(r.match, null);
    assert.equal(r.failed, true);
    assert.match(r.problem ?? '', /Asterisk/);
  });
});

describe('switch_perform_substitution', () => {
  const m = regexPerform('+16135550142', '^\\+?(\\d)(\\d{3})(\\d{3})(\\d{4})$').match;

  it('replaces $n and ${n}, leaves "$" before a non-digit, and drops groups past the count', () => {
    assert.ok(m);
    assert.equal(performSubstitution('$1-${2}-$3-$4 $x $9', m), '1-613-555-0142 $x ');
  });
});
