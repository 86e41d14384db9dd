import assert from 'node:assert/strict';
import * as path from 'node:path';
import test from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runningCli } from './cli-location.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(packageDir, 'bin', 'bbb-twilio.js');

test('the CLI is found from the sources under tsx and from the bundle: this package\'s bin, run by this Node', () => {
  assert.deepEqual(runningCli(), { node: process.execPath, bin });
  assert.deepEqual(runningCli(pathToFileURL(path.join(packageDir, 'dist', 'bundle', 'chunk-X.js')).href), { node: process.execPath, bin });
});

test('outside the package it says it cannot find it', () => {
  assert.throws(() => runningCli(pathToFileURL('/usr/lib/x/y.js').href), /cannot find bbb-twilio's own package\.json above \/usr\/lib\/x/);
});
