// End-to-end dial-in on a real FreeSWITCH 1.10.12, for one BBB tree and one profile mode: bbb-twilio is applied
// by its own CLI, Twilio is played by the harness's carrier (127.0.0.2 = signalingCidrs), and every outcome is read
// from FreeSWITCH's own events. The calls of one phase run concurrently, each with its own caller number.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ADDR,
  harnessConfig,
  header,
  prepareServerTree,
  skipWithoutFreeswitch,
  startFreeswitch,
  waitUntil,
  type RunningFreeswitch,
  type ServerTree,
} from '../support/real-freeswitch.js';
import { joinWebUser, placeCall, type CallOutcome, type RealCall } from '../support/real-freeswitch-calls.js';

/** The PIN length BBB generates on the tree: bbb-web's /etc override, else its packaged default. */
async function treePinLength(tree: ServerTree): Promise<number> {
  for (const file of ['etc/bigbluebutton/bbb-web.properties', 'usr/share/bbb-web/WEB-INF/classes/bigbluebutton.properties']) {
    const text = await fs.readFile(path.join(tree.root, file), 'utf8').catch(() => '');
    const m = /^defaultNumDigitsForTelVoice=(\d+)\s*$/m.exec(text);
    if (m) return Number(m[1]);
  }
  return 5;
}
const NUMBER = '+16135550142';
const GATEWAY = 'bbb-twilio-termination';
const PROFILE_RUNNING = /^\s*bbb-twilio\s+profile\s.*RUNNING/m;

/** The caller presses `pins` in turn, one per PIN prompt, then we wait for the outcome. */
async function callWithPins(fsw: RunningFreeswitch, mode: 'dedicated' | 'external', from: string, pins: string[], to = NUMBER): Promise<CallOutcome> {
  const call = await placeCall(fsw, { to, from, profile: mode });
  for (const [i, pin] of pins.entries()) {
    await call.waitForApp('play_and_get_digits', i + 1);
    await call.press(pin);
  }
  return call.outcome();
}

function termination(password: string): string {
  return `  termination:\n    domain: bbbtest.pstn.twilio.com\n    username: bbbuser\n    password: "${password}"\n`;
}

function configFor(tree: ServerTree, mode: 'dedicated' | 'external', opts: { dialin?: Record<string, number | boolean>; password?: string } = {}): string {
  const base = harnessConfig({ profile: mode, port: tree.ports.dedicated, dialin: opts.dialin ?? {} });
  return opts.password ? base.replace('twilio:\n', `twilio:\n${termination(opts.password)}`) : base;
}

async function gatewayUptimeUsec(fsw: RunningFreeswitch): Promise<number | null> {
  const xml = await fsw.api(`sofia xmlstatus gateway ${GATEWAY}`);
  const m = /<uptime-usec>(\d+)<\/uptime-usec>/.exec(xml);
  return m ? Number(m[1]) : null;
}

