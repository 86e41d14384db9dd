// Simulated calls through a fixture tree that bbb-twilio was applied to (the generated dialplan with BBB's own).
import assert from 'node:assert/strict';
import { BASE_CONFIG, copyFixture, runCli, writeConfig, type FixtureName } from './tree.js';

export interface SimJson {
  simulated: boolean;
  timeline: { context: string; extension: string; app: string; data: string; result?: string }[];
  outcome: { kind: string; target?: string; cause?: string; callerIdName?: string };
  variables: Record<string, string>;
  notEmulated: unknown[];
}

/** A copy of the fixture with BASE_CONFIG (plus `extra` YAML) applied in the given profile mode. */
export async function installed(fixture: FixtureName, extra = '', mode: 'dedicated' | 'external' = 'dedicated'): Promise<string> {
  const root = await copyFixture(fixture);
  await writeConfig(root, BASE_CONFIG + (mode === 'external' ? 'sip:\n  profile: external\n' : '') + extra);
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  return root;
}

/** `simulate-call --json` on the tree. */
export async function call(root: string, args: string[]): Promise<SimJson> {
  const run = await runCli(['simulate-call', '--root', root, '--json', ...args]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as SimJson;
}
