#!/usr/bin/env node
// Runs the bundled CLI (dist/bundle, built by `npm ci` / `npm run build` through the prepare script).
import { main } from '../dist/bundle/bbb-twilio.js';

// `bbb-twilio plan | head` closes the pipe early: stop writing quietly, keep the real exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
