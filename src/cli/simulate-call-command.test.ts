import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SimulationResult } from '../freeswitch/simulator/types.js';
import { main } from './main.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../test/simulator/fixtures/bbb-like');
const DIALPLAN = 'opt/freeswitch/etc/freeswitch/dialplan/bbb-twilio.xml';

let root: string;

/** The BBB-like server, its dial-in dialplan given the call service's hand-over before the static PIN flow. */
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'simulate-service-'));
  await fs.cp(FIXTURE, root, { recursive: true });
  const file = path.join(root, DIALPLAN);
  const text = await fs.readFile(file, 'utf8');
  const handOver = `<action application="set" data="socket_resume=true"/>
        <action application="socket" data="127.0.0.1:8084 async full"/>
        <action application="transfer" data="pin_1 XML bbb-twilio"/>`;
  assert.ok(text.includes('<action application="transfer" data="pin_1 XML bbb-twilio"/>'));
  await fs.writeFile(file, text.replace('<action application="transfer" data="pin_1 XML bbb-twilio"/>', handOver));
});

after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdinIsTTY: false, env: {} };
  const code = await main(['node', 'bbb-twilio', 'simulate-call', '--root', root, '--to', '+16135551234', '--from', '+16135550142', ...args], io);
  return { code, out, err };
}

describe('simulate-call --meeting', () => {
  it('shows the call service holding a caller, a web user joining, and the join, in readable lines', async () => {
    const { code, out } = await cli('--dtmf', '55555', '--meeting', '55555:waiting', '--meeting', '12345');
    assert.equal(code, 0, out);
    assert.match(out, /^Simulated call: .*\(no SIP, no media, the call service's time simulated\)\n/);
    assert.match(out, /call service: run in-process at `socket`, in simulated time, with default settings; BBB meetings: 55555 \(nobody joined yet\), 12345/);
    assert.match(out, /socket 127\.0\.0\.1:8084 async full {2}→ outbound event socket to 127\.0\.0\.1:8084: the call service \(in-process, --meeting\) takes the call/);
    assert.match(out, /call service \+2\.2s +PIN 55555: a known PIN: no # needed/);
    assert.match(out, /call service \+2\.2s +waiting: meeting 55555 has not started/);
    assert.match(out, /call service \+32\.2s +a web user joined meeting 55555/);
    assert.equal(out.trimEnd().split('\n').at(-1), 'Outcome: call service: joined_after_wait; joined conference 55555@cdquality as "xxx-xxx-0142"');
  });

  it('gives the service outcome in the JSON outcome, beside the fields it always had', async () => {
    const { code, out } = await cli('--dtmf', '12345', '--meeting', '12345', '--json');
    assert.equal(code, 0, out);
    const r = JSON.parse(out) as SimulationResult;
    assert.deepEqual(r.outcome, { kind: 'conference', target: '12345@cdquality', cause: null, callerIdName: 'xxx-xxx-0142', service: 'joined' });
    assert.ok(r.timeline.some((e) => e.kind === 'service' && e.result === 'PIN 12345: a known PIN: no # needed' && e.seconds === 2.2));
  });

  it('without --meeting runs the static flow after socket, joining via --active as before', async () => {
    const { code, out } = await cli('--dtmf', '12345#', '--active', '12345', '--json');
    assert.equal(code, 0, out);
    const r = JSON.parse(out) as SimulationResult;
    assert.deepEqual(r.outcome, { kind: 'conference', target: '12345@cdquality', cause: null, callerIdName: 'xxx-xxx-0142' });
    assert.ok(r.timeline.some((e) => e.app === 'play_and_get_digits'));
    assert.ok(!r.timeline.some((e) => e.kind === 'service'));
  });

  it('refuses a --meeting that is not a PIN with one error line and exit 1', async () => {
    const { code, out, err } = await cli('--meeting', '1234:later');
    assert.equal(code, 1);
    assert.equal(out, '');
    assert.match(err, /^error: --meeting "1234:later" is not a meeting\n.*--meeting 12345 or --meeting 55555:waiting/);
  });

  it('explains --meeting in --help', async () => {
    const { out } = await cli('--help').catch(() => ({ out: '', code: 0, err: '' }));
    assert.match(out.replace(/\s+/g, ' '), /--meeting <meeting\.\.\.> BBB meetings for the call service, PIN or PIN:waiting/);
    assert.match(out.replace(/\s+/g, ' '), /a web user joins 30 simulated seconds after the caller starts to hold/);
  });
});
