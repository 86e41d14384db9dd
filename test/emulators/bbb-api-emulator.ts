// The BBB API emulator lives in src (the demo's sandbox bbb-web); tests import it here.
export * from '../../src/bbb/sandbox-bbb-api.js';
