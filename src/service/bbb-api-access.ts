// Where the service asks BBB: bbb-web's own properties under the root (the /etc/bigbluebutton override wins, as in
// bbb-web), read at start and on SIGHUP. A server whose properties lack the URL or secret is a ConfigError that
// names the key and the file to fix.

import { readBbbWebSettings, strongestChecksumAlgorithm } from '../bbb/bbb-web-settings.js';
import type { BbbApiOptions } from '../bbb/bbb-api-client.js';
import { ConfigError } from '../errors.js';
import { BBB_WEB_OVERRIDES } from '../host/bbb-paths.js';
import type { Host } from '../host/host.js';

export async function readBbbApiAccess(host: Host, timeoutMs: number): Promise<BbbApiOptions> {
  const settings = await readBbbWebSettings(host);
  const where = host.machinePath(BBB_WEB_OVERRIDES);
  const url = settings.get('bigbluebutton.web.serverURL')?.value;
  const secret = settings.get('securitySalt')?.value;
  if (!url) throw new ConfigError(`bigbluebutton.web.serverURL is not set in bbb-web's properties (${where})`, { file: where, key: 'bigbluebutton.web.serverURL', hint: 'bbb-conf --setip <your host name> sets it' });
  if (!secret) throw new ConfigError(`securitySalt is not set in bbb-web's properties (${where})`, { file: where, key: 'securitySalt', hint: 'bbb-conf --setsecret sets it; then restart bbb-web' });
  const algorithm = strongestChecksumAlgorithm(settings);
  if (algorithm === null) {
    throw new ConfigError(`supportedChecksumAlgorithms in bbb-web's properties names none of sha1, sha256, sha384, sha512`, { file: where, key: 'supportedChecksumAlgorithms', hint: 'list at least one of them, e.g. sha256' });
  }
  return { serverUrl: url, secret, algorithm, timeoutMs };
}
