// Test helpers: fixture trees copied to temp dirs, a config writer, the CLI with captured output, snapshots.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { Host } from '../../src/host/host.js';
import { LocalHost } from '../../src/host/local-host.js';
import { OWN_PATHS, diffSnapshots, snapshotTree as snapshotOwn } from '../../src/host/tree-snapshot.js';
import { TreeUfwHost } from '../../src/host/tree-ufw-host.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export type FixtureName = 'bbb-3.0' | 'bbb-2.7';

/** A fresh copy of a fixture tree; removed when the process ends. */
export async function copyFixture(name: FixtureName): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `bbb-twilio-test-${name}-`));
  await fs.cp(path.join(FIXTURES, name), dir, { recursive: true, verbatimSymlinks: true });
  cleanups.push(dir);
  return dir;
}

const cleanups: string[] = [];
process.on('exit', () => {
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

export const BASE_CONFIG = `server:
  publicIp: 203.0.113.10
numbers:
  - "+1 613-555-0142"
  - number: "+44 20 7946 0018"
    label: UK
`;

/** Write the config where bbb-twilio looks by default (/etc/bbb-twilio/config.yml under the root), mode 0600. */
export async function writeConfig(root: string, yaml: string = BASE_CONFIG): Promise<string> {
  const file = path.join(root, 'etc', 'bbb-twilio', 'config.yml');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, yaml, { mode: 0o600 });
  await fs.chmod(file, 0o600);
  return file;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process against a tree, with the sandbox's ufw so firewall changes converge. */
export async function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; makeHost?: (root: string) => Host } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdinIsTTY: false,
    env: opts.env ?? {},
    makeHost: opts.makeHost ?? ((root) => new TreeUfwHost(new LocalHost(root))),
  };
  const code = await main(['node', 'bbb-twilio', ...args], io);
  return { code, stdout, stderr };
}

/**
 * A second plan after an apply on a tree whose FreeSWITCH does not answer: no change is left, only the FreeSWITCH
 * commands apply could not send, which `plan --detailed-exitcode` counts as drift (exit 2).
 */
export function assertOnlyServiceActionsPending(run: CliRun): void {
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stdout, /No changes\. The server is in the configured state\.\n[\s\S]*Still to do from an earlier apply/);
}

/** Byte-for-byte snapshots: the same code as the demo's final check. */
export async function snapshotTree(root: string, opts: { exclude?: string[] } = {}): Promise<Map<string, string>> {
  return snapshotOwn(root, [...OWN_PATHS, ...(opts.exclude ?? [])]);
}
export { diffSnapshots };

export async function readTreeFile(root: string, serverPath: string): Promise<string> {
  return fs.readFile(path.join(root, serverPath), 'utf8');
}

export const CONF = '/opt/freeswitch/etc/freeswitch';
