import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExpandEnv } from './expand.js';
import { expandVariables } from './expand.js';

function env(vars: Record<string, string>, apis: Record<string, (args: string) => string> = {}): ExpandEnv & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    apiExpansion: true,
    getVariable: (name) => vars[name.toLowerCase()] ?? null,
    callApi: (name, args) => {
      calls.push(`${name}(${args})`);
      return apis[name] ? (apis[name] as (a: string) => string)(args) : null;
    },
  };
}

describe('channel variable expansion', () => {
  it('replaces ${var}, case-insensitively, and an unset one with nothing', () => {
    assert.equal(expandVariables('a=${Pin} b=${none}.', env({ pin: '123' })), 'a=123 b=.');
  });

  it('expands a variable\'s value again (a value holding ${...} is not inert)', () => {
    assert.equal(expandVariables('${outer}', env({ outer: 'x${inner}y', inner: 'I' })), 'xIy');
  });

  it('leaves text with neither ${ nor one of the escapes \\\\ \\n \\s \\t \\\' untouched, so a lone \\$ stays', () => {
    assert.equal(expandVariables('^\\$1 \\d', env({})), '^\\$1 \\d');
    assert.equal(expandVariables("it\\'s", env({})), 'its');
    assert.equal(expandVariables('\\$1 \\s', env({})), '$1 \\s');
    assert.equal(expandVariables('a\\\\b', env({})), 'a\\b');
    assert.equal(expandVariables('$\\{x}', env({})), '$\\{x}');
  });

  it('expands nested ${...} inside a name first', () => {
    assert.equal(expandVariables('${pin_${which}}', env({ which: 'b', pin_b: '42' })), '42');
  });

  it('takes substrings with ${var:offset:length}, negative offsets counting from the end', () => {
    const e = env({ n: '+16135550142' });
    assert.equal(expandVariables('${n:1:3}', e), '161');
    assert.equal(expandVariables('${n:-4}', e), '0142');
  });

  it('calls an API for ${name(args)} and for ${name args}, expanding the arguments first', () => {
    const e = env({ pin: '12345' }, { conference: (a) => `[${a}]`, regex: (a) => `<${a}>` });
    assert.equal(expandVariables('${conference ${pin} list}', e), '[12345 list]');
    assert.equal(expandVariables('${regex(${pin}|^1)}', e), '<12345|^1>');
    assert.deepEqual(e.calls, ['conference(12345 list)', 'regex(12345|^1)']);
  });

  it('ends the API arguments at the matching parenthesis', () => {
    const e = env({}, { cond: (a) => a });
    assert.equal(expandVariables('${cond(1 == 1 ? (a) : b)}tail', e), '1 == 1 ? (a) : btail');
  });

  it('keeps \\$ literal, turns \\\\ into \\, drops \\\', and leaves other backslashes', () => {
    const e = env({ x: 'X' });
    assert.equal(expandVariables('\\${x} ${x}', e), '${x} X');
    assert.equal(expandVariables('a\\\\b ${x}', e), 'a\\b X');
    assert.equal(expandVariables("it\\'s ${x}", e), 'its X');
    assert.equal(expandVariables('^\\d{5}$ ${x}', e), '^\\d{5}$ X');
  });

  it('returns text without ${ untouched, regex "$" included', () => {
    assert.equal(expandVariables('^(\\d{5,11})$', env({})), '^(\\d{5,11})$');
  });

  it('refuses API expansion when switch.conf turns it off', () => {
    const e = { ...env({}, { strftime: () => 'now' }), apiExpansion: false };
    assert.equal(expandVariables('${strftime(%Y)}', e), '<API Execute Permission Denied>');
  });
});
