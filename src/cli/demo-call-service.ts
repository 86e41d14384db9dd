// The demo's call-service part: the real call service (startCallService) on the sandbox tree, asking a sandbox
// bbb-web, with phone calls played by a sandbox FreeSWITCH (the outbound-socket caller). Each call is told in a few
// lines with what the service really did (its call records); the live view is the `calls` command itself.

import { Writable } from 'node:stream';
import { readBbbWebSettings } from '../bbb/bbb-web-settings.js';
import { startBbbApiEmulator, type BbbApiEmulator, type EmulatedMeeting } from '../bbb/sandbox-bbb-api.js';
import { SandboxBbbWebHost } from '../bbb/sandbox-bbb-web-host.js';
import { emulateCall, type ConferenceMember, type EmulatedCall } from '../freeswitch/sandbox/outbound-socket-caller.js';
import type { Host } from '../host/host.js';
import type { CallRecord } from '../service/call-record.js';
import { startCallService, type RunningCallService } from '../service/call-service.js';
import { createServiceLog } from '../service/service-log.js';
import { loadConfig, type CliIo } from './io.js';

const DIALED = '+16135550142';
/** Prompts last this long in the sandbox, so the story takes a few seconds, not minutes (hold music: a minute). */
const PROMPT_MS = 30;

export interface DemoCallsRun {
  io: CliIo;
  host: Host;
  configFile: string;
  /** Runs a bbb-twilio command on the sandbox (as the user would type it). */
  cli: (args: string[]) => Promise<number>;
  say: (line: string) => void;
  command: (line: string) => void;
}

export async function demoCallService(run: DemoCallsRun): Promise<boolean> {
  const settings = await readBbbWebSettings(run.host);
  const bbb = await startBbbApiEmulator({ secret: settings.get('securitySalt')?.value ?? '' });
  bbb.meetings.push(meeting('12345', 'Team meeting', true), meeting('67890', 'Evening class', false));
  try {
    const service = await startCallService({
      host: new SandboxBbbWebHost(run.host, bbb.url),
      loadConfig: () => loadConfig(run.host, run.configFile, run.io),
      // The service's JSON log lines are for journald; the demo tells the story from its call records instead.
      log: createServiceLog(new Writable({ write: (_chunk, _enc, done) => done() })),
      listen: { host: '127.0.0.1', port: 0 },
      metrics: { host: '127.0.0.1', port: 0 },
    });
    try {
      return await story(run, bbb, service);
    } finally {
      await service.stop();
    }
  } finally {
    await bbb.close();
  }
}

function meeting(voiceBridge: string, name: string, hasUserJoined: boolean): EmulatedMeeting {
  return { meetingId: `demo-${voiceBridge}`, meetingName: name, voiceBridge, dialNumber: DIALED, participantCount: hasUserJoined ? 1 : 0, hasUserJoined, running: hasUserJoined };
}

