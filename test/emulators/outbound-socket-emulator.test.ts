// The outbound-socket emulator against a tiny scripted service: it must answer as the real FreeSWITCH does
// (test/real-freeswitch/outbound-socket-facts.test.ts proves those facts; the frame sequences asserted here are the
// ones seen there), and report what the service made of the call.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { closedPort } from '../support/ports.js';
import { ScriptedService, connectHeaders, contentType, eventHeader, eventName, type ServiceSession } from '../support/outbound-socket-service.js';
import { emulateCall, type ConferenceMember, type EmulateCallOptions, type EmulatedCall } from './outbound-socket-emulator.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe('outbound-socket emulator', () => {
  let service: ScriptedService;
  before(async () => {
    service = await ScriptedService.listen();
  });
  after(async () => {
    await service.close();
  });

  async function open(opts: Partial<EmulateCallOptions> = {}, linger = true): Promise<{ call: EmulatedCall; s: ServiceSession; connect: Record<string, string> }> {
    const call = emulateCall({ port: service.port, channel: { callerNumber: '+15551230001', destination: '+16135550142', callerName: 'Ann Caller', variables: { probe_var: 'a b&c%d' } }, playbackMs: 300, ...opts });
    const s = await service.nextSession();
    const connect = connectHeaders(await s.send('connect'));
    assert.equal((await s.send('myevents')).headers['Reply-Text'], '+OK Events Enabled');
    if (linger) assert.equal((await s.send('linger')).headers['Reply-Text'], '+OK will linger');
    return { call, s, connect };
  }

  const complete = (s: ServiceSession, appUuid: string, from = 0): Promise<unknown> =>
    s.waitEvent('CHANNEL_EXECUTE_COMPLETE', (f) => eventHeader(f, 'Application-UUID') === appUuid, 5_000, from);

  test('says nothing before connect; connect answers with the channel data as URL-encoded outer headers', async () => {
    const call = emulateCall({ port: service.port, channel: { callerNumber: '+15551230001', destination: '+16135550142', variables: { probe_var: 'a b&c%d' } } });
    const s = await service.nextSession();
    s.write('myevents\n\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(s.frames.length, 0);
    const raw = await s.send('connect');
    assert.equal(contentType(raw), 'command/reply');
    assert.equal(raw.headers['Reply-Text'], '%2BOK%0A');
    assert.equal(raw.headers['Caller-Caller-ID-Number'], '%2B15551230001');
    assert.equal(raw.headers['variable_probe_var'], 'a%20b%26c%25d');
    assert.deepEqual(Object.keys(raw.headers).slice(-4), ['Content-Type', 'Reply-Text', 'Socket-Mode', 'Control']);
    const h = connectHeaders(raw);
    assert.equal(h['Unique-ID'], call.uuid);
    assert.equal(h['Caller-Destination-Number'], '+16135550142');
    assert.equal(h['variable_socket_resume'], 'true');
    assert.equal((await s.send('myevents')).headers['Reply-Text'], '+OK Events Enabled', 'the early myevents was ignored');
    call.hangup();
    await call.outcome;
    s.close();
  });

  test('command replies are FreeSWITCH\'s', async () => {
    const { call, s } = await open({}, false);
    const replies: string[] = [];
    for (const cmd of ['nolinger', 'linger 10', 'myevents', 'event plain CHANNEL_EXECUTE DTMF', 'filter Unique-ID abc', 'filter delete Unique-ID abc', 'bogus', 'getvar socket_resume', 'resume']) {
      replies.push((await s.send(cmd)).headers['Reply-Text'] ?? '');
    }
    assert.deepEqual(replies, [
      '+OK will not linger',
      '+OK will linger 10 seconds',
      '-ERR aready enabled.',
      '+OK event listener enabled plain',
      '+OK filter added. [Unique-ID]=[abc]',
      '+OK filter deleted. [Unique-ID][abc]',
      '-ERR command not found',
      'true',
      '+OK',
    ]);
    const api = await s.send('api conference 99999 list');
    assert.equal(contentType(api), 'api/response');
    assert.equal(api.body, '-ERR Conference 99999 not found\n');
    call.hangup();
    await call.outcome;
    s.close();
  });

  test('execute: +OK, then CHANNEL_EXECUTE and CHANNEL_EXECUTE_COMPLETE named by our Event-UUID; apps and variables recorded', async () => {
    const { call, s } = await open();
    const from = s.frames.length;
    assert.equal((await s.execute('answer', '', { eventUuid: 'ours' })).headers['Reply-Text'], '+OK');
    await complete(s, 'ours', from);
    assert.deepEqual(s.summary(from), ['command/reply +OK', 'CHANNEL_EXECUTE answer', 'CHANNEL_EXECUTE_COMPLETE answer']);
    assert.equal(eventHeader(s.frames[from + 2]!, 'Application-Response'), '_none_');
    assert.equal(eventHeader(s.frames[from + 1]!, 'Application-UUID'), 'ours');
    await s.execute('set', 'x=1 2', { eventLock: true });
    await s.execute('unset', 'probe_var');
    await s.execute('set_profile_var', 'caller_id_name=Bob', { eventUuid: 'last' });
    await complete(s, 'last');
    assert.equal(call.variables.get('x'), '1 2');
    assert.equal(call.variables.has('probe_var'), false);
    assert.deepEqual(call.applications.map((a) => a.app), ['answer', 'set', 'unset', 'set_profile_var']);
    call.hangup();
    await call.outcome;
    s.close();
  });

  test('DTMF: events idle and during a playback; playback_terminators=any ends it after the DTMF event; a playback lasts its time otherwise', async () => {
    const { call, s } = await open({ playbackMs: 400 });
    let from = s.frames.length;
    await call.press('12', { gapMs: 20 });
    assert.deepEqual(s.frames.length > from ? [] : [], []);
    await s.waitEvent('DTMF', (f) => eventHeader(f, 'DTMF-Digit') === '2', 2_000, from);
    from = s.frames.length;
    let t0 = Date.now();
    await s.execute('playback', '/x/prompt.wav', { eventUuid: 'p1' });
    await call.press('4');
    await complete(s, 'p1', from);
    assert.ok(Date.now() - t0 >= 350);
    assert.deepEqual(s.summary(from), ['command/reply +OK', 'CHANNEL_EXECUTE playback', 'DTMF', 'CHANNEL_EXECUTE_COMPLETE playback']);
    await s.execute('set', 'playback_terminators=any', { eventUuid: 'set' });
    await complete(s, 'set');
    from = s.frames.length;
    t0 = Date.now();
    await s.execute('playback', '/x/prompt.wav', { eventUuid: 'p2' });
    await call.press('5');
    await complete(s, 'p2', from);
    assert.ok(Date.now() - t0 < 300);
    assert.deepEqual(s.summary(from), ['command/reply +OK', 'CHANNEL_EXECUTE playback', 'DTMF', 'CHANNEL_EXECUTE_COMPLETE playback']);
    const done = s.frames.at(-1)!;
    assert.equal(eventHeader(done, 'Application-Response'), 'FILE PLAYED');
    assert.equal(eventHeader(done, 'variable_playback_terminator_used'), '5');
    call.hangup();
    await call.outcome;
    s.close();
  });

  test('playbacks queue behind each other; local_stream:// and missing files are FILE NOT FOUND', async () => {
    const { call, s } = await open({ playbackMs: 100, missingFile: (f) => f.endsWith('missing.wav') });
    await s.execute('playback', 'local_stream://moh', { eventUuid: 'ls' });
    await s.execute('playback', '/x/missing.wav', { eventUuid: 'mf' });
    await s.execute('playback', '/x/a.wav', { eventUuid: 'a' });
    await s.execute('playback', '/x/b.wav', { eventUuid: 'b' });
    await complete(s, 'b');
    const completes = s.frames.filter((f) => eventName(f) === 'CHANNEL_EXECUTE_COMPLETE').map((f) => `${eventHeader(f, 'Application-UUID')} ${eventHeader(f, 'Application-Response')}`);
    assert.deepEqual(completes, ['ls FILE NOT FOUND', 'mf FILE NOT FOUND', 'a FILE PLAYED', 'b FILE PLAYED']);
    call.hangup();
    await call.outcome;
    s.close();
  });

  test('the join: socket_resume=false, bbb_authorized, transfer: BBB\'s conference apps run, add-member only with `event plain ALL`, caller listed', async () => {
    for (const withAll of [false, true]) {
      const conferences = new Map<string, ConferenceMember[]>([['12345', [{ uuid: 'web-1', name: 'Web User', number: 'w_1' }]]]);
      const { call, s } = await open({ conferences });
      if (withAll) await s.send('event plain ALL');
      const from = s.frames.length;
      await s.execute('playback', '/x/long.wav');
      await s.execute('set', 'socket_resume=false');
      await s.execute('set', 'bbb_authorized=true');
      await s.execute('transfer', '12345 XML default');
      assert.deepEqual(await call.outcome, { kind: 'transferred', to: '12345 XML default' });
      assert.equal(call.joined, '12345');
      await s.waitEvent('CHANNEL_EXECUTE', (f) => eventHeader(f, 'Application') === 'conference', 2_000, from);
      if (withAll) await s.waitEvent('CUSTOM conference::maintenance', () => true, 2_000, from);
      const names = s.summary(from).filter((n) => !n.startsWith('command/reply'));
      assert.deepEqual(names.slice(0, 13), [
        'CHANNEL_EXECUTE playback',
        'CHANNEL_EXECUTE set',
        'CHANNEL_EXECUTE_COMPLETE set',
        'CHANNEL_EXECUTE set',
        'CHANNEL_EXECUTE_COMPLETE set',
        'CHANNEL_EXECUTE transfer',
        'CHANNEL_EXECUTE_COMPLETE transfer',
        'CHANNEL_EXECUTE_COMPLETE playback',
        'CHANNEL_UNPARK',
        'CHANNEL_EXECUTE_COMPLETE socket',
        'CHANNEL_STATE',
        'CHANNEL_STATE',
        'CHANNEL_EXECUTE set',
      ]);
      assert.equal(names.includes('CHANNEL_EXECUTE conference'), true);
      assert.equal(names.includes('CUSTOM conference::maintenance add-member'), withAll);
      const list = await s.send('api conference 12345 list');
      assert.match(list.body, new RegExp(call.uuid));
      await call.press('1');
      await s.waitEvent('DTMF', () => true, 2_000, from);
      s.close();
      await call.closed;
      assert.equal(call.closedByService, true);
      assert.equal(call.joined, '12345', 'still in the conference after the socket closed');
    }
  });

  test('the trap: joined with socket_resume still true, the socket closes: stranded, out of the conference', async () => {
    const conferences = new Map<string, ConferenceMember[]>();
    const { call, s } = await open({ conferences });
    await s.execute('set', 'bbb_authorized=true');
    await s.execute('transfer', '12345 XML default');
    await s.waitEvent('CHANNEL_EXECUTE', (f) => eventHeader(f, 'Application') === 'conference', 2_000);
    s.close();
    assert.deepEqual(await call.outcome, { kind: 'stranded', to: '12345 XML default' });
    assert.equal(call.joined, null);
    assert.deepEqual(conferences.get('12345'), []);
  });

  test('a transfer without bbb_authorized finds no extension in default: hung up NO_ROUTE_DESTINATION; elsewhere just transferred', async () => {
    let { call, s } = await open();
    await s.execute('transfer', '12345 XML default');
    assert.deepEqual(await call.outcome, { kind: 'transferred', to: '12345 XML default' });
    await s.waitEvent('CHANNEL_HANGUP_COMPLETE', (f) => eventHeader(f, 'Hangup-Cause') === 'NO_ROUTE_DESTINATION', 2_000);
    s.close();
    ({ call, s } = await open());
    await s.execute('transfer', 'static_pin XML public');
    assert.deepEqual(await call.outcome, { kind: 'transferred', to: 'static_pin XML public' });
    assert.equal(call.joined, null);
    s.close();
  });

  test('the caller hangs up during a playback: FreeSWITCH\'s frames in order, with linger (service closes) and without (FreeSWITCH closes)', async () => {
    for (const linger of [true, false]) {
      const { call, s } = await open({ playbackMs: 5_000 }, linger);
      const from = s.frames.length;
      await s.execute('playback', '/x/long.wav', { eventUuid: 'pb' });
      call.hangup();
      const notice = await s.waitFrame('notice', (f) => contentType(f) === 'text/disconnect-notice', 2_000, from);
      assert.deepEqual(s.summary(from), [
        'command/reply +OK',
        'CHANNEL_EXECUTE playback',
        'CHANNEL_HANGUP',
        'CHANNEL_EXECUTE_COMPLETE playback',
        'CHANNEL_UNPARK',
        'CHANNEL_EXECUTE_COMPLETE socket',
        'CHANNEL_STATE',
        'CHANNEL_STATE',
        'CHANNEL_HANGUP_COMPLETE',
        'text/disconnect-notice',
      ]);
      assert.equal(eventHeader(s.frames[from + 3]!, 'Application-Response'), 'PLAYBACK ERROR');
      assert.deepEqual(await call.outcome, { kind: 'hung-up', cause: 'NORMAL_CLEARING', by: 'caller' });
      if (linger) {
        assert.equal(notice.headers['Content-Disposition'], 'linger');
        assert.equal(notice.headers['Linger-Time'], '-1');
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(s.closedAt, null);
        s.close();
        await call.closed;
        assert.equal(call.closedByService, true);
        await s.waitClosed(2_000);
        assert.equal(s.frames.at(-1)?.headers['Content-Disposition'], 'disconnect', 'the FIN is answered with a second notice');
      } else {
        assert.equal(notice.headers['Content-Disposition'], 'disconnect');
        assert.match(notice.body, /^Disconnected, goodbye\./);
        await s.waitClosed(2_000);
        assert.equal(call.closedByService, false);
      }
    }
  });

  test('idle hang-up with linger: the notice comes right after CHANNEL_HANGUP (as sched_hangup showed); sched_hangup and hangup are the service\'s', async () => {
    const { call, s } = await open();
    await s.execute('sched_hangup', '+1 ALLOTTED_TIMEOUT');
    assert.deepEqual(await call.outcome, { kind: 'hung-up', cause: 'ALLOTTED_TIMEOUT', by: 'service' });
    await s.waitEvent('CHANNEL_HANGUP_COMPLETE', () => true, 2_000);
    const names = s.summary().filter((n) => !n.startsWith('command/reply') && !n.includes('sched_hangup'));
    assert.deepEqual(names, ['CHANNEL_HANGUP', 'text/disconnect-notice', 'CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE socket', 'CHANNEL_STATE', 'CHANNEL_STATE', 'CHANNEL_HANGUP_COMPLETE']);
    s.close();
    const other = await open();
    other.s.write('sendmsg\ncall-command: hangup\nhangup-cause: USER_BUSY\n\n');
    assert.deepEqual(await other.call.outcome, { kind: 'hung-up', cause: 'USER_BUSY', by: 'service' });
    other.s.close();
  });

  test('an unknown application hangs the call up (DESTINATION_OUT_OF_ORDER) without EXECUTE events', async () => {
    const { call, s } = await open();
    const from = s.frames.length;
    await s.execute('no_such_app', 'x');
    assert.deepEqual(await call.outcome, { kind: 'hung-up', cause: 'DESTINATION_OUT_OF_ORDER', by: 'service' });
    assert.equal(s.summary(from).includes('CHANNEL_EXECUTE no_such_app'), false);
    s.close();
  });

  test('the service closes, or sends exit, while the caller is in the socket app: back to the dialplan, whatever socket_resume says', async () => {
    let { call, s } = await open();
    await s.execute('set', 'socket_resume=false');
    const from = s.frames.length;
    s.close();
    assert.deepEqual(await call.outcome, { kind: 'resumed' });
    await s.waitFrame('notice', (f) => contentType(f) === 'text/disconnect-notice', 2_000, from);
    assert.equal(call.closedByService, true);
    ({ call, s } = await open());
    assert.equal((await s.send('exit')).headers['Reply-Text'], '+OK bye');
    await s.waitClosed(2_000);
    assert.equal(contentType(s.frames.at(-1)!), 'text/disconnect-notice');
    assert.deepEqual(await call.outcome, { kind: 'resumed' });
  });

  test('uuid_break ends a playback, not an endless_playback; a transfer ends it', async () => {
    const { call, s } = await open({ playbackMs: 10_000, conferences: new Map() });
    await s.execute('playback', '/x/long.wav', { eventUuid: 'pb' });
    assert.equal((await s.send(`api uuid_break ${call.uuid}`)).body, '+OK\n');
    await complete(s, 'pb');
    const from = s.frames.length;
    await s.execute('endless_playback', '/x/moh.wav', { eventUuid: 'moh' });
    await s.send(`api uuid_break ${call.uuid} all`);
    await assert.rejects(s.waitEvent('CHANNEL_EXECUTE_COMPLETE', (f) => eventHeader(f, 'Application-UUID') === 'moh', 200, from), /timed out/);
    await s.execute('set', 'socket_resume=false');
    await s.execute('set', 'bbb_authorized=true');
    await s.execute('transfer', '12345 XML default');
    await complete(s, 'moh', from);
    assert.deepEqual(await call.outcome, { kind: 'transferred', to: '12345 XML default' });
    s.close();
  });

  test('api uuid_transfer while endless_playback plays: it ends, the socket app completes, no transfer app events', async () => {
    const { call, s } = await open();
    const from = s.frames.length;
    await s.execute('endless_playback', '/x/moh.wav', { eventUuid: 'moh' });
    assert.equal((await s.send(`api uuid_transfer ${call.uuid} static_pin XML public`)).body, '+OK\n');
    assert.deepEqual(await call.outcome, { kind: 'transferred', to: 'static_pin XML public' });
    // The api reply follows the events the transfer caused, on the same ordered stream.
    assert.deepEqual(s.summary(from).filter((n) => !n.startsWith('command/reply') && n !== 'api/response'), [
      'CHANNEL_EXECUTE endless_playback',
      'CHANNEL_EXECUTE_COMPLETE endless_playback',
      'CHANNEL_UNPARK',
      'CHANNEL_EXECUTE_COMPLETE socket',
      'CHANNEL_STATE',
      'CHANNEL_STATE',
    ]);
    s.close();
  });

  test('drop: the connection is reset, no notice; nothing listening: the dialplan goes on', async () => {
    const { call, s } = await open();
    const from = s.frames.length;
    call.drop();
    await s.waitClosed(2_000);
    assert.deepEqual(s.summary(from), []);
    assert.deepEqual(await call.outcome, { kind: 'dropped' });
    const nobody = emulateCall({ port: await closedPort(), channel: { callerNumber: '+1555', destination: '+1613' } });
    assert.deepEqual(await nobody.outcome, { kind: 'resumed' });
  });

  test('sendGarbage writes bytes that are not the protocol', async () => {
    const { call, s } = await open();
    const before = s.raw.length;
    call.sendGarbage();
    await s.waitClosed(2_000);
    assert.match(s.raw.slice(before), /SSH-2\.0/);
    assert.match(s.protocolError ?? '', /Name: value/);
    await call.closed;
    assert.equal(call.closedByService, true);
  });

  test('500 concurrent calls, each answered, a prompt played and hung up, finish quickly', async () => {
    const many = await ScriptedService.listen();
    const t0 = Date.now();
    const calls = Array.from({ length: 500 }, (_, i) => emulateCall({ port: many.port, channel: { callerNumber: `+1555${i}`, destination: '+1613' }, playbackMs: 50 }));
    await Promise.all(
      calls.map(async () => {
        const s = await many.nextSession();
        await s.send('connect');
        await s.send('myevents');
        await s.execute('playback', '/x/p.wav', { eventUuid: 'p' });
        await s.waitEvent('CHANNEL_EXECUTE_COMPLETE', () => true, 10_000);
        await s.execute('hangup', 'NORMAL_CLEARING');
        await s.waitClosed(10_000);
      }),
    );
    const outcomes = await Promise.all(calls.map((c) => c.outcome));
    assert.ok(outcomes.every((o) => o.kind === 'hung-up' && o.by === 'service'));
    assert.ok(Date.now() - t0 < 15_000, `${Date.now() - t0} ms`);
    await many.close();
  });

  test('works from a separate Node process', async () => {
    const script = `
      import { emulateCall } from ${JSON.stringify(path.join(HERE, 'outbound-socket-emulator.ts'))};
      const call = emulateCall({ port: Number(process.argv[1]), channel: { callerNumber: '+15550001', destination: '+1613' } });
      call.outcome.then((o) => { console.log(JSON.stringify(o)); });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, String(service.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const s = await service.nextSession(20_000);
    const h = connectHeaders(await s.send('connect'));
    assert.equal(h['Caller-Caller-ID-Number'], '+15550001');
    s.close();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out.trim()), { kind: 'resumed' });
  });
});
