// The CLI as its own process, from the sources (tsx): for tests that need a process to signal or kill (`serve`).
import { main } from '../../src/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
