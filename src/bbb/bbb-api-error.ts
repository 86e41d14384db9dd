// Errors of the BBB API client. The shared secret and the checksums made from it never appear in a message: a
// getMeetings checksum is the same every time, so whoever reads one could list the server's meetings.

import { BbbTwilioError } from '../errors.js';

export type BbbApiFailure =
  /** No connection: nothing listens, the name does not resolve, no route. */
  | 'unreachable'
  | 'timeout'
  /** The TLS handshake failed (expired or self-signed certificate, wrong host name). */
  | 'tls'
  /** An HTTP status other than 200. */
  | 'http'
  /** A 200 whose body is not BBB's XML response. */
  | 'protocol'
  /** BBB said FAILED with checksumError: the secret is not the one bbb-web runs with. */
  | 'checksum'
  /** BBB said FAILED for another reason. */
  | 'failed';

export class BbbApiError extends BbbTwilioError {
  readonly failure: BbbApiFailure;
  constructor(failure: BbbApiFailure, message: string, hint?: string) {
    super('bbb-api', message, hint);
    this.failure = failure;
  }
}
