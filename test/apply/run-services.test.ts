import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { renderServiceReport, unfinishedCount } from '../../src/apply/render-services.js';
import { runServiceActions, type ServiceRunOptions } from '../../src/apply/run-services.js';
import type { ProgressLine } from '../../src/apply/wait-for-idle.js';
import { DelegatingHost } from '../../src/host/delegating-host.js';
import type { CommandResult, Host } from '../../src/host/host.js';
import { LocalHost } from '../../src/host/local-host.js';
import type { ServiceNeed } from '../../src/model/change.js';
import { describeNeed } from '../../src/plan/service-actions.js';
import { startBbbApiEmulator, type BbbApiEmulator, type EmulatedMeeting } from '../emulators/bbb-api-emulator.js';
import { closedPort, startEslEmulator, type EslEmulator, type EslEmulatorOptions } from '../emulators/esl-emulator.js';
import { dedicatedProfile, pointTreeAtBbb, pointTreeAtEsl } from '../support/freeswitch-tree.js';
import { copyFixture } from '../support/tree.js';

const PASSWORD = 'SandboxSecret42';
const emulators: EslEmulator[] = [];
after(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

async function emulator(opts: Partial<EslEmulatorOptions> = {}): Promise<EslEmulator> {
  const e = await startEslEmulator({ password: PASSWORD, ...opts });
  emulators.push(e);
  return e;
}

/** A bbb-3.0 tree whose event_socket.conf.xml names `port` (and `password`). */
async function treeAt(port: number, password = PASSWORD): Promise<LocalHost> {
  const root = await copyFixture('bbb-3.0');
  await pointTreeAtEsl(root, port, password);
  return new LocalHost(root);
}

const actions = (profile: 'dedicated' | 'external', ...needs: ServiceNeed[]) => needs.map((n) => describeNeed(n, profile));
const FAST: Partial<ServiceRunOptions> = { eslTimeoutMs: 300, pollIntervalMs: 20, profileStartWaitMs: 200 };
const run = (host: Host, list: ReturnType<typeof actions>, opts: Partial<ServiceRunOptions> = {}) =>
  runServiceActions(host, list, { restartNow: false, ...FAST, ...opts });

describe('FreeSWITCH commands go over the event socket named by the tree', () => {
  test('a new dedicated profile: reloadxml and profile start are sent and checked; bbb-web is recorded, not run', async () => {
    const e = await emulator();
    e.state.profiles.push(dedicatedProfile());
    const host = await treeAt(e.port);
    const report = await run(host, actions('dedicated', 'reloadxml', 'profile-start', 'bbb-web-restart'));
    assert.deepEqual(report.outcomes.map((o) => [o.command, o.status]), [
      ['fs_cli -x reloadxml', 'ran'],
      ["fs_cli -x 'sofia profile bbb-twilio start'", 'ran'],
      ['systemctl restart bbb-web', 'recorded'],
    ]);
    assert.equal(e.state.reloadxmlCount, 1);
    assert.equal(e.state.profiles.find((p) => p.name === 'bbb-twilio')?.state, 'RUNNING');
    assert.deepEqual(host.recordedCommands.map((c) => c.argv.join(' ')), ['systemctl restart bbb-web']);
    assert.equal(report.unreachable, null);
    // The recorded restart is listed as a command to run on the server: it counts as not done.
    assert.equal(unfinishedCount(report), 1);
  });

  test('reloadxml that reports an XML error is a failure with FreeSWITCH\'s words', async () => {
    const e = await emulator();
    e.state.xmlError = 'Error on line 12: unclosed tag <extension>';
    const report = await run(await treeAt(e.port), actions('dedicated', 'reloadxml'));
    assert.equal(report.outcomes[0]?.status, 'failed');
    assert.equal(report.outcomes[0]?.detail, 'FreeSWITCH could not load its XML: Error on line 12: unclosed tag <extension>');
    const lines = renderServiceReport(report, new LocalHost('/tmp'));
    assert.deepEqual(lines, ['  FAILED    fs_cli -x reloadxml: FreeSWITCH could not load its XML: Error on line 12: unclosed tag <extension>']);
  });

  test('"Failure starting" (the XML does not define the profile) is a failure that says so', async () => {
    const e = await emulator();
    const report = await run(await treeAt(e.port), actions('dedicated', 'profile-start'));
    assert.equal(report.outcomes[0]?.status, 'failed');
    assert.match(report.outcomes[0]?.detail ?? '', /could not start the "bbb-twilio" profile/);
  });

  test('a profile FreeSWITCH says it started but that never comes up (port taken) is a failure', async () => {
    const e = await emulator();
    e.state.profiles.push(dedicatedProfile({ startFails: true }));
    const report = await run(await treeAt(e.port), actions('dedicated', 'profile-start'));
    assert.equal(report.outcomes[0]?.status, 'failed');
    assert.match(report.outcomes[0]?.detail ?? '', /said it started the "bbb-twilio" profile, but it is not running/);
  });

  test('"Invalid Profile" on rescan is a failure: the profile is not running', async () => {
    const e = await emulator();
    const report = await run(await treeAt(e.port), actions('dedicated', 'profile-rescan'));
    assert.equal(report.outcomes[0]?.status, 'failed');
    assert.match(report.outcomes[0]?.detail ?? '', /"bbb-twilio" profile is not running \(FreeSWITCH says "Invalid Profile"\)/);
  });

  test('stopping a profile that is not running, or killing a gateway already gone, reaches the goal: ran, with a note', async () => {
    const e = await emulator();
    const report = await run(await treeAt(e.port), actions('external', 'gateway-kill', 'profile-stop'));
    assert.deepEqual(report.outcomes.map((o) => [o.status, o.detail]), [
      ['ran', 'the gateway was already gone'],
      ['ran', 'the "bbb-twilio" profile was not running'],
    ]);
  });

  test('killgw removes a gateway the external profile has', async () => {
    const e = await emulator();
    const external = e.state.profiles[0];
    assert.ok(external);
    external.gateways = [{ name: 'bbb-twilio-termination', registerTo: 'sip:bbb@x.pstn.twilio.com', state: 'NOREG' }];
    const report = await run(await treeAt(e.port), actions('external', 'gateway-kill'));
    assert.deepEqual(report.outcomes.map((o) => [o.status, o.detail]), [['ran', '']]);
    assert.deepEqual(external.gateways, []);
  });

  test('--no-reload sends nothing, not even a connection, and lists the FreeSWITCH commands', async () => {
    const e = await emulator();
    const host = await treeAt(e.port);
    const report = await run(host, actions('dedicated', 'reloadxml', 'profile-start', 'bbb-web-restart'), { reload: false });
    assert.deepEqual(e.commands, []);
    assert.deepEqual(report.outcomes.map((o) => o.status), ['skipped', 'skipped', 'recorded']);
    const text = renderServiceReport(report, host).join('\n');
    assert.match(text, /FreeSWITCH commands not sent \(--no-reload\); run these to load the new files:\n {4}fs_cli -x reloadxml\n {4}fs_cli -x 'sofia profile bbb-twilio start'\n/);
  });
});

describe('when FreeSWITCH cannot be used, each fault gets its own one-line warning and the commands to run later', () => {
  const faults: { name: string; setup: () => Promise<LocalHost>; expect: RegExp }[] = [
    {
      name: 'nothing listens (refused)',
      setup: async () => treeAt(await closedPort()),
      expect: /^warning: FreeSWITCH not reached \(connection refused\): cannot reach FreeSWITCH's event socket at 127\.0\.0\.1:\d+: /,
    },
    {
      name: 'wrong password',
      setup: async () => treeAt((await emulator()).port, 'NotThePassword'),
      expect: /^warning: FreeSWITCH not reached \(password rejected\): FreeSWITCH's event socket at 127\.0\.0\.1:\d+ refused the password from \/opt\/freeswitch\/etc\/freeswitch\/autoload_configs\/event_socket\.conf\.xml$/,
    },
    {
      name: 'a server that never answers',
      setup: async () => treeAt((await emulator({ behaviour: 'never-answer' })).port),
      expect: /^warning: FreeSWITCH not reached \(no answer\): FreeSWITCH's event socket at 127\.0\.0\.1:\d+ did not send its greeting \(auth\/request\) within 300ms$/,
    },
    {
      name: 'garbage frames (another service on the port)',
      setup: async () => treeAt((await emulator({ behaviour: 'garbage' })).port),
      expect: /^warning: FreeSWITCH not reached \(protocol error\): the service at 127\.0\.0\.1:\d+ does not speak FreeSWITCH's event-socket protocol/,
    },
    {
      name: 'a connection closed mid-reply',
      setup: async () => treeAt((await emulator({ behaviour: 'close-mid-reply' })).port),
      expect: /^warning: FreeSWITCH not reached \(protocol error\): FreeSWITCH closed the event-socket connection at 127\.0\.0\.1:\d+ in the middle of a reply$/,
    },
    {
      name: 'the inbound ACL turns us away',
      setup: async () => treeAt((await emulator({ behaviour: 'acl-reject' })).port),
      expect: /^warning: FreeSWITCH not reached \(connection refused\): FreeSWITCH's event socket at 127\.0\.0\.1:\d+ turned this connection away/,
    },
  ];
  const warnings: string[] = [];

  for (const fault of faults) {
    test(`${fault.name}: the files stay, the warning says why, every FreeSWITCH command is listed to run later`, async () => {
      const host = await fault.setup();
      const report = await run(host, actions('dedicated', 'reloadxml', 'profile-start', 'bbb-web-restart'));
      assert.deepEqual(report.outcomes.map((o) => o.status), ['unreachable', 'unreachable', 'recorded']);
      const lines = renderServiceReport(report, host);
      const warning = lines.find((l) => l.startsWith('warning:')) ?? '';
      assert.match(warning, fault.expect);
      assert.ok(!lines.join('\n').includes(PASSWORD), 'the ESL password is never shown');
      assert.ok(!lines.join('\n').includes('NotThePassword'), 'nor a wrong one');
      const todo = lines.slice(lines.indexOf('  The files are in place, but FreeSWITCH has not loaded them. Run these once it answers:') + 1);
      assert.deepEqual(todo.slice(0, 2), ['    fs_cli -x reloadxml', "    fs_cli -x 'sofia profile bbb-twilio start'"]);
      assert.equal(unfinishedCount(report), 3, 'the count matches the three commands listed');
      warnings.push(warning.replace(/\d+/g, 'N'));
    });
  }

  test('the six faults give six different warnings', () => {
    assert.equal(new Set(warnings).size, faults.length, warnings.join('\n'));
  });
});

describe('restart policy for the external profile (it drops every web-audio user)', () => {
  const restart = () => actions('external', 'external-restart');

  test('by default it is postponed, with the number of live calls and the command to run', async () => {
    const e = await emulator();
    e.state.calls = 3;
    const host = await treeAt(e.port);
    const report = await run(host, restart());
    assert.equal(report.outcomes[0]?.status, 'postponed');
    assert.deepEqual(e.state.profileActions, []);
    assert.deepEqual(renderServiceReport(report, host), [
      "  postponed fs_cli -x 'sofia profile external restart'  (DROPS every web-audio user in every meeting on this server; " +
        '3 live calls now; run it when the server is idle, or again with --when-idle or --restart-now)',
    ]);
  });

  test('--restart-now restarts at once and says how many calls it dropped', async () => {
    const e = await emulator();
    e.state.calls = 3;
    const report = await run(await treeAt(e.port), restart(), { restartNow: true });
    assert.deepEqual(report.outcomes.map((o) => [o.status, o.detail]), [['ran', '--restart-now: 3 live calls dropped']]);
    assert.deepEqual(e.state.profileActions, [{ profile: 'external', action: 'restart' }]);
  });

  test('--when-idle with calls that stay up: waits until the timeout, then leaves it postponed', async () => {
    const e = await emulator();
    e.state.calls = 2;
    const shown: string[] = [];
    let cleared = 0;
    const progress: ProgressLine = { update: (t) => shown.push(t), done: () => (cleared += 1) };
    const report = await run(await treeAt(e.port), restart(), { whenIdle: true, idleTimeoutMs: 200, progress });
    assert.equal(report.outcomes[0]?.status, 'postponed');
    assert.match(report.outcomes[0]?.detail ?? '', /^after waiting 1s, still 2 live calls; run it when the server is idle/);
    assert.deepEqual(e.state.profileActions, []);
    assert.ok(e.state.apiCommands.filter((c) => c === 'show calls count').length >= 3, 'it polled');
    assert.match(shown[0] ?? '', /^waiting for 2 live calls to end before restarting \(1s left/);
    assert.equal(cleared, 1, 'the progress line is cleared');
  });

  test('--when-idle restarts as soon as the calls drop to 0, and not before', async () => {
    const e = await emulator();
    e.state.calls = 2;
    let callsWhenRestarted: number | null = null;
    let updates = 0;
    const report = await run(await treeAt(e.port), restart(), {
      whenIdle: true,
      idleTimeoutMs: 5000,
      // The calls end while it waits: after it has said twice that it is waiting.
      progress: { update: () => (++updates === 2 ? (e.state.calls = 0) : undefined), done: () => (callsWhenRestarted = e.state.calls) },
    });
    assert.equal(report.outcomes[0]?.status, 'ran');
    assert.equal(updates, 2);
    assert.match(report.outcomes[0]?.detail ?? '', /^(no call was up|ran once no call was up \(after \d+s\))$/);
    assert.equal(callsWhenRestarted, 0);
    assert.deepEqual(e.state.profileActions, [{ profile: 'external', action: 'restart' }]);
  });

  test('--when-idle stops waiting on a signal and leaves the restart postponed', async () => {
    const e = await emulator();
    e.state.calls = 1;
    let polls = 0;
    const report = await run(await treeAt(e.port), restart(), {
      whenIdle: true,
      idleTimeoutMs: 60_000,
      shouldStop: () => ++polls > 2,
    });
    assert.equal(report.outcomes[0]?.status, 'postponed');
    assert.match(report.outcomes[0]?.detail ?? '', /^interrupted, still 1 live call;/);
    assert.deepEqual(e.state.profileActions, []);
  });

  test('with FreeSWITCH unreachable the restart stays postponed, live calls unknown', async () => {
    const report = await run(await treeAt(await closedPort()), restart(), { whenIdle: true });
    assert.deepEqual(report.outcomes.map((o) => [o.status, o.detail]), [
      ['postponed', 'live calls unknown; run it when the server is idle, or again with --when-idle or --restart-now'],
    ]);
  });
});

describe('restart policy for bbb-web (a restart makes running meetings vanish from its API)', () => {
  const SALT = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
  const bbbs: BbbApiEmulator[] = [];
  after(async () => {
    await Promise.all(bbbs.map((b) => b.close()));
  });
  const meeting = (voiceBridge: string): EmulatedMeeting => ({ meetingId: voiceBridge, meetingName: `room ${voiceBridge}`, voiceBridge, dialNumber: '', participantCount: 3 });
  const restart = () => actions('dedicated', 'bbb-web-restart');

  /** A tree whose bbb-web properties name a BBB API emulator holding `meetings`. */
  async function treeWithMeetings(...voiceBridges: string[]): Promise<{ host: LocalHost; bbb: BbbApiEmulator }> {
    const bbb = await startBbbApiEmulator({ secret: SALT });
    bbbs.push(bbb);
    bbb.meetings.push(...voiceBridges.map(meeting));
    const host = await treeAt(await closedPort());
    await pointTreeAtBbb(host.root, bbb.url, SALT);
    return { host, bbb };
  }

  /** The server itself (root /): commands run. Here they are only noted, never run. */
  class ServerHost extends DelegatingHost {
    readonly ran: string[] = [];
    override get runsCommands(): boolean {
      return true;
    }
    override async run(argv: string[]): Promise<CommandResult> {
      this.ran.push(argv.join(' '));
      return { code: 0, stdout: '', stderr: '', recorded: false };
    }
  }

  test('with meetings running it is postponed by default, with their number and the ways to run it', async () => {
    const { host, bbb } = await treeWithMeetings('12345', '54321');
    const report = await run(host, restart());
    assert.deepEqual(report.outcomes.map((o) => [o.status, o.detail]), [
      ['postponed', '2 meetings running now; run it when none is, or again with --when-idle or --restart-now'],
    ]);
    assert.deepEqual(host.recordedCommands, [], 'not even recorded');
    assert.ok(bbb.requests.some((r) => r.call === 'getMeetings' && r.checksumOk), 'it asked getMeetings with a valid checksum');
    assert.deepEqual(renderServiceReport(report, host), [
      '  postponed systemctl restart bbb-web  (running meetings VANISH from bbb-web (its API loses them, joins fail): runs only when no meeting is running; ' +
        '2 meetings running now; run it when none is, or again with --when-idle or --restart-now)',
    ]);
  });

  test('with no meeting running it goes ahead; --restart-now goes ahead anyway and says what it cost', async () => {
    const idle = await treeWithMeetings();
    const quiet = await run(idle.host, restart());
    assert.deepEqual(quiet.outcomes.map((o) => [o.status, o.detail]), [['recorded', 'no meeting was running']]);
    assert.deepEqual(idle.host.recordedCommands.map((c) => c.argv.join(' ')), ['systemctl restart bbb-web']);

    const busy = await treeWithMeetings('12345');
    const forced = await run(busy.host, restart(), { restartNow: true });
    assert.deepEqual(forced.outcomes.map((o) => [o.status, o.detail]), [['recorded', '--restart-now: bbb-web forgot 1 running meeting']]);
  });

  test('--when-idle restarts once the meetings have ended, and not before', async () => {
    const { host, bbb } = await treeWithMeetings('12345', '54321');
    const shown: string[] = [];
    let meetingsWhenRestarted: number | null = null;
    const report = await run(host, restart(), {
      whenIdle: true,
      idleTimeoutMs: 5000,
      progress: {
        update: (t) => (shown.push(t) === 2 ? (bbb.meetings.length = 0) : undefined),
        done: () => (meetingsWhenRestarted = bbb.meetings.length),
      },
    });
    assert.equal(report.outcomes[0]?.status, 'recorded');
    assert.match(report.outcomes[0]?.detail ?? '', /^ran once no meeting was running \(after \d+s\)$/);
    assert.match(shown[0] ?? '', /^waiting for 2 running meetings to end before restarting/);
    assert.equal(meetingsWhenRestarted, 0);
  });

  test('--when-idle with meetings that go on: postponed after the timeout', async () => {
    const { host } = await treeWithMeetings('12345');
    const report = await run(host, restart(), { whenIdle: true, idleTimeoutMs: 150 });
    assert.equal(report.outcomes[0]?.status, 'postponed');
    assert.match(report.outcomes[0]?.detail ?? '', /^after waiting 1s, still 1 meeting running; run it when none is, or again with --restart-now$/);
    assert.deepEqual(host.recordedCommands, []);
  });

  test('on the server, a bbb-web API that does not answer leaves the restart postponed, with the reason; with meetings none is run', async () => {
    const root = (await treeAt(await closedPort())).root;
    await pointTreeAtBbb(root, `http://127.0.0.1:${await closedPort()}`, SALT);
    const server = new ServerHost(new LocalHost(root));
    const report = await run(server, restart());
    assert.equal(report.outcomes[0]?.status, 'postponed');
    assert.match(report.outcomes[0]?.detail ?? '', /^running meetings unknown \(cannot reach http:\/\/127\.0\.0\.1:\d+\/bigbluebutton\/api\/getMeetings: connection refused\); run it when no meeting is running, or again with --restart-now$/);
    assert.deepEqual(server.ran, []);

    const { host, bbb } = await treeWithMeetings();
    const live = new ServerHost(host);
    assert.deepEqual((await run(live, restart())).outcomes.map((o) => o.status), ['ran']);
    assert.deepEqual(live.ran, ['systemctl restart bbb-web']);
    bbb.meetings.push(meeting('12345'));
    assert.deepEqual((await run(live, restart())).outcomes.map((o) => o.status), ['postponed']);
    assert.deepEqual(live.ran, ['systemctl restart bbb-web'], 'not run again while a meeting runs');
  });
});

describe('a profile FreeSWITCH calls too young to stop', () => {
  test('the stop waits the seconds mod_sofia asks for, then runs (a rollback right after an apply)', async () => {
    const e = await emulator();
    e.state.profiles.push({ ...dedicatedProfile(), tooYoungFor: 1 });
    const host = await treeAt(e.port);
    const report = await run(host, actions('dedicated', 'profile-stop'), { profileWaitScale: 0.01 });
    assert.deepEqual(report.outcomes.map((o) => [o.command, o.status]), [["fs_cli -x 'sofia profile bbb-twilio stop'", 'ran']]);
    assert.equal(e.state.profiles.find((p) => p.name === 'bbb-twilio')?.state, 'DOWN');
  });
});
