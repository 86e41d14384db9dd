import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** bbb-twilio's own footprint under a root: its state and journals, and its config. */
export const OWN_PATHS = ['var/lib/bbb-twilio', 'etc/bbb-twilio'];

/**
 * Every entry under a machine directory with its mode, owner and content hash, for byte-for-byte checks of
 * a tree before and after (the demo's final check, CI's reference-tree check, the tests). Excluded paths and
 * the folders that only hold them (var/, var/lib/) are left out.
 */
export async function snapshotTree(root: string, exclude: readonly string[] = OWN_PATHS): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (exclude.some((e) => child === e || child.startsWith(`${e}/`))) continue;
      const full = path.join(root, child);
      if (entry.isSymbolicLink()) out.set(child, `link ${await fs.readlink(full)}`);
      else if (entry.isDirectory()) {
        if (!exclude.some((e) => e.startsWith(`${child}/`))) out.set(`${child}/`, 'dir');
        await walk(child);
      } else {
        const st = await fs.stat(full);
        const hash = createHash('sha256').update(await fs.readFile(full)).digest('hex');
        out.set(child, `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${hash}`);
      }
    }
  };
  await walk('');
  return out;
}

/** Paths whose entry differs between two snapshots (added, removed or changed), sorted. */
export function diffSnapshots(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}