export function defineDialinSuite(version: '2.7' | '3.0', mode: 'dedicated' | 'external'): void {
  describe(`real FreeSWITCH: BBB ${version} reference tree, ${mode} profile`, { skip: skipWithoutFreeswitch(), concurrency: false }, () => {
    let tree: ServerTree;
    let fsw: RunningFreeswitch;
    // Digits of this tree's PIN length: a meeting with a web user, one with nobody, and wrong entries.
    let PIN = '';
    let EMPTY_PIN = '';
    const wrong = (d: string): string => d.repeat(PIN.length);
    /** Calls up on BBB's external profile while apply loads the dedicated profile (dedicated mode only). */
    const bystanders: RealCall[] = [];

    before(async () => {
      // External mode: the STUN placeholders become 127.0.0.9, so only our edits can make them 127.0.0.1.
      tree = await prepareServerTree({ kind: 'reference', version }, { externalIp: mode === 'external' ? '127.0.0.9' : ADDR.server });
      const length = await treePinLength(tree);
      PIN = '123456789012'.slice(0, length);
      EMPTY_PIN = '543210987654'.slice(0, length);
      await fs.writeFile(
        path.join(tree.conf, 'dialplan/public/00_test_bystander.xml'),
        // One element a line: FreeSWITCH's pre-processor drops any line that holds `<include>`.
        '<include>\n  <extension name="test_bystander">\n    <condition field="destination_number" expression="^bystander$">\n' +
          '      <action application="answer"/>\n      <action application="park"/>\n    </condition>\n  </extension>\n</include>\n',
      );
      await tree.writeConfig(configFor(tree, mode, { password: 'FirstPassw0rdXY' }));
      if (mode === 'dedicated') {
        // FreeSWITCH runs before bbb-twilio is applied: apply must start the new profile without touching calls.
        fsw = await startFreeswitch(tree);
        for (let i = 0; i < 3; i += 1) {
          const call = await placeCall(fsw, { to: 'bystander', from: `+1555000900${i}`, profile: 'external', via: 'rogue' });
          await call.waitForApp('park');
          bystanders.push(call);
        }
        const apply = await tree.cli(['apply', '--yes']);
        assert.equal(apply.code, 0, apply.stdout + apply.stderr);
        await waitUntil('the bbb-twilio profile RUNNING', async () => PROFILE_RUNNING.test(await fsw.api('sofia status')));
      } else {
        const apply = await tree.cli(['apply', '--yes']);
        assert.equal(apply.code, 0, apply.stdout + apply.stderr);
        fsw = await startFreeswitch(tree);
      }
      await joinWebUser(fsw, PIN);
    });

    after(async () => {
      await fsw?.stop();
    });

    if (mode === 'dedicated') {
      test('apply on a running FreeSWITCH starts the dedicated profile and drops none of the calls up on the external profile', async () => {
        assert.match(await fsw.api('sofia status'), PROFILE_RUNNING);
        const hangups = fsw.events.all.filter(
          (e) => header(e, 'Event-Name') === 'CHANNEL_HANGUP_COMPLETE' && bystanders.some((b) => b.carrierUuid === header(e, 'Unique-ID')),
        );
        assert.equal(hangups.length, 0, 'dropped calls');
        for (const b of bystanders) assert.equal((await fsw.api(`uuid_exists ${b.carrierUuid}`)).trim(), 'true');
        for (const b of bystanders) await b.hangup();
      });
    } else {
      test('the vars.xml / external.xml edits give the external profile Ext-SIP-IP and Ext-RTP-IP = publicIp', async () => {
        const status = await fsw.api('sofia status profile external');
        assert.match(status, /^Ext-SIP-IP\s+127\.0\.0\.1$/m, status);
        assert.match(status, /^Ext-RTP-IP\s+127\.0\.0\.1$/m, status);
      });
    }

    describe('calls', { concurrency: true }, () => {
      for (const [form, to] of [['+E164', '+16135550142'], ['E164', '16135550142'], ['00E164', '0016135550142'], ['second number', '+442079460018']] as const) {
        test(`the right PIN joins the conference, dialled as ${form}, named by the masked number`, async () => {
          const outcome = await callWithPins(fsw, mode, '+15005550101', [PIN], to);
          assert.equal(outcome.joined, PIN, outcome.applications.join('\n'));
          assert.equal(outcome.memberName, 'xxx-xxx-0101');
        });
      }

      test('a mistyped then right PIN joins', async () => {
        const outcome = await callWithPins(fsw, mode, '+15005550102', [wrong('9'), PIN]);
        assert.equal(outcome.joined, PIN);
        assert.ok(outcome.applications.some((a) => a === 'playback conference/conf-bad-pin.wav'));
      });

      test('wrong PINs end in goodbye and hang-up after dialin.tries', async () => {
        const outcome = await callWithPins(fsw, mode, '+15005550103', [wrong('9'), wrong('8'), wrong('7')]);
        assert.equal(outcome.joined, null);
        assert.equal(outcome.hangupCause, 'NORMAL_CLEARING');
        assert.equal(outcome.applications.filter((a) => a.startsWith('play_and_get_digits')).length, 3);
        assert.ok(outcome.applications.includes('playback voicemail/vm-goodbye.wav'));
      });

      test('the PIN of a meeting with nobody in its audio does not join', async () => {
        const outcome = await callWithPins(fsw, mode, '+15005550104', [EMPTY_PIN, EMPTY_PIN, EMPTY_PIN]);
        assert.equal(outcome.joined, null);
        assert.equal(outcome.hangupCause, 'NORMAL_CLEARING');
        assert.equal((await fsw.api(`conference ${EMPTY_PIN} list`)).trim(), `-ERR Conference ${EMPTY_PIN} not found`);
      });

      test(`a call from outside signalingCidrs is ${mode === 'dedicated' ? 'refused with 403' : 'not routed'}`, async () => {
        const call = await placeCall(fsw, { to: NUMBER, from: '+15005550105', profile: mode, via: 'rogue' });
        const outcome = await call.ended();
        assert.equal(outcome.joined, null);
        if (mode === 'dedicated') {
          assert.equal(outcome.sipStatus, '403');
        } else {
          assert.ok(!outcome.applications.some((a) => a.includes('bbb_twilio')), outcome.applications.join('\n'));
          // BBB's public context still runs its catch-all `outside_call` (set, export), but nothing answers.
          assert.ok(!outcome.applications.includes('answer'), outcome.applications.join('\n'));
        }
      });

      test('a withheld number is turned away (dialin.allowAnonymous false) before any PIN prompt', async () => {
        const call = await placeCall(fsw, { to: NUMBER, from: null, profile: mode });
        const outcome = await call.ended();
        assert.equal(outcome.joined, null);
        assert.equal(outcome.hangupCause, 'CALL_REJECTED');
        assert.ok(!outcome.applications.some((a) => a.startsWith('play_and_get_digits')));
      });

      for (const [label, hostile] of [['a shell', '$(touch {F})'], ['an API call', '${system touch {F}}'], ['XML', '</x><y a="&amp;">{F}']] as const) {
        test(`a hostile caller name (${label}) reaches nothing: the member is named by the masked number`, async () => {
          const sentinel = path.join(os.tmpdir(), `bbb-twilio-hostile-${process.pid}-${label.replace(/\W/g, '')}`);
          const call = await placeCall(fsw, { to: NUMBER, from: '+15005550106', callerName: hostile.replace('{F}', sentinel), profile: mode });
          await call.waitForApp('play_and_get_digits');
          await call.press(PIN);
          const outcome = await call.outcome();
          assert.equal(outcome.joined, PIN);
          assert.equal(outcome.memberName, 'xxx-xxx-0106');
          assert.equal(existsSync(sentinel), false, 'the caller name was run');
          const list = await fsw.api(`conference ${PIN} list`);
          assert.ok(!list.includes('touch'), list);
        });
      }

      test('doctor against the live FreeSWITCH reports the profile running with the right external addresses', async () => {
        const doctor = await tree.cli(['doctor', '--json', '--offline']);
        const report = JSON.parse(doctor.stdout) as { checks: { id: string; status: string; finding: string }[] };
        const profile = report.checks.find((c) => c.id === 'sip-profile-running');
        assert.ok(profile, doctor.stdout);
        assert.equal(profile.status, 'ok', profile.finding);
        assert.match(profile.finding, /RUNNING/);
        assert.match(profile.finding, /external address 127\.0\.0\.1/);
      });
    });

    describe('after apply with a changed config on the running FreeSWITCH', { concurrency: true }, () => {
      let uptimeBefore: number | null = null;
      before(async () => {
        uptimeBefore = await gatewayUptimeUsec(fsw);
        await tree.writeConfig(configFor(tree, mode, { dialin: { allowAnonymous: true, maxCallMinutes: 1 }, password: 'SecondPassw0rdXY' }));
        const apply = await tree.cli(['apply', '--yes']);
        assert.equal(apply.code, 0, apply.stdout + apply.stderr);
      });

      test('a changed gateway password is loaded: the gateway is unloaded and read anew, never "Ignoring duplicate gateway"', async () => {
        assert.ok(uptimeBefore !== null, 'the gateway was loaded by the first apply');
        const log = await fs.readFile(path.join(tree.work, 'log/freeswitch.log'), 'utf8');
        assert.doesNotMatch(log, /Ignoring duplicate gateway/);
        await waitUntil('one gateway, read anew', async () => {
          const uptime = await gatewayUptimeUsec(fsw);
          const listed = (await fsw.api('sofia status')).split('\n').filter((l) => l.includes(`::${GATEWAY}`)).length;
          return uptime !== null && uptimeBefore !== null && uptime < uptimeBefore && listed === 1;
        }, 15_000);
      });

      test('a withheld number joins as "Phone caller" once dialin.allowAnonymous is true', async () => {
        const call = await placeCall(fsw, { to: NUMBER, from: null, profile: mode });
        await call.waitForApp('play_and_get_digits');
        await call.press(PIN);
        const outcome = await call.outcome();
        assert.equal(outcome.joined, PIN);
        assert.equal(outcome.memberName, 'Phone caller');
      });

      test('dialin.maxCallMinutes hangs a joined call up', async () => {
        const call = await placeCall(fsw, { to: NUMBER, from: '+15005550107', profile: mode });
        await call.waitForApp('play_and_get_digits');
        await call.press(PIN);
        assert.equal((await call.outcome()).joined, PIN);
        const ended = await call.ended(90_000);
        assert.equal(ended.hangupCause, 'ALLOTTED_TIMEOUT');
      });
    });

    describe('rollback and uninstall', () => {
      /** `why`: the output of the commands that should have removed them, for the failure message. */
      const ourProfileGone = async (why = ''): Promise<void> => {
        const status = await fsw.api('sofia status');
        assert.ok(!status.includes(GATEWAY), `${status}\n${why}`);
        if (mode === 'dedicated') assert.doesNotMatch(status, /^\s*bbb-twilio\s+profile/m);
        const dialplan = await fsw.api('xml_locate dialplan');
        assert.ok(!dialplan.includes('bbb-twilio-dialin'), 'our dialplan is still loaded');
        assert.ok(!dialplan.includes('context name="bbb-twilio"'));
      };

      test('rollback of every run leaves FreeSWITCH without our profile, dialplan and gateway', async () => {
        const list = JSON.parse((await tree.cli(['rollback', '--list', '--json'])).stdout) as { id: string }[];
        const first = list[0]?.id ?? '';
        const rollback = await tree.cli(['rollback', '--yes', '--to', first]);
        assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
        await waitUntil('our gateway to be reaped', async () => !(await fsw.api('sofia status')).includes(GATEWAY), 15_000).catch(() => undefined);
        await ourProfileGone();
      });

      test('uninstall after a new apply leaves FreeSWITCH without our profile, dialplan and gateway', async () => {
        const apply = await tree.cli(['apply', '--yes']);
        assert.equal(apply.code, 0, apply.stdout + apply.stderr);
        assert.ok((await fsw.api('xml_locate dialplan')).includes('bbb-twilio-dialin'));
        const uninstall = await tree.cli(['uninstall', '--yes']);
        assert.equal(uninstall.code, 0, uninstall.stdout + uninstall.stderr);
        await waitUntil('our gateway to be reaped', async () => !(await fsw.api('sofia status')).includes(GATEWAY), 15_000).catch(() => undefined);
        await ourProfileGone(`apply:\n${apply.stdout.split('\n').filter((l) => /ran|FAILED|postponed|fs_cli|systemctl/.test(l)).join('\n')}\nuninstall:\n${uninstall.stdout.split('\n').filter((l) => /ran|FAILED|postponed|fs_cli|systemctl/.test(l)).join('\n')}`);
      });
    });
  });
}
