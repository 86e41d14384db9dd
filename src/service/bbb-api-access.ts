// Where the service asks BBB: bbb-web's own properties under the root (the /etc/bigbluebutton override wins, as in
// bbb-web), read at start and on SIGHUP. A server whose properties lack the URL or secret is a ConfigError that
// says what is missing (callServiceApiAccess words it; the secret is never shown).

import { callServiceApiAccess, readBbbWebSettings } from '../bbb/bbb-web-settings.js';
import type { BbbApiOptions } from '../bbb/bbb-api-client.js';
import { ConfigError } from '../errors.js';
import type { Host } from '../host/host.js';

export async function readBbbApiAccess(host: Host, timeoutMs: number): Promise<BbbApiOptions> {
  const access = callServiceApiAccess(await readBbbWebSettings(host));
  if (!access.ok) {
    throw new ConfigError(`the call service cannot ask BBB's API: ${access.problem}`, {
      hint: 'bbb-conf --setip <host name> sets the URL, bbb-conf --setsecret the secret; then restart bbb-web',
    });
  }
  return { ...access.options, timeoutMs };
}
