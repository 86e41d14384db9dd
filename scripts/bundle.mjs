// Bundle the CLI for start-up speed: one file per command chunk instead of hundreds of small modules
// (plan loads in ~3x a bare Node start instead of ~5x). The Twilio SDK stays external and lazily loaded.
import { build } from 'esbuild';

await build({
  entryPoints: { 'bbb-twilio': 'src/cli/main.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true, // readable stack traces with --debug
  sourcemap: false,
  external: ['twilio'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __bbbCreateRequire } from 'node:module'; const require = __bbbCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
