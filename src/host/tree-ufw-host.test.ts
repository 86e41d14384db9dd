import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LocalHost } from './local-host.js';
import { TreeUfwHost } from './tree-ufw-host.js';

describe('TreeUfwHost mirrors ufw rules into the tree', () => {
  it('keeps bytes that are not UTF-8 in user.rules exactly, adding and deleting only its own line', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-ufw-'));
    try {
      const file = path.join(root, 'etc/ufw/user.rules');
      await fs.mkdir(path.dirname(file), { recursive: true });
      // "# Caf\xe9 r\xe8gles" in latin1, a stray 0xff and an invalid UTF-8 sequence: none of it decodes as UTF-8.
      const original = Buffer.concat([
        Buffer.from('*filter\n# Caf', 'ascii'),
        Buffer.from([0xe9, 0x20, 0x72, 0xe8, 0x67, 0x6c, 0x65, 0x73, 0x0a, 0xff, 0xc3, 0x28, 0x0a]),
        Buffer.from('### RULES ###\n### END RULES ###\nCOMMIT\n', 'ascii'),
      ]);
      await fs.writeFile(file, original);
      const host = new TreeUfwHost(new LocalHost(root));
      const rule = ['allow', 'proto', 'udp', 'from', '54.172.60.0/30', 'to', 'any', 'port', '5080', 'comment', 'bbb-twilio'];

      assert.equal((await host.run(['ufw', ...rule])).code, 0);
      const added = await fs.readFile(file);
      const line = Buffer.from('### tuple ### allow udp 5080 0.0.0.0/0 any 54.172.60.0/30 in comment=6262622d7477696c696f\n');
      const at = original.indexOf('### END RULES ###');
      assert.deepEqual(added, Buffer.concat([original.subarray(0, at), line, original.subarray(at)]));

      assert.equal((await host.run(['ufw', 'delete', ...rule])).code, 0);
      assert.deepEqual(await fs.readFile(file), original, 'byte for byte as it was');
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
