import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapePropertyValue, getProperty, removeProperty, setProperty } from './properties.js';

// Modelled on BBB's /etc/bigbluebutton/bbb-web.properties.
const WEB = [
  '#',
  '# Use this file to override default entries in /usr/share/bbb-web/WEB-INF/classes/bigbluebutton.properties',
  '#',
  '',
  'bigbluebutton.web.serverURL=https://bbb.example.org',
  'securitySalt=0123456789abcdef0123456789abcdef01234567',
  'defaultNumDigitsForTelVoice=5',
  '',
].join('\n');

const FOOTER =
  '<br><br>To join this meeting by phone, dial:<br>  <a href="tel:+16135550142">+1 613 555 0142</a><br>Then enter %%CONFNUM%% as the PIN.';

describe('getProperty', () => {
  it('reads a value, and undefined for a missing key', () => {
    assert.equal(getProperty(WEB, 'defaultNumDigitsForTelVoice'), '5');
    assert.equal(getProperty(WEB, 'defaultDialAccessNumber'), undefined);
  });

  it('lets the last definition win, as Java does', () => {
    assert.equal(getProperty('a=1\na=2\n', 'a'), '2');
  });

  it('unescapes continuation lines and \\u escapes', () => {
    assert.equal(getProperty('city = Z\\u00fcr\\\n    ich\n', 'city'), 'Zürich');
  });
});

describe('setProperty', () => {
  it('replaces the value and keeps every other byte', () => {
    const after = setProperty(WEB, 'defaultNumDigitsForTelVoice', '9');
    assert.equal(after, WEB.replace('defaultNumDigitsForTelVoice=5', 'defaultNumDigitsForTelVoice=9'));
  });

  it('returns the identical string when the value is already set', () => {
    assert.equal(setProperty(WEB, 'securitySalt', '0123456789abcdef0123456789abcdef01234567'), WEB);
    const escaped = 'city=Z\\u00FCrich\n';
    assert.equal(setProperty(escaped, 'city', 'Zürich'), escaped);
  });

  it('appends a missing key at the end', () => {
    assert.equal(setProperty(WEB, 'defaultDialAccessNumber', '+16135550142'), `${WEB}defaultDialAccessNumber=+16135550142\n`);
  });

  it('adds a line break before appending to a file that does not end with one', () => {
    assert.equal(setProperty('a=1', 'b', '2'), 'a=1\nb=2\n');
    assert.equal(setProperty('', 'b', '2'), 'b=2\n');
  });

  it('keeps CRLF line endings when replacing and appending', () => {
    const crlf = WEB.replace(/\n/g, '\r\n');
    assert.equal(setProperty(crlf, 'defaultNumDigitsForTelVoice', '9'), crlf.replace('TelVoice=5', 'TelVoice=9'));
    assert.equal(setProperty(crlf, 'defaultDialAccessNumber', '613-555-0142'), `${crlf}defaultDialAccessNumber=613-555-0142\r\n`);
    assert.equal(setProperty('a=1\r\nb=2', 'c', '3'), 'a=1\r\nb=2\r\nc=3\r\n');
  });

  it('keeps each line\'s own line ending in a file with mixed endings', () => {
    const mixed = 'a=1\r\nb=2\nc=3\r\n';
    assert.equal(setProperty(mixed, 'b', '20'), 'a=1\r\nb=20\nc=3\r\n');
  });

  it('round-trips the welcome footer HTML and non-ASCII text', () => {
    for (const value of [FOOTER, 'Zürich', 'Dial ☎ +1 613 555 0142', '😀 emoji']) {
      const after = setProperty(WEB, 'defaultWelcomeMessageFooter', value);
      assert.equal(getProperty(after, 'defaultWelcomeMessageFooter'), value);
      assert.match(after, /^[\x09\x0a\x0d\x20-\x7e]*$/, 'the file stays pure ASCII');
      const replaced = setProperty(after, 'defaultWelcomeMessageFooter', `${value}!`);
      assert.equal(getProperty(replaced, 'defaultWelcomeMessageFooter'), `${value}!`);
    }
  });

  it('writes the footer readably: only the characters .properties needs are escaped', () => {
    const after = setProperty(WEB, 'defaultWelcomeMessageFooter', FOOTER);
    assert.ok(after.endsWith(`defaultWelcomeMessageFooter=${FOOTER}\n`));
  });

  it('round-trips backslashes, leading spaces, tabs and line breaks', () => {
    for (const value of ['C:\\path\\', '  two leading spaces', 'tab\there', 'line\nbreak\r\n', '', ' ', '#not a comment', '=:!']) {
      assert.equal(getProperty(setProperty(WEB, 'x', value), 'x'), value, JSON.stringify(value));
      assert.equal(getProperty(setProperty('x=old\n', 'x', value), 'x'), value, JSON.stringify(value));
    }
  });

  it('keeps the indentation, key spelling and separator of the existing line', () => {
    assert.equal(setProperty('  key : old\n', 'key', 'new'), '  key : new\n');
    assert.equal(setProperty('key   old\n', 'key', 'new'), 'key   new\n');
    assert.equal(setProperty('key\n', 'key', 'new'), 'key=new\n');
    assert.equal(setProperty('my\\ key=old\n', 'my key', 'new'), 'my\\ key=new\n');
  });

  it('escapes a leading "=" or ":" that Java would take for the separator', () => {
    for (const value of ['=x', ':x', ' =x']) {
      assert.equal(getProperty(setProperty('key   old\n', 'key', value), 'key'), value);
      assert.equal(getProperty(setProperty('key\n', 'key', value), 'key'), value);
    }
  });

  it('replaces a value that spans continuation lines with a single line', () => {
    const text = 'a=1\nlong=first \\\n    second\nb=2\n';
    assert.equal(setProperty(text, 'long', 'short'), 'a=1\nlong=short\nb=2\n');
  });

  it('replaces every definition of a duplicated key', () => {
    assert.equal(setProperty('a=1\nb=2\na=3\n', 'a', '4'), 'a=4\nb=2\na=4\n');
  });

  it('does not let an appended key join a trailing continuation line', () => {
    const after = setProperty('a=b\\\n', 'c', 'd');
    assert.equal(getProperty(after, 'a'), 'b');
    assert.equal(getProperty(after, 'c'), 'd');
  });

  it('keeps a byte order mark in front of the first property', () => {
    assert.equal(setProperty('\uFEFFa=1\n', 'a', '2'), '\uFEFFa=2\n');
  });
});

describe('removeProperty', () => {
  it('removes the line defining the key and nothing else', () => {
    assert.equal(removeProperty(WEB, 'securitySalt'), WEB.replace('securitySalt=0123456789abcdef0123456789abcdef01234567\n', ''));
  });

  it('removes continuation lines and every definition', () => {
    assert.equal(removeProperty('a=1\nx=first \\\n  second\nb=2\nx=3', 'x'), 'a=1\nb=2\n');
  });

  it('returns the identical string when the key is absent', () => {
    assert.equal(removeProperty(WEB, 'nope'), WEB);
  });

  it('undoes an append exactly', () => {
    assert.equal(removeProperty(setProperty(WEB, 'defaultDialAccessNumber', '613-555-0142'), 'defaultDialAccessNumber'), WEB);
  });
});

describe('escapePropertyValue', () => {
  it('escapes only what Java needs to read the value back', () => {
    assert.equal(escapePropertyValue(' a b\\c\td\ne=f:g#h!'), '\\ a b\\\\c\\td\\ne=f:g#h!');
    assert.equal(escapePropertyValue('Zürich'), 'Z\\u00FCrich');
  });
});
