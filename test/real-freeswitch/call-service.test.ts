// The call service on a real FreeSWITCH 1.10.12 (BBB 3.0 reference tree, dedicated profile): the generated dialplan
// hands each call to `bbb-twilio serve` (a child process, from the sources), which asks a fake BBB API which meeting
// owns the PIN. Proven here: a caller joins a meeting nobody is in with audio; waits for a meeting nobody joined and
// joins when a web user does; is locked out; goes on in the static flow when the service is down or stops
// mid-entry; and stays in the meeting when the service restarts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBbbApiEmulator, type BbbApiEmulator } from '../emulators/bbb-api-emulator.js';
import {
  ADDR,
  allocatePort,
  harnessConfig,
  header,
  prepareServerTree,
  skipWithoutFreeswitch,
  sleep,
  startFreeswitch,
  waitUntil,
  type RunningFreeswitch,
  type ServerTree,
} from '../support/real-freeswitch.js';
import { joinWebUser, placeCall, type RealCall } from '../support/real-freeswitch-calls.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const SECRET = 'CallServiceTestSalt0123456789';
const NUMBER = '+16135550142';

function meeting(voiceBridge: string, hasUserJoined: boolean) {
  return { meetingId: `meeting-${voiceBridge}`, meetingName: `Class ${voiceBridge}`, voiceBridge, dialNumber: NUMBER, participantCount: hasUserJoined ? 1 : 0, hasUserJoined, running: hasUserJoined };
}

