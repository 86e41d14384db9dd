import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { LocalHost } from '../host/local-host.js';
import { diffSnapshots, snapshotTree } from '../host/tree-snapshot.js';
import { TreeUfwHost } from '../host/tree-ufw-host.js';
import { useColor, type CliIo } from './io.js';

/** The sandbox Twilio account's SID: AC and 32 hex digits, like a real one. */
export const DEMO_ACCOUNT_SID = `AC${'5a4db0c0'.repeat(4)}`;

export const DEMO_CONFIG = `# bbb-twilio demo configuration (see examples/config.yml for every key)
server:
  publicIp: 203.0.113.10
numbers:
  - "+1 613-555-0142"
  - number: "+44 20 7946 0018"
    label: UK
sip:
  profile: dedicated
  port: 5080
dialin:
  tries: 3
  maskCallerId: true
twilio:
  # the demo's sandbox Twilio account (an in-process emulator of Twilio's API)
  accountSid: ${DEMO_ACCOUNT_SID}
callService:
  lockout:
    failures: 3
`;

/** The sandbox tree: our own sample of a stock BBB 3.0 server, shipped with the package. */
export function sandboxSource(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'test', 'fixtures', 'bbb-3.0');
}


/** The CLI itself, handed in by main so the demo runs the very commands a user types (and imports nothing above it). */
export type RunCli = (argv: string[], io: CliIo) => Promise<number>;

export async function runDemo(opts: { keep?: boolean }, io: CliIo, main: RunCli): Promise<number> {
  const c = pc.createColors(useColor(io));
  const sandbox = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-demo-'));
  const root = path.join(sandbox, 'server');
  await fs.cp(sandboxSource(), root, { recursive: true, verbatimSymlinks: true });
  const configFile = path.join(root, 'etc', 'bbb-twilio', 'config.yml');
  await fs.mkdir(path.dirname(configFile), { recursive: true });
  await fs.writeFile(configFile, DEMO_CONFIG, { mode: 0o600 });
  const before = await snapshotTree(root);

  // The sandbox Twilio account: the API emulator in this process, holding the demo's two numbers. The UK one
  // still rings an old IVR, so the plan shows why bbb-twilio does not move it without --force-numbers.
  const { startTwilioEmulator } = await import('../twilio/sandbox/twilio-emulator.js');
  const authToken = randomBytes(16).toString('hex');
  const twilio = await startTwilioEmulator({ accountSid: DEMO_ACCOUNT_SID, authToken });
  twilio.state.addIncomingNumber({ phoneNumber: '+16135550142', voiceUrl: 'https://demo.twilio.com/welcome/voice/' });
  twilio.state.addIncomingNumber({ phoneNumber: '+442079460018', voiceUrl: 'https://ivr.example.org/old-menu' });
  try {
    const twilioEnv = { TWILIO_AUTH_TOKEN: authToken, BBB_TWILIO_API_URL: twilio.url };
    const account = (): string => {
      const trunks = [...twilio.state.trunks.values()].filter((t) => t.friendlyName === 'bbb-twilio').length;
      const numbers = [...twilio.state.incomingNumbers.values()].map((n) => `${n.phoneNumber} (${n.trunkSid === null ? 'no trunk' : 'on a trunk'})`);
      return `${trunks} trunk named bbb-twilio; numbers still in the account: ${numbers.join(', ')}`;
    };
    return await walkThrough({ opts, io, c, sandbox, root, configFile, before, twilioEnv, account, main });
  } finally {
    await twilio.close();
  }
}

interface DemoRun {
  opts: { keep?: boolean };
  main: RunCli;
  io: CliIo;
  c: ReturnType<typeof pc.createColors>;
  sandbox: string;
  root: string;
  configFile: string;
  before: Map<string, string>;
  twilioEnv: NodeJS.ProcessEnv;
  /** The sandbox Twilio account in one line. */
  account: () => string;
}

