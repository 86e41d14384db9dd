import * as fs from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { detectFacts } from '../host/detect-facts.js';
import { type Ask, clackAsk, nonInteractiveAsk } from '../init/ask.js';
import { publicIpCandidates } from '../init/detect-public-ip.js';
import { type InitFlags, collectAnswers } from '../init/init-wizard.js';
import { renderInitConfig } from '../init/render-init-config.js';
import { writeConfigFile } from '../init/write-config-file.js';
import { configPath, openHost, type CliIo } from './io.js';
import { twilioAccessFor } from './twilio-side.js';

export interface InitOptions extends InitFlags {
  root?: string;
  config?: string;
  nonInteractive?: boolean;
  overwrite?: boolean;
}

export interface PromptStreams {
  input: Readable;
  output: Writable;
}

/**
 * The first thing a new admin runs: detect, ask (or take the flags), write the config 0600, show the plan.
 * `streams` carry the questions; without them, the process's terminal.
 */
export async function runInit(opts: InitOptions, io: CliIo, streams?: PromptStreams): Promise<number> {
  const host = openHost(io, opts.root);
  const facts = await detectFacts(host);
  const candidates = await publicIpCandidates(host, facts.confDir);
  const file = configPath(host, opts.config);

  let ask: Ask;
  if (opts.nonInteractive) ask = nonInteractiveAsk((message) => io.stderr.write(`warning: ${message}\n`));
  else if (streams !== undefined) ask = await clackAsk(streams);
  else if (io.stdinIsTTY) ask = await clackAsk({ input: process.stdin, output: process.stdout });
  else throw new UsageError('no terminal to ask the questions in; nothing was written', 'run with --non-interactive and the flags (see bbb-twilio init --help)');
  const out = streams?.output ?? process.stdout;
  const { intro, outro } = ask.interactive ? await import('@clack/prompts') : { intro: undefined, outro: undefined };
  intro?.('bbb-twilio init', { output: out });

  const exists = await fs.stat(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
  let overwrite = false;
  if (exists) {
    overwrite = Boolean(opts.overwrite) || (await ask.confirm({ message: `${file} exists. Replace it?`, flag: '--overwrite', initial: false, hint: `pass --overwrite to replace ${file}, or edit it by hand` }));
    if (!overwrite) {
      ask.info(`Kept ${file}; nothing was written.`);
      outro?.('Nothing changed.', { output: out });
      return 1;
    }
  }

  const { answers, signIn, twilioReachable } = await collectAnswers({
    ask,
    flags: opts,
    facts,
    candidates,
    envToken: io.env.TWILIO_AUTH_TOKEN,
    envApiKeySecret: io.env.TWILIO_API_KEY_SECRET,
    account: (sid, how) => twilioAccessFor(sid, how, io.env),
    configFile: file,
  });
  const text = renderInitConfig(answers);
  // What init writes must load: the same parser and checks as every other command (with the secret it signed in with).
  const { parseConfig } = await import('../config/load-config.js');
  const secretEnvValue =
    signIn === undefined ? {} : signIn.apiKey === undefined ? { TWILIO_AUTH_TOKEN: signIn.authToken } : { TWILIO_API_KEY_SECRET: signIn.apiKey.secret };
  parseConfig(text, file, { env: secretEnvValue, fileMode: 0o600 });
  await writeConfigFile(file, text, { overwrite });
  const [secretName, secretEnv, stored] =
    signIn?.apiKey === undefined
      ? ['auth token', 'TWILIO_AUTH_TOKEN', answers.authToken !== undefined]
      : ['API key secret', 'TWILIO_API_KEY_SECRET', answers.apiKeySecret !== undefined];
  const said = signIn === undefined ? '; no Twilio account in it' : stored ? `, with the ${secretName}` : `; the ${secretName} is not in it`;
  io.stdout.write(`Wrote ${file} (mode 0600)${said}.\n\n`);

  const { runPlan } = await import('./plan-command.js');
  // When Twilio did not answer, the closing plan covers this server only (the next plan covers both).
  const code = await runPlan(
    { root: host.root, config: file, ...(twilioReachable ? {} : { only: 'host' }) },
    { ...io, env: { ...io.env, ...secretEnvValue } },
  );
  const next =
    signIn === undefined
      ? 'bbb-twilio apply, then point a Twilio trunk at this server in the Twilio Console'
      : stored
        ? 'bbb-twilio apply'
        : `export ${secretEnv}=... then bbb-twilio apply`;
  outro?.(`Next: ${next}`, { output: out });
  if (!ask.interactive) io.stdout.write(`\nNext: ${next}\n`);
  return code;
}
