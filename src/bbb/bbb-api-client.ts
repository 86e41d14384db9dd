// A small client for BigBlueButton's API: `<serverURL>/bigbluebutton/api/<call>?<query>&checksum=<hash>`, where
// hash = sha1 (or sha256/384/512, per bbb-web's supportedChecksumAlgorithms) of call name + query + shared secret.
// Answers are XML: <response><returncode>SUCCESS|FAILED</returncode>...</response>.

import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BbbApiError } from './bbb-api-error.js';

export type ChecksumAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface BbbApiOptions {
  /** bigbluebutton.web.serverURL, e.g. https://bbb.example.com */
  serverUrl: string;
  /** securitySalt. Never shown. */
  secret: string;
  algorithm?: ChecksumAlgorithm;
  /** Bound on the whole request. Default 5000. */
  timeoutMs?: number;
}

export interface BbbMeeting {
  meetingId: string;
  meetingName: string;
  voiceBridge: string;
  dialNumber: string;
  participantCount: number;
  /** A web user has joined (a dial-in does not count): until then BBB ends the meeting after a few minutes. */
  hasUserJoined: boolean;
  running: boolean;
  /** A breakout room: its voiceBridge is its parent's plus one digit. */
  isBreakout: boolean;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function apiChecksum(callName: string, query: string, secret: string, algorithm: ChecksumAlgorithm = 'sha1'): string {
  return createHash(algorithm).update(callName + query + secret).digest('hex');
}

/** Where a call goes, without the query: safe to show. */
export function describeApiCall(serverUrl: string, callName: string): string {
  return `${apiBase(serverUrl)}${callName}`;
}

/** `getMeetings`: every running meeting (an empty list when none run). */
export async function getMeetings(opts: BbbApiOptions): Promise<BbbMeeting[]> {
  const response = await callBbbApi(opts, 'getMeetings', {});
  const meetings = field(response, 'meetings');
  const list = field(meetings, 'meeting');
  return (Array.isArray(list) ? list : []).map((m: unknown) => ({
    meetingId: text(field(m, 'meetingID')),
    meetingName: text(field(m, 'meetingName')),
    voiceBridge: text(field(m, 'voiceBridge')),
    dialNumber: text(field(m, 'dialNumber')),
    participantCount: Number(text(field(m, 'participantCount'))) || 0,
    hasUserJoined: flag(field(m, 'hasUserJoined')),
    running: flag(field(m, 'running')),
    isBreakout: flag(field(m, 'isBreakout')),
  }));
}

/** Call the API and return the parsed <response> of a SUCCESS; every other outcome is a BbbApiError. */
export async function callBbbApi(opts: BbbApiOptions, callName: string, params: Record<string, string>): Promise<Record<string, unknown>> {
  const query = new URLSearchParams(params).toString();
  const checksum = apiChecksum(callName, query, opts.secret, opts.algorithm ?? 'sha1');
  const where = describeApiCall(opts.serverUrl, callName);
  const url = `${apiBase(opts.serverUrl)}${callName}?${query ? `${query}&` : ''}checksum=${checksum}`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  let body: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow', headers: { accept: 'application/xml, text/xml' } });
    body = await res.text();
    if (res.status !== 200) {
      throw new BbbApiError('http', `${where} answered HTTP ${res.status}`, hintForStatus(res.status));
    }
  } catch (err) {
    throw err instanceof BbbApiError ? err : networkError(err, where, timeoutMs);
  }
  const response = parseResponse(body, where);
  const returncode = text(field(response, 'returncode'));
  if (returncode === 'SUCCESS') return response;
  const key = text(field(response, 'messageKey'));
  const message = text(field(response, 'message'));
  if (key === 'checksumError') {
    throw new BbbApiError(
      'checksum',
      `${where} rejected the checksum made with securitySalt: the secret is not the one bbb-web runs with`,
      'compare with `bbb-conf --secret`; after changing securitySalt in /etc/bigbluebutton/bbb-web.properties restart bbb-web',
    );
  }
  throw new BbbApiError('failed', `${where} answered FAILED${key ? ` (${key})` : ''}${message ? `: ${message}` : ''}`, 'see /var/log/bigbluebutton/bbb-web.log');
}

function apiBase(serverUrl: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/bigbluebutton/api/`;
}

function parseResponse(body: string, where: string): Record<string, unknown> {
  let doc: unknown;
  try {
    // The parser alone accepts a body cut off mid-element (bbb-web stopped mid-answer) as a SUCCESS with half a list.
    doc = XMLValidator.validate(body) !== true ? undefined : new XMLParser({ parseTagValue: false, isArray: (name) => name === 'meeting' }).parse(body);
  } catch {
    doc = undefined;
  }
  const response = field(doc, 'response');
  if (typeof response !== 'object' || response === null) {
    const start = body.trim().slice(0, 60).replace(/\s+/g, ' ');
    throw new BbbApiError(
      'protocol',
      `${where} did not answer with BigBlueButton's XML (it starts "${start}")`,
      'check bigbluebutton.web.serverURL in /etc/bigbluebutton/bbb-web.properties and the nginx site for /bigbluebutton/api',
    );
  }
  return response as Record<string, unknown>;
}

function networkError(err: unknown, where: string, timeoutMs: number): BbbApiError {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new BbbApiError('timeout', `${where} did not answer within ${timeoutMs / 1000}s`, 'is bbb-web running? (systemctl status bbb-web); is nginx up?');
  }
  const cause: unknown = err instanceof Error ? err.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : '';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new BbbApiError('tls', `${where}: TLS certificate problem (${code})`, 'renew or fix the certificate (certbot renew), or check the host name in bigbluebutton.web.serverURL');
  }
  const why: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name does not resolve (DNS unavailable)',
    EHOSTUNREACH: 'no route to that host',
    ENETUNREACH: 'no route to that host',
    ECONNRESET: 'the connection was reset',
  };
  const reason = why[code] ?? (code || (err instanceof Error ? err.message : String(err)));
  return new BbbApiError('unreachable', `cannot reach ${where}: ${reason}`, 'is nginx running, and does bigbluebutton.web.serverURL name this server?');
}

function hintForStatus(status: number): string {
  if (status === 404) return 'the API is not at /bigbluebutton/api on that URL: check bigbluebutton.web.serverURL';
  if (status === 502 || status === 503) return 'nginx is up but bbb-web is not answering: systemctl status bbb-web';
  return 'see /var/log/nginx/error.log and /var/log/bigbluebutton/bbb-web.log';
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** BBB writes booleans as `true`/`false` text (FreeMarker `?c`); anything else, or absent, is false. */
function flag(value: unknown): boolean {
  return text(value).toLowerCase() === 'true';
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}
