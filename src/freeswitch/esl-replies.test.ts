import assert from 'node:assert/strict';
import test from 'node:test';
import { judgeEslReply, parseCallsCount } from './esl-replies.js';

test('reloadxml: "+OK [Success]" is success; "+OK [<error>]" is FreeSWITCH failing to load its XML', () => {
  assert.deepEqual(judgeEslReply('reloadxml', '+OK [Success]\n'), { ok: true });
  assert.deepEqual(judgeEslReply('reloadxml', '+OK [Error on line 3]\n'), { ok: false, problem: 'FreeSWITCH could not load its XML: Error on line 3' });
  assert.equal(judgeEslReply('reloadxml', '-ERR something\n').ok, false);
});

test('sofia profile replies, each in its own wording', () => {
  assert.deepEqual(judgeEslReply('sofia profile bbb-twilio start', 'Reload XML [Success]\nbbb-twilio started successfully\n'), { ok: true });
  assert.equal(judgeEslReply('sofia profile bbb-twilio start', 'Reload XML [Success]\nFailure starting bbb-twilio\n').ok, false);
  assert.deepEqual(judgeEslReply('sofia profile bbb-twilio start', 'Reload XML [bad xml]\nbbb-twilio started successfully\n'), {
    ok: false,
    problem: 'FreeSWITCH could not load its XML: bad xml',
  });
  assert.deepEqual(judgeEslReply('sofia profile external rescan', 'Reload XML [Success]\n+OK scan complete\n'), { ok: true });
  assert.deepEqual(judgeEslReply('sofia profile external restart', 'Reload XML [Success]\nrestarting: external'), { ok: true });
  assert.equal(judgeEslReply('sofia profile external restart', 'Invalid Profile [external]').ok, false);
  const tooSoon = judgeEslReply('sofia profile bbb-twilio restart', 'Profile bbb-twilio must be up for at least 3 seconds to stop/restart.\nPlease wait 2 seconds\n');
  assert.equal(tooSoon.ok, false);
  assert.match(tooSoon.ok ? '' : tooSoon.problem, /run the command again in a few seconds/);
  assert.deepEqual(judgeEslReply('sofia profile bbb-twilio stop', 'Invalid Profile [bbb-twilio]'), { ok: true, note: 'the "bbb-twilio" profile was not running' });
  assert.deepEqual(judgeEslReply('sofia profile external killgw gw', '+OK gateway marked for deletion.\n'), { ok: true });
  assert.deepEqual(judgeEslReply('sofia profile external killgw gw', '-ERR no such gateway.\n'), { ok: true, note: 'the gateway was already gone' });
});

test('an answer that says neither success nor a known failure is a failure that quotes it', () => {
  assert.deepEqual(judgeEslReply('sofia profile external rescan', 'Reload XML [Success]\nsomething new\n'), {
    ok: false,
    problem: 'unexpected answer from FreeSWITCH: "something new"',
  });
  assert.deepEqual(judgeEslReply('sofia profile bbb-twilio start', '-ERR [esl-emulator] not emulated: x\n'), {
    ok: false,
    problem: 'FreeSWITCH answered "-ERR [esl-emulator] not emulated: x"',
  });
});

test('show calls count: "N total." or null', () => {
  assert.equal(parseCallsCount('\n3 total.\n'), 3);
  assert.equal(parseCallsCount('0 total.'), 0);
  assert.equal(parseCallsCount('-ERR no reply\n'), null);
});
