// Test code: BigBlueButton's API as bbb-web answers it, on 127.0.0.1. Checks the checksum the way bbb-web's
// ParamsProcessorUtil does (call name + query without `checksum` + secret; the algorithm is told by the hash's
// length and must be in the supported list), and answers getMeetings in BBB's XML format, from its API docs.

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmulatedMeeting {
  meetingId: string;
  meetingName: string;
  voiceBridge: string;
  dialNumber: string;
  participantCount: number;
}

export type BbbEmulatorBehaviour =
  | 'normal'
  /** Accepts the request and never answers. */
  | 'hang'
  /** nginx's 502 page: bbb-web is down behind it. */
  | 'bad-gateway'
  /** A 200 with an HTML page (a web server that is not BBB). */
  | 'html';

export interface BbbApiEmulator {
  /** For bigbluebutton.web.serverURL, e.g. http://127.0.0.1:40123 */
  url: string;
  meetings: EmulatedMeeting[];
  behaviour: BbbEmulatorBehaviour;
  /** Every request: the call name and whether its checksum passed. */
  requests: { call: string; checksumOk: boolean; algorithm: string | null }[];
  close(): Promise<void>;
}

const LENGTHS: Record<number, string> = { 40: 'sha1', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

export async function startBbbApiEmulator(opts: { secret: string; algorithms?: string[]; behaviour?: BbbEmulatorBehaviour }): Promise<BbbApiEmulator> {
  const algorithms = opts.algorithms ?? ['sha1', 'sha256', 'sha384', 'sha512'];
  const state = {
    meetings: [] as EmulatedMeeting[],
    behaviour: opts.behaviour ?? ('normal' as BbbEmulatorBehaviour),
    requests: [] as BbbApiEmulator['requests'],
  };
  const hanging = new Set<ServerResponse>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (state.behaviour === 'hang') {
      hanging.add(res);
      return;
    }
    if (state.behaviour === 'bad-gateway') return send(res, 502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', 'text/html');
    if (state.behaviour === 'html') return send(res, 200, '<!DOCTYPE html><html><body>Welcome to nginx!</body></html>', 'text/html');
    const url = new URL(req.url ?? '/', 'http://emulator');
    const m = /^\/bigbluebutton\/api\/?([A-Za-z]*)$/.exec(url.pathname);
    if (!m) return send(res, 404, '<html><body>404 Not Found</body></html>', 'text/html');
    const call = m[1] ?? '';
    if (call === '') return xml(res, '<returncode>SUCCESS</returncode><version>2.0</version><apiVersion>2.0</apiVersion>');
    const raw = url.search.replace(/^\?/, '');
    const checksum = url.searchParams.get('checksum') ?? '';
    const query = raw.replace(/&?checksum=[^&]*/, '').replace(/^&/, '');
    const algorithm = LENGTHS[checksum.length] ?? null;
    const checksumOk =
      algorithm !== null &&
      algorithms.includes(algorithm) &&
      createHash(algorithm).update(call + query + opts.secret).digest('hex') === checksum;
    state.requests.push({ call, checksumOk, algorithm });
    if (!checksumOk) {
      return xml(res, '<returncode>FAILED</returncode><messageKey>checksumError</messageKey><message>You did not pass the checksum security check</message>');
    }
    if (call !== 'getMeetings') {
      return xml(res, '<returncode>FAILED</returncode><messageKey>notImplemented</messageKey><message>not emulated</message>');
    }
    if (state.meetings.length === 0) {
      return xml(res, '<returncode>SUCCESS</returncode><meetings/><messageKey>noMeetings</messageKey><message>no meetings were found on this server</message>');
    }
    const meetings = state.meetings
      .map(
        (mt) =>
          `<meeting><meetingName>${esc(mt.meetingName)}</meetingName><meetingID>${esc(mt.meetingId)}</meetingID>` +
          `<internalMeetingID>${'0'.repeat(40)}-1700000000000</internalMeetingID><createTime>1700000000000</createTime>` +
          `<voiceBridge>${mt.voiceBridge}</voiceBridge><dialNumber>${esc(mt.dialNumber)}</dialNumber>` +
          `<attendeePW>ap</attendeePW><moderatorPW>mp</moderatorPW><running>true</running>` +
          `<participantCount>${mt.participantCount}</participantCount><voiceParticipantCount>0</voiceParticipantCount></meeting>`,
      )
      .join('');
    return xml(res, `<returncode>SUCCESS</returncode><meetings>${meetings}</meetings>`);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get meetings() {
      return state.meetings;
    },
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(b: BbbEmulatorBehaviour) {
      state.behaviour = b;
    },
    requests: state.requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function xml(res: ServerResponse, inner: string): void {
  send(res, 200, `<response>${inner}</response>`, 'text/xml;charset=utf-8');
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
