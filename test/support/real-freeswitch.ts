// The real-FreeSWITCH test harness: a BBB server tree (FreeSWITCH's vanilla config with a BBB reference or fixture
// tree laid over it, as BBB forks it), bbb-twilio applied to it by the CLI itself, the loopback adaptations that
// ../shared/freeswitch/README.md lists, and a FreeSWITCH 1.10.12 process on free ports, stopped by pid at the end.
// A "carrier" profile on 127.0.0.2 plays Twilio, a "rogue" one on 127.0.0.4 is a source outside signalingCidrs,
// and a "webaudio" profile on 127.0.0.3 lets a call arrive the way BBB's web audio does (bbb_authorized=true, then
// `<pin> XML default`, a sofia channel in the default context). Calls are driven in real-freeswitch-calls.ts.
// Without ../shared/freeswitch every test that needs this skips with one line.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EslClient, type EslEvent } from '../../src/freeswitch/esl-client.js';
import { headerValue } from '../../src/freeswitch/esl-frame.js';
import { pointTreeAtEsl } from './freeswitch-tree.js';
import { FIXTURES, runCli, writeConfig, type CliRun } from './tree.js';

const PREFIX = '/opt/freeswitch';
const FS_BIN = path.join(PREFIX, 'bin/freeswitch');
const VANILLA = path.join(PREFIX, 'conf-vanilla');
const SOUNDS = path.join(PREFIX, 'share/freeswitch/sounds');
const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED = path.resolve(PROJECT, '..', 'shared');
const SHARED_FS = path.join(SHARED, 'freeswitch');
export const REFERENCE_BBB = path.join(SHARED, 'reference', 'bbb');
export const CONF_DIR = 'opt/freeswitch/etc/freeswitch';

/** Loopback addresses of the test's parties (all in 127.0.0.0/8, which Linux routes to lo without setup). */
export const ADDR = { server: '127.0.0.1', carrier: '127.0.0.2', webaudio: '127.0.0.3', rogue: '127.0.0.4' } as const;
export const ESL_PASSWORD = 'HarnessSecret42';

let availability: string | true | undefined;

/**
 * `true` when a real FreeSWITCH can run here, else the one-line reason to skip. Runs setup.sh once when the
 * binary is missing but ../shared/freeswitch is there.
 */