async function story(run: DemoCallsRun, bbb: BbbApiEmulator, service: RunningCallService): Promise<boolean> {
  const { say } = run;
  const port = Number(service.listen.split(':').pop());
  // FreeSWITCH's conferences: nobody is on audio in any meeting (the static dial-in would refuse every PIN).
  const conferences = new Map<string, ConferenceMember[]>();
  const metricsArgs = ['--metrics', service.metricsAddress];
  const call = (from: string): EmulatedCall => emulateCall({ port, channel: { callerNumber: from, destination: DIALED }, playbackMs: (file) => (file.endsWith('hold-music.wav') ? 60_000 : PROMPT_MS), conferences });
  const record = (c: EmulatedCall): CallRecord | undefined => service.server.calls.find((r) => r.id === c.uuid);
  const until = async (what: string, done: () => boolean): Promise<void> => {
    const deadline = Date.now() + 8000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`demo: ${what} did not happen within 8 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const pinPrompts = (c: EmulatedCall): number => c.applications.filter((x) => x.app === 'playback' && /welcome|conf-pin/.test(x.arg)).length;
  /** The caller has heard its n-th PIN prompt (the welcome asks for the first). */
  const prompted = (c: EmulatedCall, n: number): Promise<void> => until(`PIN prompt ${n} to ${c.uuid}`, () => pinPrompts(c) >= n);
  /** The call's record once it is in the step (the object stays readable after the call ends). */
  const reach = async (c: EmulatedCall, step: CallRecord['step']): Promise<CallRecord> => {
    await until(`step ${step} of ${c.uuid}`, () => record(c)?.step === step);
    return record(c) as CallRecord;
  };
  const live = async (): Promise<void> => {
    run.command('bbb-twilio calls');
    await run.cli(['calls', ...metricsArgs]);
  };

  say(`The service listens on ${service.listen} (the dialplan's socket action hands it each call); bbb-web knows two meetings:`);
  say('  12345 "Team meeting": a web user is in, with no microphone (FreeSWITCH conference 12345 is empty)');
  say('  67890 "Evening class": created, nobody has joined yet');

  say('\n(a) +1 514-555-0101 types 12345');
  const a = call('+15145550101');
  await prompted(a, 1);
  await a.press('12345');
  const ra = await reach(a, 'joined');
  say(`    -> ${ra.outcome ?? ''}: in meeting ${ra.meetingId ?? ''} (conference ${a.joined ?? 'none'}), although no web user has audio: today's dial-in would say "bad PIN"`);

  say('\n(b) +1 514-555-0102 types 67890');
  const b = call('+15145550102');
  await prompted(b, 1);
  await b.press('67890');
  await reach(b, 'waiting');
  say('    -> waiting: "the meeting has not started, please hold", then hold music');

  say('\n(c) +1 514-555-0177 calls and starts typing');
  const guesser = '+15145550177';
  const c1 = call(guesser);
  await prompted(c1, 1);
  await c1.press('1');
  say('    The live view now (`bbb-twilio calls --watch` redraws it every second):');
  await live();

  const failures = (await loadConfig(run.host, run.configFile, run.io)).callService.lockout.failures;
  say(`\n(c) +1 514-555-0177 guesses PINs: 11111#, 22222#, 33333# (callService.lockout.failures is ${failures})`);
  await c1.press('1111#');
  await prompted(c1, 2);
  await c1.press('22222#');
  await prompted(c1, 3);
  await c1.press('33333#');
  const c1End = await c1.outcome;
  say(`    -> "that PIN is not valid" each time, then goodbye (${c1End.kind === 'hung-up' ? 'hung up' : c1End.kind}); the number is locked out`);
  const c2 = call(guesser);
  const c2End = await c2.outcome;
  say(`    It calls again: "please try later", ${c2End.kind === 'hung-up' ? 'hung up' : c2End.kind} before any PIN prompt (${pinPrompts(c2)} PIN prompts played)`);
  run.command('bbb-twilio calls --lockouts');
  await run.cli(['calls', '--lockouts', ...metricsArgs]);
  run.command('bbb-twilio unlock +15145550177');
  await run.cli(['unlock', guesser, ...metricsArgs]);
  const c3 = call(guesser);
  await prompted(c3, 1);
  say('    It calls again: asked for the PIN');
  say('\n(b) a web user joins "Evening class"');
  const evening = bbb.meetings.find((m) => m.voiceBridge === '67890');
  if (evening) Object.assign(evening, { hasUserJoined: true, running: true, participantCount: 1 });
  const rb = await reach(b, 'joined');
  say(`    -> ${rb.outcome ?? ''}: in meeting ${rb.meetingId ?? ''} (conference ${b.joined ?? 'none'}) the moment the meeting started`);

  await live();

  say('\nThe service stops (SIGTERM, as systemctl stop sends):');
  await service.stop();
  const c3End = await c3.outcome;
  say(`    the caller still typing goes back to the dialplan's static PIN prompt (${c3End.kind}); the callers in meetings stay in them (${[a.joined, b.joined].join(', ')})`);
  a.hangup();
  b.hangup();
  return ra.outcome === 'joined' && rb.outcome === 'joined_after_wait' && c3End.kind === 'resumed';
}
