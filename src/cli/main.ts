import { Command, CommanderError, Option } from 'commander';
import { processIo, type CliIo } from './io.js';
import { reportError } from './report-error.js';
import { parseSeconds } from './parse-seconds.js';

const ROOT_HELP = 'the server\'s root directory: / on the server, a copy of its files for a dry run elsewhere';
const CONFIG_HELP = 'config file (default: /etc/bbb-twilio/config.yml under --root)';
const ONLY_HELP = 'one side only: host (files, firewall, services) or twilio (the Twilio account); default: both when Twilio credentials are set';
const FORCE_NUMBERS_HELP = 'move configured numbers that now go to a voice URL, a TwiML app or another trunk (changes where their calls go)';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Build the command tree. Each action lazy-loads its module so `--help` and `plan` stay fast. */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('bbb-twilio')
    .description('Phone dial-in for BigBlueButton through a Twilio Elastic SIP Trunk.\nShows every change before it makes it, and undoes it byte for byte.')
    .option('--debug', 'show stack traces on errors')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    // Usage errors keep the shape of every other error: `error: ...`, then one `hint:` line.
    .showHelpAfterError('hint: run bbb-twilio <command> --help for its options');

  const run = (fn: () => Promise<number>) => async () => setExit(await fn());

  program
    .command('init')
    .description('first run: detect what it can, ask the rest (or take the flags), write the config (mode 0600), show the plan')
    .option('--root <dir>', ROOT_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('--public-ip <ip>', "the server's public IPv4 address (Twilio sends calls there)")
    .addOption(new Option('--number <e164>', 'a Twilio number of the account to dial in with (repeatable)').argParser(collect))
    .option('--profile <mode>', 'dedicated (own SIP profile on 5080, recommended) or external (BBB\'s external profile)')
    .option('--account-sid <sid>', 'the Twilio Account SID (AC...); the auth token comes from TWILIO_AUTH_TOKEN or a prompt')
    .option('--no-twilio-account', 'no Twilio account managed from here: the numbers (--number) are typed, the Twilio side is set up in the Console')
    .option('--api-key-sid <sid>', 'sign in with this Twilio API key (SK...); its secret comes from TWILIO_API_KEY_SECRET or a prompt')
    .option('--store-token', 'store the auth token (or API key secret) in the config file (mode 0600); default: not stored')
    .option('--overwrite', 'replace an existing config file (otherwise init asks, or refuses with --non-interactive)')
    .option('--non-interactive', 'ask nothing: every answer from the flags and TWILIO_AUTH_TOKEN; a missing one is an error')
    .action(async (opts) => {
      const { runInit } = await import('./init-command.js');
      await run(() => runInit(opts, io))();
    });

  program
    .command('plan')
    .description('show what apply would change: file diffs, firewall rules, service actions and their impact')
    .option('--root <dir>', ROOT_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('--json', 'machine-readable plan (secrets masked)')
    .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when changes are pending, 1 on error')
    .option('--only <side>', ONLY_HELP)
    .option('--force-numbers', FORCE_NUMBERS_HELP)
    .action(async (opts) => {
      const { runPlan } = await import('./plan-command.js');
      await run(() => runPlan(opts, io))();
    });

  program
    .command('apply')
    .description('make the planned changes: journaled, backed up, atomic, undone on any failure')
    .option('--root <dir>', ROOT_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--force', 'replace managed files that were edited by hand (backups are kept)')
    .option('--restart-now', 'also run restarts that drop live web audio (external profile mode) or running meetings (bbb-web)')
    .option('--when-idle', 'run those restarts once no call is up / no meeting runs (polls FreeSWITCH and getMeetings; see --idle-timeout)')
    .option('--idle-timeout <seconds>', 'with --when-idle: the longest wait before leaving the restart postponed (default 600)', parseSeconds)
    .option('--no-reload', 'send FreeSWITCH no command (reloadxml, profile start/rescan): only list them')
    .option('--only <side>', ONLY_HELP)
    .option('--force-numbers', FORCE_NUMBERS_HELP)
    .action(async (opts) => {
      const { runApply } = await import('./apply-command.js');
      await run(() => runApply(opts, io))();
    });

  program
    .command('rollback')
    .description('undo the last apply (or every apply since --to ID), restoring files byte for byte')
    .option('--root <dir>', ROOT_HELP)
    .option('--to <id>', 'roll back this apply and every later one')
    .option('--list', 'list the applies that can be rolled back')
    .option('--json', 'with --list: machine-readable')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--force', 'restore even files changed since bbb-twilio wrote them')
    .option('--restart-now', 'also run restarts that drop live web audio or running meetings (bbb-web)')
    .option('--when-idle', 'run those restarts once no call is up / no meeting runs (see --idle-timeout)')
    .option('--idle-timeout <seconds>', 'with --when-idle: the longest wait (default 600)', parseSeconds)
    .option('--no-reload', 'send FreeSWITCH no command: only list them')
    .action(async (opts) => {
      const { runRollback } = await import('./rollback-command.js');
      await run(() => runRollback(opts, io))();
    });

  program
    .command('uninstall')
    .description('remove everything bbb-twilio added and restore what it changed (itself undoable by rollback)')
    .option('--root <dir>', ROOT_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--restart-now', 'also run restarts that drop live web audio or running meetings (bbb-web)')
    .option('--when-idle', 'run those restarts once no call is up / no meeting runs (see --idle-timeout)')
    .option('--idle-timeout <seconds>', 'with --when-idle: the longest wait (default 600)', parseSeconds)
    .option('--no-reload', 'send FreeSWITCH no command: only list them')
    .option('--twilio', 'also remove what bbb-twilio created in the Twilio account (numbers are detached, never released)')
    .option('--only <side>', ONLY_HELP)
    .action(async (opts) => {
      const { runUninstall } = await import('./uninstall-command.js');
      await run(() => runUninstall(opts, io))();
    });

  program
    .command('simulate-call')
    .description('run a phone call through the server\'s real dialplan files (a simulation: no SIP, no media)')
    .option('--root <dir>', ROOT_HELP)
    .requiredOption('--to <number>', 'the number dialled, as Twilio delivers it (E.164)')
    .option('--from <number>', 'the caller\'s number (caller ID)', '+15005550006')
    .option('--caller-name <name>', 'the caller ID name the carrier sends')
    .option('--from-ip <ip>', 'source address of the INVITE (default: a Twilio signalling address)')
    .option('--dtmf <digits>', 'the keys the caller presses, in order (e.g. 12345#)', '')
    .option('--active <pin...>', 'conferences that already have a web-audio member (--active 12345 67890, or repeated)')
    .option(
      '--meeting <meeting...>',
      'BBB meetings for the call service, PIN or PIN:waiting: the dialplan\'s `socket` then runs the real service in-process, in simulated time. PIN = a web user has joined; PIN:waiting = nobody yet (a web user joins 30 simulated seconds after the caller starts to hold). Repeatable. Without it, `socket` finds nothing listening and the static PIN flow runs',
    )
    .option('--json', 'machine-readable timeline and outcome')
    .action(async (opts) => {
      const { runSimulateCall } = await import('./simulate-call-command.js');
      await run(() => runSimulateCall({ ...opts, active: opts.active ?? [], meeting: opts.meeting ?? [] }, io.stdout))();
    });

  program
    .command('doctor')
    .description('check the whole dial-in chain on this server: config, files, FreeSWITCH, firewall, BBB API, Twilio')
    .option('--root <dir>', ROOT_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('--json', 'machine-readable results (stable check ids)')
    .option('--offline', 'do not ask Twilio\'s API')
    .action(async (opts) => {
      const { runDoctorCommand } = await import('./doctor-command.js');
      await run(() => runDoctorCommand(opts, io))();
    });

  program
    .command('serve')
    .description('the call service: FreeSWITCH hands each dial-in call to it (systemd runs it as bbb-twilio.service)')
    .option('--root <dir>', ROOT_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('--listen <host:port>', 'where FreeSWITCH\'s outbound event socket connects (default: callService.listen, 127.0.0.1:8084)')
    .option('--metrics <host:port>', '/metrics, /healthz, /calls and /lockouts (default: callService.metrics, 127.0.0.1:9466)')
    .action(async (opts) => {
      const { runServe } = await import('./serve-command.js');
      await run(() => runServe(opts, io))();
    });

  program
    .command('calls')
    .description('the calls the call service is handling now: number (masked), step, meeting, time, microphone')
    .option('--root <dir>', ROOT_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('--metrics <host:port>', 'the service\'s HTTP address (default: callService.metrics, 127.0.0.1:9466)')
    .option('--json', 'machine-readable: {"calls":[{"number","step","meetingId","since","muted",...}]}')
    .option('--watch', 'redraw every second until Ctrl-C')
    .option('--lockouts', 'list locked-out numbers (masked) with the time left instead')
    .action(async (opts) => {
      const { runCalls } = await import('./calls-command.js');
      await run(() => runCalls(opts, io))();
    });

  program
    .command('unlock')
    .description('lift the lockout of a caller number (locked out for too many invalid PINs)')
    .argument('<number>', 'the caller\'s number, e.g. +15551234567')
    .option('--root <dir>', ROOT_HELP)
    .option('--config <file>', CONFIG_HELP)
    .option('--metrics <host:port>', 'the service\'s HTTP address (default: callService.metrics)')
    .action(async (number: string, opts) => {
      const { runUnlock } = await import('./calls-command.js');
      await run(() => runUnlock(number, opts, io))();
    });

  program
    .command('demo')
    .description('the whole story on a built-in sandbox BBB 3.0 server in a temp dir: plan, apply, plan, rollback')
    .option('--keep', 'keep the sandbox directory afterwards')
    .action(async (opts) => {
      const { runDemo } = await import('./demo-command.js');
      await run(() => runDemo(opts, io, main))();
    });

  return program;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 1;
    }
    return reportError(err, io, argv.includes('--debug'));
  }
}

// Run when executed directly (tsx src/cli/main.ts ...); bin/bbb-twilio.js imports main() from dist.
const invoked = process.argv[1] ?? '';
if (/[\\/]src[\\/]cli[\\/]main\.ts$/.test(invoked)) {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
