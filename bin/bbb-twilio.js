#!/usr/bin/env node
// Runs the bundled CLI (dist/bundle, built by `npm ci` / `npm run build` through the prepare script).
import { main } from '../dist/bundle/bbb-twilio.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