async function walkThrough({ opts, io, c, sandbox, root, configFile, before, twilioEnv, account, main }: DemoRun): Promise<number> {
  const sandboxIo: CliIo = {
    ...io,
    env: { ...io.env, ...twilioEnv },
    makeHost: (dir) => new TreeUfwHost(new LocalHost(dir)),
  };
  const step = (n: number, title: string, command: string): void => {
    io.stdout.write(`\n${c.bold(c.cyan(`── ${n}. ${title}`))}\n${c.dim(`$ ${command}`)}\n\n`);
  };
  io.stdout.write(
    c.bold('bbb-twilio demo') +
      `: a sandbox BigBlueButton 3.0 server in ${root}\n` +
      c.dim(`config: ${configFile}\n`) +
      c.dim('Nothing outside the sandbox is touched; system commands are recorded, not run.\n') +
      c.dim(`Twilio: a sandbox account (${DEMO_ACCOUNT_SID}) emulated in this process at ${twilioEnv.BBB_TWILIO_API_URL}.\n`),
  );
  const cli = (args: string[]): Promise<number> => main(['node', 'bbb-twilio', ...args, '--root', root], sandboxIo);

  step(1, 'Plan: what bbb-twilio would change, before it changes anything', 'bbb-twilio plan');
  if ((await cli(['plan'])) !== 0) return 1;
  // The sandbox has no FreeSWITCH: --no-reload lists the FreeSWITCH commands instead of trying to send them.
  step(2, 'Apply: journaled, backed up, atomic; undone on any failure', 'bbb-twilio apply --yes --no-reload');
  if ((await cli(['apply', '--yes', '--no-reload'])) !== 0) return 1;
  // --detailed-exitcode would say 2 here for the FreeSWITCH commands still to send (the sandbox has no FreeSWITCH):
  // --json tells a change apart from them.
  step(3, 'Plan again: idempotent, no change left (only the FreeSWITCH commands to send)', 'bbb-twilio plan');
  if ((await cli(['plan'])) !== 0) return 1;
  let json = '';
  const quiet = { ...sandboxIo, stdout: { write: (s: string) => (json += s) } };
  await main(['node', 'bbb-twilio', 'plan', '--json', '--root', root], quiet);
  if ((JSON.parse(json || '{}') as { changes?: unknown[] }).changes?.length !== 0) {
    io.stderr.write('demo: the second plan was not empty\n');
    return 1;
  }
  let n = 4;
  step(n++, 'A caller with the right PIN, while a web user is in meeting 12345', 'bbb-twilio simulate-call --to +16135550142 --dtmf 12345# --active 12345');
  await cli(['simulate-call', '--to', '+16135550142', '--from', '+15145550199', '--dtmf', '12345#', '--active', '12345']);
  step(n++, 'A caller who mistypes the PIN three times', 'bbb-twilio simulate-call --to +16135550142 --dtmf 11111#22222#33333#');
  await cli(['simulate-call', '--to', '+16135550142', '--from', '+15145550199', '--dtmf', '11111#22222#33333#', '--active', '12345']);
  step(n++, 'The call service: phone callers join before anyone has web audio, wait for a meeting to start; PIN guessers are locked out', 'bbb-twilio serve');
  // The service's lockout file lands in bbb-twilio's state dir, which the final check leaves out like the journal.
  const { demoCallService } = await import('./demo-call-service.js');
  const told = await demoCallService({
    io: sandboxIo,
    host: new LocalHost(root),
    configFile,
    cli: (args) => cli(args),
    say: (line) => io.stdout.write(`${line}\n`),
    command: (line) => io.stdout.write(`${c.dim(`$ ${line}`)}\n`),
  });
  if (!told) {
    io.stderr.write('demo: the call service did not do what the demo expects\n');
    return 1;
  }
  step(n, 'Rollback: every file back, byte for byte', 'bbb-twilio rollback --yes --no-reload');
  if ((await cli(['rollback', '--yes', '--no-reload'])) !== 0) return 1;
  step(n + 1, 'Twilio: remove what bbb-twilio created in the account (numbers are detached, never released)', 'bbb-twilio uninstall --twilio --only twilio --yes');
  if ((await cli(['uninstall', '--twilio', '--only', 'twilio', '--yes', '--no-reload'])) !== 0) return 1;

  const differing = diffSnapshots(before, await snapshotTree(root));
  if (differing.length > 0) {
    io.stderr.write(`demo: rollback left differences: ${differing.join(', ')}\n`);
    return 1;
  }
  io.stdout.write(`\n${c.green(`Checked: all ${before.size} files and folders of the sandbox are byte for byte as before.`)}\n`);
  io.stdout.write(`${c.green('Sandbox Twilio account:')} ${account()}.\n`);
  if (opts.keep) io.stdout.write(`Sandbox kept in ${sandbox}\n`);
  else await fs.rm(sandbox, { recursive: true, force: true });
  io.stdout.write(`\nOn a real server: write /etc/bbb-twilio/config.yml (see examples/config.yml), then bbb-twilio plan.\n`);
  return 0;
}
