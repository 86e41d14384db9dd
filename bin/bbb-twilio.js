#!/usr/bin/env node
// Runs the compiled CLI (built by `npm ci` / `npm run build` through the prepare script).
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
