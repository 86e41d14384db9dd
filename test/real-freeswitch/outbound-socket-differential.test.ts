// The same tiny service script against the real FreeSWITCH and against the outbound-socket emulator: the frames
// the service sees must come in the same order, and every header the emulator sends must be one the real
// FreeSWITCH sends in that frame too (the emulator sends fewer, never made-up ones).
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { prepareServerTree, skipWithoutFreeswitch, sleep, startFreeswitch, type RunningFreeswitch } from '../support/real-freeswitch.js';
import { placeCall } from '../support/real-freeswitch-calls.js';
import { ScriptedService, eventHeader, socketTestExtension, type ReceivedFrame, type ServiceSession } from '../support/outbound-socket-service.js';
import { writeToneWav } from '../support/wav-file.js';
import { emulateCall } from '../emulators/outbound-socket-emulator.js';

const TONE_SECONDS = 3;

interface Caller {
  press(digits: string): Promise<void>;
  hangup(): Promise<void>;
}

/** The script: answer, a prompt cut short by a key, an api call, a prompt the caller hangs up on. */
async function script(s: ServiceSession, caller: Caller, tone: string): Promise<ReceivedFrame[]> {
  await s.send('connect');
  await s.send('myevents');
  await s.send('linger');
  const done = (id: string): Promise<ReceivedFrame> => s.waitEvent('CHANNEL_EXECUTE_COMPLETE', (f) => eventHeader(f, 'Application-UUID') === id, 15_000);
  await s.execute('answer', '', { eventUuid: 'answer' });
  await done('answer');
  await s.execute('set', 'playback_terminators=any', { eventUuid: 'set' });
  await done('set');
  await s.execute('playback', tone, { eventUuid: 'prompt-1' });
  await sleep(600);
  await caller.press('5');
  await done('prompt-1');
  await s.send('api conference 99999 list');
  await s.execute('playback', tone, { eventUuid: 'prompt-2' });
  await sleep(600);
  await caller.hangup();
  await s.waitFrame('the disconnect notice', (f) => f.headers['Content-Type'] === 'text/disconnect-notice', 10_000);
  s.close();
  await s.waitClosed(5_000);
  // The socket app parks the channel; under load its CHANNEL_PARK comes after `myevents` (the emulator sends none).
  return s.frames.filter((f) => f.event?.headers['Event-Name'] !== 'CHANNEL_PARK');
}

function describeFrames(frames: ReceivedFrame[], from: number): string[] {
  return frames.slice(from).map((f) => (f.event ? `${f.event.headers['Event-Name']} ${f.event.headers['Application'] ?? ''}`.trim() : `${f.headers['Content-Type']} ${f.headers['Reply-Text'] ?? ''}`.trim()));
}

describe('real FreeSWITCH vs the outbound-socket emulator: one script, the same frames', { skip: skipWithoutFreeswitch() }, () => {
  let fsw: RunningFreeswitch;
  let service: ScriptedService;
  let dir: string;
  let tone = '';

  before(async () => {
    service = await ScriptedService.listen();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-socket-diff-'));
    tone = path.join(dir, 'tone.wav');
    await writeToneWav(tone, TONE_SECONDS);
    const tree = await prepareServerTree({ kind: 'reference', version: '3.0' });
    await fs.writeFile(path.join(tree.conf, 'dialplan/public/00_test_socket.xml'), socketTestExtension(service.port));
    fsw = await startFreeswitch(tree, { profiles: ['rogue', 'external'] });
  });

  after(async () => {
    await fsw?.stop();
    await service?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('answer, a prompt cut by a key, api, a hang-up during a prompt', async () => {
    const call = await placeCall(fsw, { to: 'sock', from: '+15551230001', profile: 'external', via: 'rogue' });
    const real = await script(await service.nextSession(), {
      press: async (d) => {
        await fsw.api(`uuid_send_dtmf ${call.carrierUuid} ${d}`);
      },
      hangup: () => call.hangup(),
    }, tone);

    const emulated = emulateCall({ port: service.port, channel: { callerNumber: '+15551230001', destination: 'sock' }, playbackMs: TONE_SECONDS * 1000 });
    const fake = await script(await service.nextSession(), {
      press: (d) => emulated.press(d),
      hangup: async () => emulated.hangup(),
    }, tone);

    // From the first reply after `connect` on (the connect reply itself is compared by header names below).
    assert.deepEqual(describeFrames(fake, 1), describeFrames(real, 1));
    const connectNames = Object.keys(real[0]?.headers ?? {});
    for (const name of Object.keys(fake[0]?.headers ?? {})) assert.ok(connectNames.includes(name), `connect reply header ${name}`);
    for (const [i, f] of fake.entries()) {
      const r = real[i] as ReceivedFrame;
      const realNames = new Set(Object.keys(r.event?.headers ?? r.headers));
      for (const name of Object.keys(f.event?.headers ?? f.headers)) {
        assert.ok(realNames.has(name), `frame ${i} (${describeFrames(fake, i)[0]}): the emulator sends ${name}, FreeSWITCH does not`);
      }
    }
  });
});
