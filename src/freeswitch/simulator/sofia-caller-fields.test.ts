import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callerIdName, profileClean, varChecked } from './sofia-caller-fields.js';

describe('caller data as sofia stores it', () => {
  it('turns a "$" before "{" into "%" and control characters into blanks (profile_dup_clean)', () => {
    assert.equal(profileClean('${system(id)}'), '%{system(id)}');
    assert.equal(profileClean('$${x} $\\{y}'), '$%{x} %\\{y}');
    assert.equal(profileClean('a\tb\nc'), 'a b\nc');
    assert.equal(profileClean('$(id) <b>'), '$(id) <b>');
  });

  it('URL-decodes and unquotes the display name, and falls back to the From user (check_decode)', () => {
    assert.equal(callerIdName('%24%7Bsystem(id)%7D', '+1'), '${system(id)}');
    assert.equal(callerIdName('"Alice" x', '+1'), 'Alice');
    assert.equal(callerIdName('', '+15145550199'), '+15145550199');
    assert.equal(callerIdName('', ''), 'unknown');
  });

  it('leaves unset a channel variable whose value holds "${"', () => {
    assert.deepEqual(varChecked({ a: '${x}', b: 'plain', c: '' }), { b: 'plain' });
  });
});
