// The outbound-socket FreeSWITCH emulator lives in src (the demo's sandbox FreeSWITCH caller); tests import it here.
export * from '../../src/freeswitch/sandbox/outbound-socket-caller.js';
