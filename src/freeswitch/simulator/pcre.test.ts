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

  it('lets "." match \\r (PCRE stops only at \\n), and \\n too under (?s)', () => {
    assert.equal(matches('^a.b$', 'a\rb'), true);
    assert.equal(matches('^a.b$', 'a\nb'), false);
    assert.equal(matches('(?s)^a.b$', 'a\nb'), true);
  });

  it('treats only \\n as a line end under (?m)', () => {
    assert.equal(matches('(?m)^b', 'a\rb'), false);
    assert.equal(matches('(?m)a$', 'a\rb'), false);
    assert.equal(matches('(?m)^b$', 'a\nb\nc'), true);
  });

  it('keeps NBSP (0xa0) out of \\s, as PCRE\'s C-locale tables do', () => {
    assert.equal(matches('^\\s$', '\xa0'), false);
    assert.equal(matches('^[\\s]$', '\x0b'), true);
    assert.equal(matches('^\\S$', '\xa0'), true);
  });

  it('runs \\p{..} and \\P{..} on byte values, and refuses an unknown property as PCRE does', () => {
    assert.equal(matches('^\\p{L}+$', 'abc'), true);
    assert.equal(matches('^\\p{Lu}$', 'a'), false);
    assert.equal(matches('^[\\p{Nd}x]+$', '12x'), true);
    assert.equal(matches('^\\P{L}$', '1'), true);
    assert.equal(matches('^\\pL\\p{^L}$', 'a1'), true);
    assert.equal(matches('^\\p{Latin}$', 'a'), true);
    assert.match(translatePcre('\\p{Nope}').error ?? '', /PCRE refuses/);
    assert.match(translatePcre('\\x{263a}').error ?? '', /PCRE refuses/);
    assert.equal(translatePcre('(?i)\\p{Lu}').approximations.length, 1);
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
