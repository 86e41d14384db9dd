#!/usr/bin/env node
// Runs the bundled CLI (dist/bundle, built by `npm ci` / `npm run build` through the prepare script).
import { main } from '../dist/bundle/bbb-twilio.js';

// `bbb-twilio plan | head` closes the pipe early, a dropped SSH session takes the terminal away (EIO): stop writing
// quietly and keep going, so an interrupted apply still undoes itself and releases its lock; keep the real exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err;
  });
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
