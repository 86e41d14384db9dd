import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findPackageRoot, PROMPTS, STOCK_SOUNDS } from './prompts.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fmt chunk of a canonical RIFF/WAVE file. */
function waveFormat(bytes: Buffer): { format: number; channels: number; rate: number; bits: number; seconds: number } {
  assert.equal(bytes.toString('ascii', 0, 4), 'RIFF');
  assert.equal(bytes.toString('ascii', 8, 16), 'WAVEfmt ');
  const dataAt = bytes.indexOf('data', 36, 'ascii');
  return {
    format: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    rate: bytes.readUInt32LE(24),
    bits: bytes.readUInt16LE(34),
    seconds: bytes.readUInt32LE(dataAt + 4) / (bytes.readUInt32LE(24) * 2),
  };
}

test('each prompt of our own is an absolute path to an 8 kHz mono 16-bit PCM WAV in the package', async () => {
  for (const [name, file] of Object.entries(PROMPTS)) {
    assert.ok(path.isAbsolute(file), name);
    assert.equal(path.dirname(file), path.join(ROOT, 'sounds', 'en'), name);
    const f = waveFormat(await readFile(file));
    assert.deepEqual({ ...f, seconds: undefined }, { format: 1, channels: 1, rate: 8000, bits: 16, seconds: undefined }, name);
    assert.ok(f.seconds > 1 && f.seconds < 10, `${name}: ${f.seconds} s`);
  }
  for (const [name, file] of Object.entries(STOCK_SOUNDS)) assert.match(file, /^[a-z]+\/[\w-]+\.wav$/, `${name}: relative to FreeSWITCH's sound prefix`);
});

test('the package root is found from src/ under tsx and from the bundle in dist/, and nowhere else', async () => {
  assert.equal(findPackageRoot(path.join(ROOT, 'src', 'service')), ROOT);
  assert.equal(findPackageRoot(path.join(ROOT, 'dist', 'bundle')), ROOT);
  const elsewhere = await mkdtemp(path.join(tmpdir(), 'prompts-'));
  try {
    await mkdir(path.join(elsewhere, 'node_modules', 'x'), { recursive: true });
    await writeFile(path.join(elsewhere, 'node_modules', 'x', 'package.json'), '{"name":"x"}');
    assert.throws(() => findPackageRoot(path.join(elsewhere, 'node_modules', 'x')), /no package.json named bbb-twilio above/);
  } finally {
    await rm(elsewhere, { recursive: true, force: true });
  }
});

test('the bundled CLI finds the prompts too', async () => {
  const { build } = await import('esbuild');
  const outdir = path.join(ROOT, 'dist', 'prompts-test');
  try {
    await build({ entryPoints: [path.join(ROOT, 'src', 'service', 'prompts.ts')], outdir, bundle: true, format: 'esm', platform: 'node', logLevel: 'silent' });
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', `import { PROMPTS } from ${JSON.stringify(path.join(outdir, 'prompts.js'))}; console.log(PROMPTS.welcome)`]);
    assert.equal(stdout.trim(), PROMPTS.welcome);
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
});

test('the sounds ship with the package', async () => {
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { files?: string[] };
  assert.ok(manifest.files?.includes('sounds'), 'package.json "files" lists sounds');
});
