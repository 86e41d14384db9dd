// `--listen` / `--metrics HOST:PORT`: the same rule as callService.listen and .metrics in the config.

import { parseHostPort, type HostPort } from '../config/schema.js';
import { ConfigError } from '../errors.js';

export function hostPortOption(flag: string, value: string, example: string): HostPort {
  const hp = /^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/.test(value) ? parseHostPort(value) : undefined;
  if (!hp || hp.port < 1 || hp.port > 65535) {
    throw new ConfigError(`${flag} ${value}: must be IPV4:PORT with a port of 1 to 65535, like ${example}`, { hint: `e.g. ${flag} ${example}` });
  }
  return hp;
}
