// The Twilio API emulator now lives in src/twilio/sandbox/: `bbb-twilio demo` runs it in-process as its
// sandbox Twilio account, so it ships with the package. Tests keep importing it from here.
export * from '../../src/twilio/sandbox/twilio-emulator.js';