describe('real FreeSWITCH: the call service', { skip: skipWithoutFreeswitch(), concurrency: false }, () => {
  let tree: ServerTree;
  let fsw: RunningFreeswitch;
  let bbb: BbbApiEmulator;
  let serve: ServeProcess | undefined;
  let serveArgs: string[];

  /** The caller's leg is in conference `pin` now (FreeSWITCH's own member list). */
  async function inConference(call: RealCall, pin: string): Promise<boolean> {
    const uuid = await call.inbound();
    return (await fsw.api(`conference ${pin} list`)).includes(uuid);
  }

  async function serviceLog(call: RealCall): Promise<Record<string, unknown>> {
    const uuid = await call.inbound();
    assert.ok(serve);
    return serve.waitForLog(`the summary of call ${uuid}`, (l) => l.event === 'call' && l.call === uuid);
  }

  before(async () => {
    tree = await prepareServerTree({ kind: 'reference', version: '3.0' }, { externalIp: ADDR.server });
    bbb = await startBbbApiEmulator({ secret: SECRET });
    bbb.meetings.push(meeting('12345', true), meeting('23456', false), meeting('34567', true), meeting('45678', true), meeting('56789', true), meeting('67890', true), meeting('78901', true));
    await fs.writeFile(path.join(tree.root, 'etc/bigbluebutton/bbb-web.properties'), `bigbluebutton.web.serverURL=${bbb.url}\nsecuritySalt=${SECRET}\n`);
    const listen = await allocatePort();
    const metrics = await allocatePort();
    const extra = `callService:\n  listen: ${ADDR.server}:${listen}\n  metrics: ${ADDR.server}:${metrics}\n  digitTimeoutSeconds: 2\n  lockout:\n    failures: 2\n`;
    await tree.writeConfig(harnessConfig({ profile: 'dedicated', port: tree.ports.dedicated, extra }));
    const apply = await tree.cli(['apply', '--yes']);
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    fsw = await startFreeswitch(tree);
    serveArgs = ['--root', tree.root, '--config', path.join(tree.root, 'etc/bbb-twilio/config.yml')];
    serve = await startServe(serveArgs);
  });

  after(async () => {
    await serve?.stop('SIGKILL');
    await fsw?.stop();
    await bbb?.close();
  });

  test('a caller joins a meeting whose web users have no audio yet: the conference is created for it, named by the masked number', async () => {
    const call = await placeCall(fsw, { to: NUMBER, from: '+15005550201', profile: 'dedicated' });
    await call.waitForApp('playback');
    await call.press('12345');
    const outcome = await call.outcome();
    assert.equal(outcome.joined, '12345', outcome.applications.join('\n'));
    assert.equal(outcome.memberName, 'xxx-xxx-0201');
    // No `#` and no static prompt: the service took the call, and play_and_get_digits never ran.
    assert.ok(!outcome.applications.some((a) => a.startsWith('play_and_get_digits')), outcome.applications.join('\n'));
    // The service stays on a joined call (the keypad) until the hang-up, then writes the call's summary line.
    await call.hangup();
    const log = await serviceLog(call);
    assert.equal(log.outcome, 'joined');
    assert.equal(log.meetingId, 'meeting-12345');
    assert.equal(log.number, 'xxx-xxx-0201');
  });

  test('a caller of a meeting nobody joined waits with hold music and joins the moment a web user joins', async () => {
    const call = await placeCall(fsw, { to: NUMBER, from: '+15005550202', profile: 'dedicated' });
    await call.waitForApp('playback');
    await call.press('23456');
    const uuid = await call.inbound();
    await fsw.events.waitFor('hold music', (e) => header(e, 'Unique-ID') === uuid && header(e, 'Event-Name') === 'CHANNEL_EXECUTE' && (header(e, 'Application-Data') ?? '').endsWith('hold-music.wav'), 20_000);
    assert.equal(await inConference(call, '23456'), false);
    const target = bbb.meetings.find((m) => m.voiceBridge === '23456');
    assert.ok(target);
    target.hasUserJoined = true;
    const outcome = await call.outcome();
    assert.equal(outcome.joined, '23456', outcome.applications.join('\n'));
    assert.ok(outcome.applications.some((a) => a.endsWith('meeting-not-started.wav')));
    await call.hangup();
    assert.equal((await serviceLog(call)).outcome, 'joined_after_wait');
  });

  test('a number with too many invalid PINs is locked out, and its next call is turned away before any prompt', async () => {
    const from = '+15005550203';
    const first = await placeCall(fsw, { to: NUMBER, from, profile: 'dedicated' });
    await first.waitForApp('playback');
    await first.press('99999#');
    await first.waitForApp('playback', 3); // pin-not-valid, then the second PIN prompt
    await first.press('88888#');
    const ended = await first.ended();
    assert.equal(ended.hangupCause, 'CALL_REJECTED', ended.applications.join('\n'));
    assert.ok(ended.applications.some((a) => a.endsWith('too-many-invalid-pins.wav')));
    assert.equal((await serviceLog(first)).outcome, 'locked_out');

    const second = await placeCall(fsw, { to: NUMBER, from, profile: 'dedicated' });
    const again = await second.ended();
    assert.equal(again.hangupCause, 'CALL_REJECTED');
    assert.ok(!again.applications.some((a) => a.endsWith('welcome.wav')), again.applications.join('\n'));
    assert.equal((await serviceLog(second)).outcome, 'locked_out');
  });

  /** The member's flags in `conference <pin> list` (`hear|speak|...`; no `speak` = muted). */
  async function memberFlags(call: RealCall, pin: string): Promise<string> {
    const uuid = await call.inbound();
    const line = (await fsw.api(`conference ${pin} list`)).split('\n').find((l) => l.includes(uuid)) ?? '';
    return line.split(';')[5] ?? '';
  }

  async function joinedCall(from: string, pin: string): Promise<RealCall> {
    const call = await placeCall(fsw, { to: NUMBER, from, profile: 'dedicated' });
    await call.waitForApp('playback');
    await call.press(pin);
    assert.equal((await call.outcome()).joined, pin);
    await waitUntil('the member listed', async () => (await memberFlags(call, pin)) !== '');
    return call;
  }

  test("keypad on BBB's stock profile (caller-controls map 0 to mute): 0 mutes once, FreeSWITCH's own toggle, no double toggle", async () => {
    const call = await joinedCall('+15005550207', '45678');
    assert.match(await memberFlags(call, '45678'), /speak/);
    await call.press('0');
    await waitUntil('muted', async () => !/speak/.test(await memberFlags(call, '45678')), 5000);
    await sleep(1500); // a second toggle by the service would unmute again by now
    assert.doesNotMatch(await memberFlags(call, '45678'), /speak/);
    await call.hangup();
  });

  test('keypad with caller-controls "none" (BBB #25244): *6 mutes the caller in FreeSWITCH, *6 again unmutes', async () => {
    const file = path.join(tree.conf, 'autoload_configs/conference.conf.xml');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('<profile name="cdquality">', '<profile name="cdquality">\n      <param name="caller-controls" value="none"/>'));
    assert.match(await fsw.api('reloadxml'), /\+OK/);
    assert.ok(serve);
    serve.child.kill('SIGHUP');
    await serve.waitForLog('the reload', (l) => l.event === 'reloaded');
    const call = await joinedCall('+15005550208', '56789');
    await call.press('*6');
    await waitUntil('muted by *6', async () => !/speak/.test(await memberFlags(call, '56789')), 5000);
    await call.press('*6');
    await waitUntil('unmuted by *6', async () => /speak/.test(await memberFlags(call, '56789')), 5000);
    await call.press('0');
    await waitUntil('muted by 0', async () => !/speak/.test(await memberFlags(call, '56789')), 5000);
    await call.hangup();
    const summary = await serviceLog(call);
    assert.equal(summary.outcome, 'joined');
    await fs.writeFile(file, text);
    await fsw.api('reloadxml');
  });

  test('a joined caller stays in the meeting while the service restarts, and new calls are taken again after it', async () => {
    const call = await placeCall(fsw, { to: NUMBER, from: '+15005550204', profile: 'dedicated' });
    await call.waitForApp('playback');
    await call.press('34567');
    assert.equal((await call.outcome()).joined, '34567');
    assert.ok(serve);
    assert.equal(await serve.stop('SIGTERM'), 0);
    serve = await startServe(serveArgs);
    await sleep(1000);
    assert.equal(await inConference(call, '34567'), true, 'the joined caller was dropped by the restart');
    assert.equal((await fsw.api(`uuid_exists ${await call.inbound()}`)).trim(), 'true');
    await call.hangup();
  });

  test('SIGTERM hands a caller who is typing back to the dialplan: the static PIN flow takes over and joins', async () => {
    await joinWebUser(fsw, '67890');
    const call = await placeCall(fsw, { to: NUMBER, from: '+15005550205', profile: 'dedicated' });
    await call.waitForApp('playback');
    await call.press('67');
    assert.ok(serve);
    assert.equal(await serve.stop('SIGTERM'), 0);
    await call.waitForApp('play_and_get_digits');
    await call.press('67890#');
    const outcome = await call.outcome();
    assert.equal(outcome.joined, '67890', outcome.applications.join('\n'));
    assert.equal(outcome.memberName, 'xxx-xxx-0205');
    await call.hangup();
  });

  test('with the service down, the static PIN flow runs right after the socket and joins a conference with a web user', async () => {
    if (serve && serve.child.exitCode === null) await serve.stop('SIGTERM');
    await joinWebUser(fsw, '78901');
    const call = await placeCall(fsw, { to: NUMBER, from: '+15005550206', profile: 'dedicated' });
    await call.waitForApp('play_and_get_digits');
    await call.press('78901#');
    const outcome = await call.outcome();
    assert.equal(outcome.joined, '78901', outcome.applications.join('\n'));
    assert.ok(outcome.applications.some((a) => a.startsWith('socket ')), 'the socket hand-over was tried first');
    await call.hangup();
    serve = await startServe(serveArgs);
    await waitUntil('the service healthy again', async () => serve !== undefined && serve.child.exitCode === null);
  });
});