export function realFreeswitch(): string | true {
  if (availability !== undefined) return availability;
  if (!existsSync(REFERENCE_BBB)) {
    availability = `real FreeSWITCH tests skipped: ${REFERENCE_BBB} is absent (BBB's own configuration trees they run on)`;
    return availability;
  }
  if (!existsSync(FS_BIN) || !existsSync(VANILLA)) {
    if (!existsSync(path.join(SHARED_FS, 'setup.sh'))) {
      availability = `real FreeSWITCH tests skipped: ${SHARED_FS} is absent (it ships FreeSWITCH 1.10.12 and its setup.sh)`;
      return availability;
    }
    try {
      execFileSync('bash', [path.join(SHARED_FS, 'setup.sh')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
    } catch (err) {
      availability = `real FreeSWITCH tests skipped: ${SHARED_FS}/setup.sh failed: ${(err as Error).message.split('\n')[0]}`;
      return availability;
    }
  }
  availability = existsSync(FS_BIN) ? true : `real FreeSWITCH tests skipped: ${FS_BIN} missing after setup.sh`;
  return availability;
}

/** For `test(name, { skip: skipWithoutFreeswitch() }, ...)`: false, or the reason printed once by node:test. */
export function skipWithoutFreeswitch(): string | false {
  const ok = realFreeswitch();
  return ok === true ? false : ok;
}

export type TreeSource = { kind: 'reference' | 'fixture'; version: '2.7' | '3.0' };

export interface Ports {
  external: number;
  internal: number;
  externalWs: number;
  externalWss: number;
  internalWs: number;
  internalWss: number;
  esl: number;
  dedicated: number;
  carrier: number;
  rogue: number;
  webaudio: number;
  rtpStart: number;
  rtpEnd: number;
}

export interface ServerTree {
  root: string;
  conf: string;
  ports: Ports;
  /** The running server's dir for logs, db, run, ...: kept on failure, removed with the tree otherwise. */
  work: string;
  /** The CLI in-process against this tree (`--root` added). */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  writeConfig(yaml: string): Promise<void>;
}

const cleanups: string[] = [];
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  if (process.env.KEEP_FS_TREES === '1') return;
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

/**
 * A port free for TCP and UDP on `ip` (SIP listens on both), drawn from 21000-29999: below Linux's ephemeral range,
 * so an outgoing socket cannot take it between this check and FreeSWITCH's bind, and apart from the RTP windows.
 */
async function freePort(ip: string, taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 21000 + Math.floor(Math.random() * 9000);
    if (taken.has(port)) continue;
    const tcpFree = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, ip, () => server.close(() => resolve(true)));
    });
    if (!tcpFree) continue;
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = dgram.createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, ip, () => sock.close(() => resolve(true)));
    });
    if (udpFree) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port on ${ip}`);
}

const handedOut = new Set<number>();

const RTP_WINDOW = 1000;
/**
 * Each server gets its own RTP window in 10000-19999, claimed with an exclusive lock file, so servers of test files
 * running in parallel never hand out the same port. A lock whose process is gone is taken over.
 */
function claimRtpWindow(): number {
  for (let k = 0; k < 10; k += 1) {
    const lock = path.join(os.tmpdir(), `bbb-twilio-rtp-window-${k}.lock`);
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      const owner = Number(readFileSync(lock, 'utf8'));
      if (owner === process.pid || processAlive(owner)) continue;
      writeFileSync(lock, String(process.pid));
    }
    cleanups.push(lock);
    return 10000 + k * RTP_WINDOW;
  }
  throw new Error('harness: all ten RTP windows are taken by running test processes');
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One more free port on `ip`, for profiles a test adds to its tree. */
export function allocatePort(ip: string = ADDR.server): Promise<number> {
  return freePort(ip, handedOut);
}

async function choosePorts(): Promise<Ports> {
  const on = (ip: string): Promise<number> => freePort(ip, handedOut);
  const window = claimRtpWindow();
  return {
    external: await on(ADDR.server),
    internal: await on(ADDR.server),
    externalWs: await on(ADDR.server),
    externalWss: await on(ADDR.server),
    internalWs: await on(ADDR.server),
    internalWss: await on(ADDR.server),
    esl: await on(ADDR.server),
    dedicated: await on(ADDR.server),
    carrier: await on(ADDR.carrier),
    rogue: await on(ADDR.rogue),
    webaudio: await on(ADDR.webaudio),
    rtpStart: window,
    rtpEnd: window + RTP_WINDOW - 2,
  };
}

/**
 * Apply replacements to a file. A `required` one that matches nothing fails loudly: an adaptation that silently
 * does nothing hides bugs. The others apply where the tree has the setting.
 */
async function rewrite(file: string, edits: [RegExp, string, 'required' | 'if-present'][]): Promise<void> {
  let text = await fs.readFile(file, 'utf8');
  for (const [re, replacement, need] of edits) {
    if (need === 'required' && !re.test(text)) throw new Error(`harness: ${re} not found in ${file}`);
    text = text.replace(re, replacement);
  }
  await fs.writeFile(file, text);
}

/**
 * A server tree: the BBB tree (reference or fixture) over FreeSWITCH's vanilla config, with only BBB's dialplans
 * (README "What a BBB tree needs"), ports rewritten to free ones, and the test parties' profiles added. The
 * external profile's public addresses are left as BBB ships them except the STUN lookups (no internet here), which
 * point at `externalIp` (default 127.0.0.1); external mode's own edits then show in `sofia status`.
 */
export async function prepareServerTree(source: TreeSource, opts: { externalIp?: string } = {}): Promise<ServerTree> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), `bbb-twilio-fs-${source.kind}-${source.version}-`));
  cleanups.push(root);
  const from = source.kind === 'reference' ? path.join(REFERENCE_BBB, source.version) : path.join(FIXTURES, `bbb-${source.version}`);
  execFileSync('cp', ['-a', `${from}/.`, root]);
  execFileSync('chmod', ['-R', 'u+w', root]);
  const conf = path.join(root, CONF_DIR);
  const bbbConf = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-fs-bbbconf-'));
  execFileSync('cp', ['-a', `${conf}/.`, bbbConf]);
  await fs.rm(conf, { recursive: true });
  execFileSync('cp', ['-rL', VANILLA, conf]);
  execFileSync('bash', ['-c', `rm -rf "${conf}"/dialplan/default/* "${conf}"/dialplan/public/* "${conf}"/sip_profiles/*-ipv6*`]);
  execFileSync('cp', ['-a', `${bbbConf}/.`, conf]);
  await fs.rm(bbbConf, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', conf]);

  const ports = await choosePorts();
  await adaptForLoopback(root, conf, ports, opts.externalIp ?? ADDR.server);
  await addTestParties(conf, ports);

  const work = path.join(root, 'fsrun');
  for (const dir of ['log', 'db', 'run', 'certs', 'temp', 'recordings', 'storage', 'cache']) {
    await fs.mkdir(path.join(work, dir), { recursive: true });
  }
  return {
    root,
    conf,
    ports,
    work,
    cli: (args, env) => runCli([...args, '--root', root], { env: env ?? {} }),
    writeConfig: async (yaml) => {
      await writeConfig(root, yaml);
    },
  };
}

/** The loopback adaptations of ../shared/freeswitch/README.md, plus free ports instead of BBB's fixed ones. */
async function adaptForLoopback(root: string, conf: string, ports: Ports, externalIp: string): Promise<void> {
  await rewrite(path.join(conf, 'vars.xml'), [
    [/data="local_ip_v4=[^"]*"/, `data="local_ip_v4=${ADDR.server}"`, 'required'],
    // STUN needs the internet: point the lookups at a loopback address instead (only those: an IP stays).
    [/data="(external_(?:rtp|sip)_ip)=stun:[^"]*"/g, `data="$1=${externalIp}"`, 'if-present'],
    [/data="external_sip_port=\d+"/, `data="external_sip_port=${ports.external}"`, 'if-present'],
  ]);
  // Ports BBB hard-codes in its profiles.
  await rewrite(path.join(conf, 'sip_profiles/external.xml'), [
    [/name="ws-binding"\s+value=":\d+"/, `name="ws-binding" value=":${ports.externalWs}"`, 'required'],
    [/name="wss-binding"\s+value=":\d+"/, `name="wss-binding" value=":${ports.externalWss}"`, 'required'],
  ]);
  await rewrite(path.join(conf, 'sip_profiles/internal.xml'), [
    [/name="sip-port" value="[^"]*"/, `name="sip-port" value="${ports.internal}"`, 'required'],
    [/name="ws-binding"\s+value=":\d+"/, `name="ws-binding" value=":${ports.internalWs}"`, 'required'],
    [/name="wss-binding"\s+value=":\d+"/, `name="wss-binding" value=":${ports.internalWss}"`, 'required'],
  ]);
  // Our own event-socket port and password; BBB's ACL (localnet.auto) refuses 127.0.0.1 on this build.
  await pointTreeAtEsl(root, ports.esl, ESL_PASSWORD, ADDR.server);
  await rewrite(path.join(conf, 'autoload_configs/event_socket.conf.xml'), [
    [/name="apply-inbound-acl" value="[^"]*"/, 'name="apply-inbound-acl" value="loopback.auto"', 'if-present'],
  ]);
  await rewrite(path.join(conf, 'autoload_configs/switch.conf.xml'), [
    [/name="rtp-start-port" value="[^"]*"/, `name="rtp-start-port" value="${ports.rtpStart}"`, 'required'],
    [/name="rtp-end-port" value="[^"]*"/, `name="rtp-end-port" value="${ports.rtpEnd}"`, 'required'],
  ]);
}

