// What FreeSWITCH 1.10.12 really does on an outbound event socket (`socket HOST:PORT async full`), proven on BBB's
// 3.0 reference tree: the call service and its emulator (test/emulators/outbound-socket-emulator.ts) rely on these.
// A tiny scripted service (test/support/outbound-socket-service.ts) plays the service; the carrier calls a test
// extension in the public context: answer, set socket_resume=true, socket, then a fallback (the static PIN flow's place).
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { header, prepareServerTree, skipWithoutFreeswitch, sleep, startFreeswitch, type RunningFreeswitch } from '../support/real-freeswitch.js';
import { joinWebUser, placeCall, type RealCall } from '../support/real-freeswitch-calls.js';
import {
  ScriptedService,
  connectHeaders,
  socketTestExtension,
  contentType,
  eventHeader,
  eventName,
  type ReceivedFrame,
  type ServiceSession,
} from '../support/outbound-socket-service.js';
import { writeToneWav } from '../support/wav-file.js';

const PIN = '12345';
const TONE_SECONDS = 4;

describe('real FreeSWITCH: the outbound event socket', { skip: skipWithoutFreeswitch(), concurrency: false }, () => {
  let fsw: RunningFreeswitch;
  let service: ScriptedService;
  let wavDir: string;
  /** A WAV outside the sounds dir (fact 10: playback by absolute path works). */
  let TONE = '';
  let nextNumber = 1;

  before(async () => {
    service = await ScriptedService.listen();
    wavDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-socket-wav-'));
    TONE = path.join(wavDir, 'tone.wav');
    await writeToneWav(TONE, TONE_SECONDS);
    const tree = await prepareServerTree({ kind: 'reference', version: '3.0' });
    await fs.writeFile(path.join(tree.conf, 'dialplan/public/00_test_socket.xml'), socketTestExtension(service.port));
    fsw = await startFreeswitch(tree);
    await joinWebUser(fsw, PIN);
  });

  after(async () => {
    await fsw?.stop();
    await service?.close();
    if (wavDir) await fs.rm(wavDir, { recursive: true, force: true });
  });

  /** A call into the socket: connected, `myevents` and (unless told otherwise) `linger` sent. */
  async function openCall(opts: { linger?: boolean; from?: string | null } = {}): Promise<{ call: RealCall; s: ServiceSession; uuid: string; connect: Record<string, string> }> {
    const n = nextNumber++;
    const call = await placeCall(fsw, { to: `sock${n}`, from: opts.from === undefined ? `+1555123${String(n).padStart(4, '0')}` : opts.from, profile: 'external', via: 'rogue' });
    const s = await service.nextSession();
    const connect = connectHeaders(await s.send('connect'));
    assert.equal((await s.send('myevents')).headers['Reply-Text'], '+OK Events Enabled');
    if (opts.linger !== false) assert.equal((await s.send('linger')).headers['Reply-Text'], '+OK will linger');
    return { call, s, uuid: connect['Unique-ID'] as string, connect };
  }

  const appOf = (f: ReceivedFrame): string | undefined => eventHeader(f, 'Application');
  const completeOf = (s: ServiceSession, appUuid: string, from: number, timeoutMs = 15_000): Promise<ReceivedFrame> =>
    s.waitEvent('CHANNEL_EXECUTE_COMPLETE', (f) => eventHeader(f, 'Application-UUID') === appUuid, timeoutMs, from);
  const inConference = async (uuid: string): Promise<boolean> => (await fsw.api(`conference ${PIN} list`)).includes(uuid);
  const appsRun = (uuid: string): string[] =>
    fsw.events.all.filter((e) => header(e, 'Unique-ID') === uuid && header(e, 'Event-Name') === 'CHANNEL_EXECUTE').map((e) => `${header(e, 'Application')} ${header(e, 'Application-Data') ?? ''}`.trim());
  const press = async (call: RealCall, digits: string): Promise<void> => {
    assert.match(await fsw.api(`uuid_send_dtmf ${call.carrierUuid} ${digits}`), /^\+OK/);
  };

  test('connect: one command/reply frame, no body, the channel data as URL-encoded outer headers; myevents alone delivers plain events', async () => {
    const { call, s, connect } = await openCall({ from: '+15551239999' });
    const raw = s.frames[0] as ReceivedFrame;
    assert.equal(contentType(raw), 'command/reply');
    assert.equal(raw.body, '');
    assert.equal(raw.headers['Reply-Text'], '%2BOK%0A', 'even Reply-Text is URL-encoded in the connect reply');
    assert.equal(raw.headers['Caller-Caller-ID-Number'], '%2B15551239999');
    assert.equal(raw.headers['variable_probe_var'], 'a%20b%26c%25d');
    assert.equal(connect['Socket-Mode'], 'async');
    assert.equal(connect['Control'], 'full');
    assert.equal(connect['Event-Name'], 'CHANNEL_DATA');
    assert.match(connect['Unique-ID'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(connect['Caller-Destination-Number'], 'sock1');
    assert.equal(connect['variable_socket_resume'], 'true');
    assert.equal(connect['Answer-State'], 'answered');
    // The last outer headers are the reply's own.
    assert.deepEqual(Object.keys(raw.headers).slice(-4), ['Content-Type', 'Reply-Text', 'Socket-Mode', 'Control']);

    const from = s.frames.length;
    const reply = await s.execute('answer', '', { eventUuid: 'our-answer' });
    assert.equal(reply.headers['Reply-Text'], '+OK');
    const done = await completeOf(s, 'our-answer', from);
    assert.equal(contentType(done), 'text/event-plain');
    assert.equal(eventHeader(done, 'Application-Response'), '_none_');
    // (The socket app's CHANNEL_PARK may come this late under load.)
    assert.deepEqual(s.summary(from).filter((n) => n !== 'CHANNEL_PARK'), ['command/reply +OK', 'CHANNEL_EXECUTE answer', 'CHANNEL_EXECUTE_COMPLETE answer']);
    const started = s.frames.slice(from).find((f) => eventName(f) === 'CHANNEL_EXECUTE') as ReceivedFrame;
    assert.equal(eventHeader(started, 'Application-UUID'), 'our-answer');

    const api = await s.send(`api conference 99999 list`);
    assert.equal(contentType(api), 'api/response');
    assert.equal(api.body, '-ERR Conference 99999 not found\n');
    assert.equal(api.headers['Content-Length'], String(Buffer.byteLength(api.body)));
    await call.hangup();
  });

  test('command replies: linger variants, a second myevents, event, filter, an unknown command, getvar', async () => {
    const { call, s } = await openCall({ linger: false });
    const replies: Record<string, string> = {};
    for (const cmd of ['nolinger', 'linger 10', 'myevents', 'event plain CHANNEL_EXECUTE DTMF', 'filter Unique-ID abc', 'filter delete Unique-ID abc', 'bogus', 'getvar socket_resume']) {
      replies[cmd] = (await s.send(cmd)).headers['Reply-Text'] ?? '';
    }
    assert.deepEqual(replies, {
      nolinger: '+OK will not linger',
      'linger 10': '+OK will linger 10 seconds',
      myevents: '-ERR aready enabled.',
      'event plain CHANNEL_EXECUTE DTMF': '+OK event listener enabled plain',
      'filter Unique-ID abc': '+OK filter added. [Unique-ID]=[abc]',
      'filter delete Unique-ID abc': '+OK filter deleted. [Unique-ID][abc]',
      bogus: '-ERR command not found',
      'getvar socket_resume': 'true',
    });
    await call.hangup();
  });

  test('DTMF: delivered idle and during playback; playback_terminators=any ends a playback and the digit still arrives first; idle digits do not cut a later playback', async () => {
    const { call, s } = await openCall();
    let from = s.frames.length;
    await press(call, '3');
    const idle = await s.waitEvent('DTMF', () => true, 10_000, from);
    assert.equal(eventHeader(idle, 'DTMF-Digit'), '3');

    from = s.frames.length;
    let t0 = Date.now();
    await s.execute('playback', TONE, { eventUuid: 'pb-plain' });
    await sleep(800);
    await press(call, '4');
    let done = await completeOf(s, 'pb-plain', from);
    assert.ok(Date.now() - t0 > (TONE_SECONDS - 0.5) * 1000, 'without terminators a digit does not stop the playback');
    assert.deepEqual(s.summary(from), ['command/reply +OK', 'CHANNEL_EXECUTE playback', 'DTMF', 'CHANNEL_EXECUTE_COMPLETE playback']);
    assert.equal(eventHeader(done, 'Application-Response'), 'FILE PLAYED');

    from = s.frames.length;
    await s.execute('set', 'playback_terminators=any', { eventUuid: 'set-terminators' });
    await completeOf(s, 'set-terminators', from);
    from = s.frames.length;
    t0 = Date.now();
    await s.execute('playback', TONE, { eventUuid: 'pb-any' });
    await sleep(800);
    await press(call, '5');
    done = await completeOf(s, 'pb-any', from);
    assert.ok(Date.now() - t0 < (TONE_SECONDS - 1) * 1000, 'the digit ends the playback');
    assert.deepEqual(s.summary(from), ['command/reply +OK', 'CHANNEL_EXECUTE playback', 'DTMF', 'CHANNEL_EXECUTE_COMPLETE playback']);
    assert.equal(eventHeader(done, 'Application-Response'), 'FILE PLAYED');
    assert.equal(eventHeader(done, 'variable_playback_terminator_used'), '5');

    from = s.frames.length;
    await press(call, '67');
    await s.waitEvent('DTMF', (f) => eventHeader(f, 'DTMF-Digit') === '7', 10_000, from);
    t0 = Date.now();
    await s.execute('playback', TONE, { eventUuid: 'pb-after-idle-digits' });
    await completeOf(s, 'pb-after-idle-digits', from);
    assert.ok(Date.now() - t0 > (TONE_SECONDS - 0.5) * 1000, 'digits pressed while idle are not queued against the next playback');
    await call.hangup();
  });

  test('hand-back: resume, then the service closes: the dialplan goes on after `socket`', async () => {
    const { call, s, uuid } = await openCall();
    assert.equal((await s.send('resume')).headers['Reply-Text'], '+OK');
    const from = s.frames.length;
    s.close();
    await call.waitForApp('park');
    assert.ok(appsRun(uuid).includes('set probe_fallback=reached'), appsRun(uuid).join(' | '));
    await s.waitFrame('the disconnect notice', (f) => contentType(f) === 'text/disconnect-notice', 5_000, from);
    await call.hangup();
  });

  test('socket_resume=false does not hang up an idle caller: when the service closes, the dialplan goes on all the same', async () => {
    const { call, s, uuid } = await openCall();
    const from = s.frames.length;
    await s.execute('set', 'socket_resume=false', { eventUuid: 'resume-off' });
    await completeOf(s, 'resume-off', from);
    s.close();
    await call.waitForApp('park');
    assert.ok(appsRun(uuid).includes('set probe_fallback=reached'), appsRun(uuid).join(' | '));
    assert.equal((await fsw.api(`uuid_exists ${uuid}`)).trim(), 'true');
    await call.hangup();
  });

  test('exit while idle with socket_resume=true: "+OK bye", a disconnect notice, FreeSWITCH closes, the dialplan goes on', async () => {
    const { call, s, uuid } = await openCall();
    assert.equal((await s.send('exit')).headers['Reply-Text'], '+OK bye');
    await s.waitClosed(5_000);
    assert.equal(contentType(s.frames.at(-1) as ReceivedFrame), 'text/disconnect-notice');
    await call.waitForApp('park');
    assert.ok(appsRun(uuid).includes('set probe_fallback=reached'));
    await call.hangup();
  });

  test('the join with socket_resume=false: the caller stays in the conference when the service closes at once', async () => {
    const { call, s, uuid } = await openCall();
    await s.execute('playback', TONE);
    await sleep(500);
    await s.execute('set', 'socket_resume=false');
    await s.execute('set', 'bbb_authorized=true');
    await s.execute('transfer', `${PIN} XML default`);
    s.close();
    await call.waitForApp('conference');
    await sleep(2_000);
    assert.ok(await inConference(uuid), 'caller in the conference');
    await call.hangup();
  });

  test('the trap: with socket_resume=true, closing the socket after the join throws the caller out of the conference', async () => {
    const { call, s, uuid } = await openCall();
    await s.execute('set', 'bbb_authorized=true');
    await s.execute('transfer', `${PIN} XML default`);
    await s.waitEvent('CHANNEL_EXECUTE', (f) => appOf(f) === 'conference', 10_000);
    await sleep(1_000);
    assert.ok(await inConference(uuid));
    s.close();
    await fsw.events.waitFor('del-member', (e) => header(e, 'Unique-ID') === uuid && header(e, 'Action') === 'del-member', 5_000);
    assert.equal(await inConference(uuid), false);
    assert.equal((await fsw.api(`uuid_exists ${uuid}`)).trim(), 'true', 'the channel stays up, out of the conference');
    await call.hangup();
  });

  test('after the join the socket still gets the caller\'s DTMF; conference events only with `event plain ALL`; exit and a dying service leave the caller in', async () => {
    for (const withAll of [false, true]) {
      const { call, s, uuid } = await openCall();
      if (withAll) assert.equal((await s.send('event plain ALL')).headers['Reply-Text'], '+OK event listener enabled plain');
      const from = s.frames.length;
      await s.execute('set', 'socket_resume=false');
      await s.execute('set', 'bbb_authorized=true');
      await s.execute('transfer', `${PIN} XML default`);
      await s.waitEvent('CHANNEL_EXECUTE', (f) => appOf(f) === 'conference', 10_000, from);
      await sleep(1_500);
      const dtmfFrom = s.frames.length;
      await press(call, '1');
      await s.waitEvent('DTMF', () => true, 10_000, dtmfFrom);
      const seen = s.frames.slice(from);
      assert.ok(seen.every((f) => !f.event || eventHeader(f, 'Unique-ID') === uuid), 'only this channel\'s events');
      const addMember = seen.find((f) => eventName(f) === 'CUSTOM conference::maintenance' && eventHeader(f, 'Action') === 'add-member');
      if (withAll) {
        assert.ok(addMember, s.summary(from).join(', '));
        assert.equal(eventHeader(addMember, 'Conference-Name'), PIN);
        assert.ok(eventHeader(addMember, 'Member-ID'));
        s.destroy();
      } else {
        assert.equal(addMember, undefined);
        assert.equal((await s.send('exit')).headers['Reply-Text'], '+OK bye');
        await s.waitClosed(5_000);
      }
      await sleep(1_500);
      assert.ok(await inConference(uuid), withAll ? 'in the conference after the service died' : 'in the conference after exit');
      await call.hangup();
    }
  });

  test('the caller hangs up during a playback: the frames with and without linger', async () => {
    for (const linger of [true, false]) {
      const { call, s } = await openCall({ linger });
      const from = s.frames.length;
      await s.execute('playback', TONE, { eventUuid: 'pb' });
      await sleep(600);
      await call.hangup();
      const notice = await s.waitFrame('the disconnect notice', (f) => contentType(f) === 'text/disconnect-notice', 10_000, from);
      // Usually the notice comes last, but under load it can come as early as right after CHANNEL_HANGUP, and
      // without linger the socket then closes; with linger the events still come. (CHANNEL_PARK may come late too.)
      if (linger) await s.waitEvent('CHANNEL_HANGUP_COMPLETE', () => true, 5_000, from);
      const names = s.summary(from).filter((n) => n !== 'CHANNEL_PARK' && n !== 'text/disconnect-notice');
      const expected = ['command/reply +OK', 'CHANNEL_EXECUTE playback', 'CHANNEL_HANGUP', 'CHANNEL_EXECUTE_COMPLETE playback'];
      // Without linger an early notice closes the socket, possibly before CHANNEL_HANGUP was written: only the
      // frames before the hang-up are certain then.
      const certain = linger ? 4 : 2;
      assert.deepEqual(names.slice(0, certain), expected.slice(0, certain), names.join(', '));
      const hangup = s.frames.slice(from).find((f) => eventName(f) === 'CHANNEL_HANGUP');
      if (linger) assert.ok(hangup, names.join(', '));
      if (hangup) assert.equal(eventHeader(hangup, 'Hangup-Cause'), 'NORMAL_CLEARING');
      if (linger) {
        const complete = s.frames.slice(from).find((f) => eventName(f) === 'CHANNEL_EXECUTE_COMPLETE') as ReceivedFrame;
        assert.equal(eventHeader(complete, 'Application-Response'), 'PLAYBACK ERROR');
      }
      if (linger) {
        assert.equal(notice.headers['Content-Disposition'], 'linger');
        assert.equal(notice.headers['Linger-Time'], '-1');
        assert.equal(notice.body, '');
        await sleep(1_500);
        assert.equal(s.closedAt, null, 'FreeSWITCH keeps a lingering socket open: the service closes it');
        s.close();
      } else {
        assert.equal(notice.headers['Content-Disposition'], 'disconnect');
        assert.match(notice.body, /^Disconnected, goodbye\./);
        await s.waitClosed(5_000);
      }
    }
  });

  test('sched_hangup +2 ALLOTTED_TIMEOUT over the socket hangs up 1-2 s later (the scheduler ticks once a second)', async () => {
    const { call, s } = await openCall();
    const t0 = Date.now();
    await s.execute('sched_hangup', '+2 ALLOTTED_TIMEOUT');
    const done = await s.waitEvent('CHANNEL_HANGUP_COMPLETE', () => true, 10_000);
    assert.ok(Date.now() - t0 >= 1_000, `${Date.now() - t0} ms`);
    assert.equal(eventHeader(done, 'Hangup-Cause'), 'ALLOTTED_TIMEOUT');
    s.close();
    await call.ended();
  });

  test('hold music: no local_stream on BBB\'s tree; uuid_break ends a playback but not endless_playback; a transfer ends both', async () => {
    const { call, s, uuid } = await openCall();
    let from = s.frames.length;
    await s.execute('playback', 'local_stream://moh', { eventUuid: 'ls' });
    assert.equal(eventHeader(await completeOf(s, 'ls', from), 'Application-Response'), 'FILE NOT FOUND');

    from = s.frames.length;
    let t0 = Date.now();
    await s.execute('playback', TONE, { eventUuid: 'pb' });
    await sleep(800);
    assert.match((await s.send(`api uuid_break ${uuid}`)).body, /^\+OK/);
    await completeOf(s, 'pb', from);
    assert.ok(Date.now() - t0 < (TONE_SECONDS - 1) * 1000);

    from = s.frames.length;
    await s.execute('endless_playback', TONE, { eventUuid: 'endless' });
    await sleep(800);
    await s.send(`api uuid_break ${uuid} all`);
    await assert.rejects(completeOf(s, 'endless', from, 2_000), /timed out/);
    t0 = Date.now();
    await s.execute('set', 'socket_resume=false');
    await s.execute('set', 'bbb_authorized=true');
    await s.execute('transfer', `${PIN} XML default`, { eventUuid: 'tr' });
    await completeOf(s, 'endless', from, 5_000);
    assert.ok(Date.now() - t0 < 2_000, 'the transfer is not queued behind the endless playback');
    await call.waitForApp('conference');
    s.close();
    await call.hangup();
  });
});
