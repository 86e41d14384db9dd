// apply, when twilio.termination has no password: the one generated while loading the config is stored in
// the config file (mode 0600) before anything else happens, and the admin is told where it is.

import pc from 'picocolors';
import type { Config } from '../config/schema.js';
import type { PlanWarning } from '../model/change.js';
import { type CliIo, useColor } from './io.js';

export async function storeGeneratedPassword(config: Config, io: CliIo): Promise<Config> {
  const termination = config.twilio.termination;
  if (termination?.passwordGenerated !== true) return config;
  const { storeTerminationPassword } = await import('../config/store-password.js');
  const { modeBefore } = await storeTerminationPassword(config.file, termination.password);
  const c = pc.createColors(useColor(io));
  const tightened = modeBefore !== 0o600 ? ` (its mode was ${modeBefore.toString(8).padStart(3, '0')}, now 600: it holds a secret)` : '';
  io.stdout.write(
    c.yellow(
      `Generated a password for the dial-out credential (${termination.username}) and stored it in ${config.file} ` +
        `as twilio.termination.password${tightened}.\n`,
    ),
  );
  return { ...config, twilio: { ...config.twilio, termination: { ...termination, passwordGenerated: false } } };
}

/** plan, when twilio.termination has no password: what apply will do about it. */
export function generatedPasswordNotes(config: Config): PlanWarning[] {
  if (config.twilio.termination?.passwordGenerated !== true) return [];
  return [
    {
      level: 'note',
      message: `twilio.termination.password is not set: apply generates one (Twilio's rules) and stores it in ${config.file}`,
      hint: 'or set it yourself, or set BBB_TWILIO_TERMINATION_PASSWORD',
    },
  ];
}
