import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Channel } from './channel.js';
import { DtmfScript } from './dtmf-script.js';
import { parsePagdArgs, playAndGetDigits } from './play-and-get-digits.js';
import { VarStore } from './var-store.js';

const PIN = '5 5 3 7000 # conference/conf-pin.wav ivr/ivr-that_was_an_invalid_entry.wav pin ^\\d{5}$ 3000';

function run(data: string, keys: string) {
  const channel = new Channel(new VarStore(), { destination_number: '1000', context: 'test' });
  const dtmf = new DtmfScript(keys);
  const result = playAndGetDigits(parsePagdArgs(data), channel, dtmf);
  return { result, channel, dtmf, statuses: result.attempts.map((a) => `${a.digits}:${a.status}`) };
}

describe('play_and_get_digits', () => {
  it('parses its arguments with FreeSWITCH\'s floors: timeout at least 1000, "#" when no terminators', () => {
    const a = parsePagdArgs('4 2 1 500  x.wav');
    assert.equal(a.max, 4);
    assert.equal(a.timeout, 1000);
    assert.equal(a.terminators, 'x.wav');
    assert.equal(parsePagdArgs('1 1 1 5000').terminators, '#');
  });

  it('accepts a valid entry on the first try and sets the variable', () => {
    const { result, channel, statuses } = run(PIN, '12345#');
    assert.equal(result.value, '12345');
    assert.deepEqual(statuses, ['12345:valid']);
    assert.equal(channel.vars.get('pin'), '12345');
    assert.equal(channel.vars.get('read_result'), 'success');
    assert.equal(channel.earlyMedia, true);
  });

  it('plays the invalid prompt after a rejected entry and accepts the next valid one', () => {
    const { result, channel, statuses } = run('4 5 3 7000 # p.wav bad.wav pin ^1\\d+$', '2222#12345#');
    assert.deepEqual(statuses, ['2222:rejected', '12345:valid']);
    assert.equal(result.attempts[0]?.invalidPrompt, 'bad.wav');
    assert.equal(result.value, '12345');
    assert.equal(channel.vars.get('pin'), '12345');
    assert.equal(channel.vars.get('pin_invalid'), '2222');
  });

  it('treats too few digits before the terminator as an invalid try', () => {
    const { result, statuses } = run(PIN, '123#12345');
    assert.deepEqual(statuses, ['123:too-short', '12345:valid']);
    assert.equal(result.value, '12345');
  });

  it('ends an entry at the terminator without keeping it', () => {
    const { result, channel } = run('1 9 1 7000 # p.wav bad.wav pin ^\\d+$', '42#');
    assert.equal(result.value, '42');
    assert.equal(channel.vars.get('read_terminator_used'), '#');
  });

  it('times out when the caller stops pressing keys, accepting what reached the minimum', () => {
    const { result, statuses } = run('3 9 1 7000 # p.wav bad.wav pin ^\\d+$', '1234');
    assert.deepEqual(statuses, ['1234:valid']);
    assert.equal(result.attempts[0]?.stop, 'timeout');
  });

  it('times out an entry that stops short of max digits instead of running on into the next entry', () => {
    const { statuses } = run(PIN, '1234,12345#');
    assert.deepEqual(statuses, ['1234:too-short', '12345:valid']);
  });

  it('gives up after the last try, and keeps a too-short entry in the variable as FreeSWITCH does', () => {
    const { result, channel, statuses } = run(PIN, '1#22#333#4444#');
    assert.deepEqual(statuses, ['1:too-short', '22:too-short', '333:too-short']);
    assert.equal(result.value, null);
    assert.equal(channel.vars.get('pin'), '333');
  });

  it('unsets the variable when the regex rejects the last try', () => {
    const { channel } = run('5 5 1 7000 # p.wav bad.wav pin ^9\\d+$', '12345#');
    assert.equal(channel.vars.get('pin'), null);
    assert.equal(channel.vars.get('pin_invalid'), '12345');
  });

  it('counts an empty entry (no keys at all) as a try', () => {
    const { statuses } = run(PIN, '');
    assert.deepEqual(statuses, [':no-digits', ':no-digits', ':no-digits']);
  });

  it('leaves a key pressed after a maximum-length entry queued; as a terminator it ends the next entry empty', () => {
    const { statuses, result, channel } = run('5 5 3 7000 # p.wav bad.wav pin ^2\\d+$', '12345#22222#');
    // "#" after 12345 is still queued: it cuts the second prompt short and, being a terminator, ends that entry.
    assert.deepEqual(statuses, ['12345:rejected', ':no-digits', '22222:valid']);
    assert.equal(result.attempts[1]?.bargeIn, true);
    assert.equal(result.attempts[1]?.terminator, '#');
    assert.equal(channel.vars.get('read_terminator_used'), '#');
  });

  it('makes a queued digit that is not a terminator the first key of the next entry', () => {
    const { statuses } = run('5 5 2 7000 # p.wav bad.wav pin ^2\\d+$', '123456#');
    assert.deepEqual(statuses, ['12345:rejected', '6:too-short']);
  });

  it('tests the entry with switch_regex_match, whose larger ovector lets ten groups match', () => {
    const ten = '^' + '(\\d)'.repeat(10) + '$';
    assert.equal(run(`10 10 1 7000 # p.wav bad.wav pin ${ten}`, '0123456789#').result.value, '0123456789');
  });

  it('transfers on failure when told to', () => {
    const { result } = run('5 5 1 7000 # p.wav bad.wav pin ^\\d{5}$ 3000 goodbye XML other', '1#');
    assert.deepEqual(result.transferTo, ['goodbye', 'XML', 'other']);
  });
});