export function partyProfile(name: string, ip: string, port: number, context: string): string {
  return `<profile name="${name}">
  <!-- test only: ${name} on ${ip}:${port} -->
  <settings>
    <param name="context" value="${context}"/>
    <param name="dialplan" value="XML"/>
    <param name="sip-ip" value="${ip}"/>
    <param name="rtp-ip" value="${ip}"/>
    <param name="sip-port" value="${port}"/>
    <param name="auth-calls" value="false"/>
    <param name="dtmf-type" value="rfc2833"/>
    <param name="rfc2833-pt" value="101"/>
    <param name="inbound-codec-prefs" value="PCMU,PCMA"/>
    <param name="outbound-codec-prefs" value="PCMU,PCMA"/>
    <param name="rtp-timer-name" value="soft"/>
    <param name="manage-presence" value="false"/>
    <param name="local-network-acl" value="none"/>
    <param name="dbname" value="sqlite://memory://file:${name}?mode=memory&amp;cache=shared"/>
  </settings>
</profile>
`;
}

async function addTestParties(conf: string, ports: Ports): Promise<void> {
  await fs.writeFile(path.join(conf, 'sip_profiles/test-carrier.xml'), partyProfile('carrier', ADDR.carrier, ports.carrier, 'test-reject'));
  await fs.writeFile(path.join(conf, 'sip_profiles/test-rogue.xml'), partyProfile('rogue', ADDR.rogue, ports.rogue, 'test-reject'));
  await fs.writeFile(path.join(conf, 'sip_profiles/test-webaudio.xml'), partyProfile('webaudio', ADDR.webaudio, ports.webaudio, 'test-webaudio'));
  // The carrier never accepts calls; the web user's call does what BBB's bbb_webrtc.xml does for browser audio.
  await fs.writeFile(
    path.join(conf, 'dialplan/test-parties.xml'),
    `<include>
  <context name="test-reject">
    <extension name="reject"><condition field="destination_number" expression="^.*$"><action application="hangup" data="CALL_REJECTED"/></condition></extension>
  </context>
  <context name="test-webaudio">
    <extension name="web_audio_like_bbb_webrtc">
      <condition field="destination_number" expression="^(\\d{5,11})$">
        <action application="set" data="bbb_authorized=true"/>
        <action application="transfer" data="$1 XML default"/>
      </condition>
    </extension>
  </context>
</include>
`,
  );
}

