// Errors of the FreeSWITCH event-socket (ESL) client. Four reasons, each with its own message and a hint that
// says what to do. The password is never part of a message: builders take the file it came from, not the value.

import { BbbTwilioError } from '../errors.js';

export type EslFailureReason = 'refused' | 'auth' | 'timeout' | 'protocol';

export class EslError extends BbbTwilioError {
  readonly reason: EslFailureReason;
  /** True when the TCP connection itself failed: nothing listens there (as opposed to a server that refused us). */
  readonly nothingListens: boolean;

  constructor(reason: EslFailureReason, message: string, hint?: string, opts: { nothingListens?: boolean } = {}) {
    super('esl', message, hint);
    this.reason = reason;
    this.nothingListens = opts.nothingListens ?? false;
  }
}

/** Where the client was talking to, for messages: `127.0.0.1:8021`, `[::1]:8021`. */
export function describeEslTarget(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const CONFIG_FILE = 'autoload_configs/event_socket.conf.xml';

/** The TCP connection failed: nothing listens there, or the host cannot be reached. */
export function eslRefused(target: string, cause: string): EslError {
  return new EslError(
    'refused',
    `cannot reach FreeSWITCH's event socket at ${target}: ${cause}`,
    `is FreeSWITCH running? (systemctl status freeswitch); it listens on the listen-ip and listen-port of ${CONFIG_FILE}`,
    { nothingListens: true },
  );
}

/** mod_event_socket's apply-inbound-acl turned the connection away before asking for a password. */
export function eslRejectedByAcl(target: string): EslError {
  return new EslError(
    'refused',
    `FreeSWITCH's event socket at ${target} turned this connection away (its inbound ACL does not allow this address)`,
    `connect from an address that apply-inbound-acl in ${CONFIG_FILE} allows (loopback, normally), or widen that ACL`,
  );
}

/** `auth` was answered with `-ERR invalid`. `passwordFrom` says where the password was read (a file path). */
export function eslAuthRejected(target: string, passwordFrom: string | undefined): EslError {
  const source = passwordFrom ?? 'the configuration';
  return new EslError(
    'auth',
    `FreeSWITCH's event socket at ${target} refused the password from ${source}`,
    `check the password param in ${CONFIG_FILE}; FreeSWITCH only uses a changed password after it restarts ` +
      `(systemctl restart freeswitch), so the file and the running FreeSWITCH may disagree`,
  );
}

/** The password cannot be sent: the protocol is line-based and a line break would end the command early. */
export function eslUnsendablePassword(passwordFrom: string | undefined): EslError {
  return new EslError(
    'auth',
    `the event-socket password from ${passwordFrom ?? 'the configuration'} contains a line break and cannot be sent`,
    `remove the line break from the password param in ${CONFIG_FILE}`,
  );
}

/** Nothing came back in time. `waitingFor` names the step: "its greeting", "the reply to `api status`". */
export function eslTimeout(target: string, waitingFor: string, timeoutMs: number): EslError {
  return new EslError(
    'timeout',
    `FreeSWITCH's event socket at ${target} did not send ${waitingFor} within ${formatDuration(timeoutMs)}`,
    'FreeSWITCH may be starting, overloaded or hung (fs_cli -x status); if the port belongs to another program, ' +
      `fix listen-port in ${CONFIG_FILE}`,
  );
}

/** The TCP handshake itself got no answer: packets dropped on the way, or a host that is down. */
export function eslConnectTimeout(target: string, timeoutMs: number): EslError {
  return new EslError(
    'timeout',
    `connecting to FreeSWITCH's event socket at ${target} got no answer within ${formatDuration(timeoutMs)}`,
    `a firewall may drop the packets or the host may be down; check listen-ip in ${CONFIG_FILE}`,
  );
}

/** Bytes that are not the event-socket protocol: another service on the port, or a corrupted stream. */
export function eslGarbage(target: string, detail: string): EslError {
  return new EslError(
    'protocol',
    `the service at ${target} does not speak FreeSWITCH's event-socket protocol (${detail})`,
    `check listen-ip and listen-port in ${CONFIG_FILE}: another program may be listening on that port`,
  );
}

/** The connection closed while a reply was expected, or in the middle of one. */
export function eslClosed(target: string, during: string): EslError {
  return new EslError(
    'protocol',
    `FreeSWITCH closed the event-socket connection at ${target} ${during}`,
    'FreeSWITCH may have restarted or crashed: check systemctl status freeswitch and ' +
      '/opt/freeswitch/var/log/freeswitch/freeswitch.log, then try again',
  );
}

/** A well-formed frame that makes no sense at this point of the conversation. */
export function eslUnexpected(target: string, detail: string): EslError {
  return new EslError(
    'protocol',
    `FreeSWITCH's event socket at ${target} answered out of turn (${detail})`,
    'this FreeSWITCH may be a version bbb-twilio does not know; run again with --debug and report the output',
  );
}

/** The caller asked for something the protocol cannot carry (a command with a line break). */
export function eslBadCommand(detail: string): EslError {
  return new EslError('protocol', `refusing to send an event-socket command: ${detail}`, 'this is a bug in bbb-twilio');
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
