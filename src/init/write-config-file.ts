// Write the new config file: mode 0600 from the first byte (it may hold the auth token), through a temp file
// in the same directory, fsync'd, then moved into place. Without `overwrite` an existing file is never
// replaced, even one that appeared while the wizard was asking (the final step is a hard link, which fails
// when the name is taken).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError } from '../errors.js';

export async function writeConfigFile(file: string, text: string, opts: { overwrite: boolean }): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.init-${process.pid}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.chmod(tmp, 0o600);
    if (opts.overwrite) {
      await fs.rename(tmp, file);
      return;
    }
    await fs.link(tmp, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      throw new ConfigError(`${file} appeared while init was running; it was left as it is`, {
        file,
        hint: 'run bbb-twilio init again and choose to replace it, or edit it by hand',
      });
    });
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