export interface RunningFreeswitch {
  pid: number;
  tree: ServerTree;
  /** One ESL connection for commands; `events` records every channel and conference event. */
  esl: EslClient;
  events: EventLog;
  api(command: string): Promise<string>;
  /** The tail of freeswitch.log, for failure messages. */
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Every event seen, with waiters: the calls' timelines are read from it. */
export class EventLog {
  readonly all: EslEvent[] = [];
  private readonly waiters = new Set<() => void>();

  push(event: EslEvent): void {
    this.all.push(event);
    for (const wake of [...this.waiters]) wake();
  }

  /** The first event (already seen or still to come) that `match` accepts, within `timeoutMs`. */
  async waitFor(what: string, match: (e: EslEvent) => boolean, timeoutMs = 20_000, from = 0): Promise<EslEvent> {
    const seen = this.all.slice(from).find(match);
    if (seen) return seen;
    return new Promise<EslEvent>((resolve, reject) => {
      let index = this.all.length;
      const check = (): void => {
        for (; index < this.all.length; index += 1) {
          const event = this.all[index] as EslEvent;
          if (match(event)) {
            done();
            resolve(event);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}

export function header(e: EslEvent, name: string): string | undefined {
  return headerValue(e.headers, name);
}

const WATCHED_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_ANSWER',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP_COMPLETE',
  'DTMF',
  'CUSTOM',
  'conference::maintenance',
];

/** Start FreeSWITCH on the tree (foreground, so the pid is its own), wait for the event socket and the profiles. */
export async function startFreeswitch(tree: ServerTree, opts: { profiles?: string[] } = {}): Promise<RunningFreeswitch> {
  const w = tree.work;
  const child = spawn(
    FS_BIN,
    ['-nf', '-nc', '-nonat', '-conf', tree.conf, '-log', `${w}/log`, '-db', `${w}/db`, '-run', `${w}/run`, '-certs', `${w}/certs`,
      '-temp', `${w}/temp`, '-recordings', `${w}/recordings`, '-storage', `${w}/storage`, '-cache', `${w}/cache`, '-sounds', SOUNDS],
    { stdio: ['ignore', 'ignore', 'ignore'], detached: false },
  );
  running.add(child);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const logFile = path.join(w, 'log', 'freeswitch.log');
  const logTail = async (lines = 30): Promise<string> => {
    const text = await fs.readFile(logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  };
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline) await sleep(100);
    if (!exited) child.kill('SIGKILL');
    while (!exited) await sleep(50);
  };

  let esl: EslClient | undefined;
  const deadline = Date.now() + 60_000;
  while (esl === undefined) {
    if (exited) throw new Error(`FreeSWITCH exited during start-up:\n${await logTail()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`FreeSWITCH's event socket did not answer on ${ADDR.server}:${tree.ports.esl} within 60 s:\n${await logTail()}`);
    }
    try {
      const client = await EslClient.connect({ host: ADDR.server, port: tree.ports.esl, password: ESL_PASSWORD, timeoutMs: 30_000 });
      if ((await client.api('status')).includes('is ready')) esl = client;
      else await client.close();
    } catch {
      await sleep(200);
    }
  }
  const events = new EventLog();
  const eventConn = await EslClient.connect({ host: ADDR.server, port: tree.ports.esl, password: ESL_PASSWORD, timeoutMs: 30_000 });
  eventConn.on('event', (e) => events.push(e));
  await eventConn.subscribe(WATCHED_EVENTS);
  const commandConn = esl;
  const api = (command: string): Promise<string> => commandConn.api(command);
  const fsrun: RunningFreeswitch = {
    pid: child.pid ?? 0,
    tree,
    esl: commandConn,
    events,
    api,
    logTail,
    stop: async () => {
      await eventConn.close();
      await commandConn.close();
      await stop();
    },
  };
  const want = opts.profiles ?? ['carrier', 'rogue', 'webaudio', 'external'];
  await waitUntil(`sofia profiles ${want.join(', ')} RUNNING`, async () => {
    const status = await api('sofia status');
    return want.every((p) => new RegExp(`^\\s*${p}\\s+profile\\s.*RUNNING`, 'm').test(status));
  }, 30_000).catch(async (err: Error) => {
    await fsrun.stop();
    throw new Error(`${err.message}\n${await logTail()}`);
  });
  return fsrun;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `check` until it holds, or fail naming `what`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The YAML config the harness applies: our numbers, Twilio played by 127.0.0.2, the public IP on loopback. */
export function harnessConfig(opts: {
  profile: 'dedicated' | 'external';
  port: number;
  dialin?: Record<string, string | number | boolean>;
  extra?: string;
}): string {
  const dialin = Object.entries(opts.dialin ?? {}).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? JSON.stringify(v) : String(v)}\n`).join('');
  return `server:
  publicIp: ${ADDR.server}
numbers:
  - "+1 613-555-0142"
  - "+44 20 7946 0018"
sip:
  profile: ${opts.profile}
  port: ${opts.port}
${dialin ? `dialin:\n${dialin}` : ''}twilio:
  signalingCidrs: ["${ADDR.carrier}/32"]
firewall:
  backend: none
${opts.extra ?? ''}`;
}
