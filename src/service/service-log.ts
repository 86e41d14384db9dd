// The call service's log: one JSON line per event on stdout (journald keeps it), via pino. Caller numbers are
// masked before they get here; `redact` is the second line of defence for fields that must never appear.

import pino, { type Logger } from 'pino';

export type ServiceLog = Logger;

export function createServiceLog(destination: NodeJS.WritableStream = process.stdout, level = 'info'): ServiceLog {
  return pino(
    {
      level,
      base: { service: 'bbb-twilio' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['secret', 'securitySalt', 'authToken', 'password', '*.secret', '*.password', 'callerNumber'], censor: '[hidden]' },
    },
    destination,
  );
}
