import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translatePcre } from './pcre.js';

function matches(pattern: string, subject: string): boolean {
  const t = translatePcre(pattern);
  assert.ok(t.regex, `${pattern}: ${t.error}`);
  return t.regex.test(subject);
}

describe('PCRE patterns translated to JavaScript', () => {
  it('turns a leading (?i) into a case-insensitive match', () => {
    assert.equal(matches('(?i)^anonymous$', 'ANONYMOUS'), true);
  });

  it('lets $ match before a final newline, as PCRE does without the D option', () => {
    assert.equal(matches('^abc$', 'abc\n'), true);
    assert.equal(matches('^abc\\z', 'abc\n'), false);
    assert.equal(matches('\\Aabc\\Z', 'abc\n'), true);
  });

  it('quotes \\Q..\\E literally', () => {
    assert.equal(matches('^\\Q1+1=2\\E$', '1+1=2'), true);
    assert.equal(matches('^\\Q1+1=2\\E$', '11=2'), false);
  });

  it('translates POSIX classes, \\h, named groups and a leading ] in a class', () => {
    assert.equal(matches('^[[:digit:]]{5}$', '12345'), true);
    assert.equal(matches('^a\\hb$', 'a\tb'), true);
    assert.equal(matches('^(?P<pin>\\d+)$', '42'), true);
    assert.equal(matches('^[]x]+$', ']x]'), true);
  });

  it('keeps look-ahead (BBB-style "(?!266696687$)") exactly', () => {
    assert.equal(matches('^\\+?(?!266696687$)\\d{4,15}$', '266696687'), false);
    assert.equal(matches('^\\+?(?!266696687$)\\d{4,15}$', '+16135550142'), true);
  });

  it('reports possessive quantifiers and atomic groups as approximations', () => {
    const t = translatePcre('^\\d++(?>a|ab)c$');
    assert.ok(t.regex);
    assert.equal(t.approximations.length, 2);
  });

  it('refuses what JavaScript cannot run: recursion, conditionals, \\K, verbs, inline option changes, variable look-behind', () => {
    for (const p of ['^(a(?R)?b)$', '(?(1)a|b)', 'foo\\Kbar', '(*FAIL)', 'a(?i)b', '(?<=a+)b']) {
      const t = translatePcre(p);
      assert.equal(t.regex, null, p);
      assert.ok(t.error, p);
    }
  });
});
