import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callApi, condApi, regexApi } from './api-functions.js';
import { ConferenceState } from './conference-state.js';

const quiet = { report: (): void => undefined };

describe('${regex(...)}', () => {
  it('substitutes %1.. captures into the third argument', () => {
    assert.equal(regexApi('+16135550142|^\\+?\\d*(\\d{4})$|xxx-xxx-%1', quiet), 'xxx-xxx-0142');
  });

  it('returns the subject unchanged when a substitution does not match', () => {
    assert.equal(regexApi('anonymous|^\\+?\\d*(\\d{4})$|xxx-xxx-%1', quiet), 'anonymous');
  });

  it('answers true or false without a third argument', () => {
    assert.equal(regexApi('12345|^\\d{5}$', quiet), 'true');
    assert.equal(regexApi('1234|^\\d{5}$', quiet), 'false');
  });

  it('reads a fourth field of flags: without a match, "n" gives nothing and "b" gives false', () => {
    assert.equal(regexApi('anonymous|^\\+?\\d*(\\d{4})$|xxx-xxx-%1|n', quiet), '');
    assert.equal(regexApi('anonymous|^\\+?\\d*(\\d{4})$|xxx-xxx-%1|b', quiet), 'false');
    assert.equal(regexApi('+16135550142|^\\+?\\d*(\\d{4})$|xxx-xxx-%1|n', quiet), 'xxx-xxx-0142');
  });

  it('takes another separator with the m: form', () => {
    assert.equal(regexApi('m:~a|b~^a\\|(b)$~got %1', quiet), 'got b');
  });

  it('splits on every separator, so a "|" inside the subject shifts the arguments', () => {
    // subject "1", pattern "2", substitution "^\\d$|x": no match, so the subject comes back.
    assert.equal(regexApi('1|2|^\\d$|x', quiet), '1');
  });
});

describe('${cond(...)}', () => {
  it('compares numbers as numbers and other strings as strings', () => {
    assert.equal(condApi('1 == 1 ? yes : no'), 'yes');
    assert.equal(condApi('10 > 9 ? yes : no'), 'yes');
    assert.equal(condApi('abc == abc ? same : different'), 'same');
    assert.equal(condApi('abc != abd ? yes : no'), 'yes');
  });

  it('reads each side as one blank-free word or a quoted string, as cond_function does', () => {
    assert.equal(condApi('John Smith == anonymous ? hidden : shown'), '-ERR');
    assert.equal(condApi("'John Smith' == anonymous ? hidden : shown"), 'shown');
    assert.equal(condApi("'10' == 10.0 ? same : different"), 'different');
    assert.equal(condApi('1==1 ? yes : no'), '-ERR');
  });

  it('returns nothing for a false test without an else part, and -ERR without "?"', () => {
    assert.equal(condApi('1 == 2 ? yes'), '');
    assert.equal(condApi('1 == 1'), '-ERR');
  });
});

describe('${conference <name> list}', () => {
  const ctx = { conferences: ConferenceState.withWebAudioMembers(['12345']), now: new Date(0), modules: null, report: () => undefined };

  it('lists an active conference\'s members, one sofia channel per line', () => {
    const out = callApi('conference', '12345 list', ctx) ?? '';
    assert.match(out, /^1;sofia\/external\/[^;]+;[0-9a-f-]+;Web User;/);
    assert.ok(out.includes('/sofia/') || out.includes('sofia/'));
  });

  it('says -ERR Conference <name> not found for an inactive one', () => {
    assert.equal(callApi('conference', '99999 list', ctx), '-ERR Conference 99999 not found\n');
  });

  it('lists every conference for a bare "conference list" (what an empty PIN expands to)', () => {
    assert.match(callApi('conference', ' list', ctx) ?? '', /^\+OK Conference 12345 \(1 member/);
  });

  it('expands to nothing when the API\'s module is not loaded, and says so', () => {
    const reports: string[] = [];
    const r = callApi('conference', '12345 list', { ...ctx, modules: ['mod_dptools'], report: (w, d) => reports.push(`${w}: ${d}`) });
    assert.equal(r, null);
    assert.match(reports[0] ?? '', /mod_conference is not loaded/);
  });

  it('reports an API it does not emulate', () => {
    const reports: string[] = [];
    assert.equal(callApi('system', 'rm -rf /', { ...ctx, report: (w) => reports.push(w) }), null);
    assert.deepEqual(reports, ['api system']);
  });
});
