// The demo's tree with bbb-web's serverURL pointing at the sandbox bbb-web, in memory only: the tree's
// /etc/bigbluebutton/bbb-web.properties names a public host name, and the demo must leave every file as it was.

import { BBB_WEB_OVERRIDES } from '../host/bbb-paths.js';
import { DelegatingHost } from '../host/delegating-host.js';
import type { Host } from '../host/host.js';

export class SandboxBbbWebHost extends DelegatingHost {
  constructor(inner: Host, private readonly serverUrl: string) {
    super(inner);
  }

  override async readBytes(p: string): Promise<Buffer | null> {
    const bytes = await this.inner.readBytes(p);
    if (p !== BBB_WEB_OVERRIDES || bytes === null) return bytes;
    const lines = bytes.toString('utf8').split('\n').filter((l) => !/^\s*bigbluebutton\.web\.serverURL\s*[=:]/.test(l));
    return Buffer.from([...lines, `bigbluebutton.web.serverURL=${this.serverUrl}`, ''].join('\n'));
  }
}
