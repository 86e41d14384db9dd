// Store a generated twilio.termination.password in the admin's config file without reformatting it: the
// yaml Document API finds the `termination` map, the new line is spliced into the text right after its last
// entry (same indentation), and the result is parsed again to check that it says exactly the old thing plus
// the password. Only when that cannot be done in place (a flow map `{ ... }`, an empty `password:` key) is the
// document re-printed by the yaml library, which keeps comments but may re-space some lines.

import { isDeepStrictEqual } from 'node:util';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isMap, isPair, isScalar, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';

export function withTerminationPassword(text: string, password: string, file: string): string {
  const doc = parseDocument(text);
  const expected: unknown = doc.toJS();
  const termination = doc.getIn(['twilio', 'termination'], true);
  if (!isMap(termination) || expected === null || typeof expected !== 'object') {
    throw new ConfigError(`${file}: twilio.termination is not a map; cannot store the generated password`, {
      file,
      key: 'twilio.termination',
      hint: 'set twilio.termination.password yourself (mode 0600), or BBB_TWILIO_TERMINATION_PASSWORD',
    });
  }
  setPath(expected as Record<string, unknown>, ['twilio', 'termination', 'password'], password);

  const spliced = spliceIntoBlockMap(text, termination.items, password);
  if (spliced !== undefined && isDeepStrictEqual(parseDocument(spliced).toJS(), expected)) return spliced;
  doc.setIn(['twilio', 'termination', 'password'], password);
  const printed = String(doc);
  if (!isDeepStrictEqual(parseDocument(printed).toJS(), expected)) {
    throw new ConfigError(`${file}: could not add twilio.termination.password without changing anything else`, {
      file,
      key: 'twilio.termination.password',
      hint: 'set twilio.termination.password yourself (mode 0600), or BBB_TWILIO_TERMINATION_PASSWORD',
    });
  }
  return printed;
}

function spliceIntoBlockMap(text: string, items: unknown[], password: string): string | undefined {
  const pairs = items.filter(isPair);
  const first = pairs[0];
  const last = pairs[pairs.length - 1];
  if (first === undefined || last === undefined || pairs.some((p) => isScalar(p.key) && p.key.value === 'password')) return undefined;
  const keyStart = isScalar(first.key) ? first.key.range?.[0] : undefined;
  const valueEnd = isScalar(last.value) ? last.value.range?.[1] : undefined;
  if (keyStart === undefined || valueEnd === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const indent = text.slice(lineStart, keyStart);
  if (!/^ *$/.test(indent)) return undefined; // a flow map or a map on its key's line
  const eol = text.indexOf('\n', valueEnd);
  const line = `${indent}password: "${password}"`;
  return eol < 0 ? `${text}\n${line}\n` : `${text.slice(0, eol)}\n${line}${text.slice(eol)}`;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1] ?? ''] = value;
}

/**
 * Write the password into the config file: atomically (temp file, fsync, rename), mode 0600 since it now
 * holds a secret, owner kept. Returns the mode the file had, so the caller can say it was tightened.
 */
export async function storeTerminationPassword(file: string, password: string): Promise<{ modeBefore: number }> {
  const st = await fs.stat(file);
  const text = await fs.readFile(file, 'utf8');
  const updated = withTerminationPassword(text, password, file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.bbb-twilio-${process.pid}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(updated, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.chown(tmp, st.uid, st.gid).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPERM') throw err;
    });
    await fs.chmod(tmp, 0o600);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw cannotStore(file, err);
  }
  return { modeBefore: st.mode & 0o777 };
}

/** Why the file could not take the password, in words; the file is as it was (the temp file is removed). */
function cannotStore(file: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'EPERM'
      ? 'operation not permitted (EPERM): the file or its directory is immutable or append-only (see lsattr)'
      : code === 'EACCES'
        ? 'permission denied (EACCES)'
        : code === 'EROFS'
          ? 'read-only file system (EROFS)'
          : code === 'ENOSPC'
            ? 'no space left on device (ENOSPC)'
            : (err as Error).message;
  const fix = code === 'EPERM' ? `chattr -i ${file} (and its directory), or ` : code === 'EACCES' ? 'run as root, or ' : '';
  return new ConfigError(`cannot store the generated password in ${file}: ${reason}; nothing was changed`, {
    file,
    key: 'twilio.termination.password',
    hint: `${fix}set twilio.termination.password yourself (mode 0600), or BBB_TWILIO_TERMINATION_PASSWORD`,
  });
}
