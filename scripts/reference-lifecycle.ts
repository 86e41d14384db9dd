// CI check on the real upstream trees in ../shared/reference/bbb (when present): for each tree and each
// profile mode, through the built CLI: plan -> apply -> plan (must be empty) -> rollback (must restore
// every file byte for byte, modes included). Usage: tsx scripts/reference-lifecycle.ts <reference/bbb dir>
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffSnapshots, snapshotTree } from '../src/host/tree-snapshot.js';

const referenceDir = path.resolve(process.argv[2] ?? '../shared/reference/bbb');
const bin = path.resolve('bin/bbb-twilio.js');


function cli(args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

let failures = 0;
const versions = fs.readdirSync(referenceDir).filter((v) => fs.statSync(path.join(referenceDir, v)).isDirectory());
for (const version of versions) {
  for (const mode of ['dedicated', 'external']) {
    const label = `reference BBB ${version}, ${mode} profile`;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `bbb-twilio-ref-${version}-`));
    try {
      execFileSync('cp', ['-a', `${path.join(referenceDir, version)}/.`, root]);
      execFileSync('chmod', ['-R', 'u+w', root]);
      const configDir = path.join(root, 'etc', 'bbb-twilio');
      fs.mkdirSync(configDir, { recursive: true });
      fs.writeFileSync(
        path.join(configDir, 'config.yml'),
        `server:\n  publicIp: 203.0.113.10\nnumbers:\n  - "+1 613-555-0142"\nsip:\n  profile: ${mode}\n`,
        { mode: 0o600 },
      );
      const before = await snapshotTree(root);
      // No FreeSWITCH runs here, so the service actions stay pending after apply: the second plan has no file
      // change left but still exits 2 (pending actions are drift) and lists them.
      const steps: [string, string[], number, RegExp?][] = [
        ['plan', ['plan', '--root', root, '--detailed-exitcode'], 2],
        ['apply', ['apply', '--root', root, '--yes'], 0],
        ['second plan', ['plan', '--root', root, '--detailed-exitcode'], 2, /No changes\. The server is in the configured state\.\n[\s\S]*Still to do from an earlier apply/],
        ['rollback', ['rollback', '--root', root, '--yes'], 0],
      ];
      for (const [name, args, expected, output] of steps) {
        const r = cli(args);
        if (r.code !== expected) throw new Error(`${name} exited ${r.code}, expected ${expected}:\n${r.out}`);
        if (output && !output.test(r.out)) throw new Error(`${name} did not converge:\n${r.out}`);
      }
      const after = await snapshotTree(root);
      const differing = diffSnapshots(before, after);
      if (differing.length > 0) throw new Error(`rollback left differences: ${differing.join(', ')}`);
      console.log(`ok   ${label}: apply converged, rollback restored ${before.size} entries byte for byte`);
    } catch (err) {
      failures += 1;
      console.log(`FAIL ${label}: ${(err as Error).message}`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
}
if (failures > 0) {
  console.log(`reference lifecycle: ${failures} case(s) failed`);
  process.exit(1);
}
