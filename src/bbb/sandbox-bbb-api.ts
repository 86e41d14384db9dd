// The sandbox bbb-web (the demo's BBB, the tests' emulator): BigBlueButton's API as bbb-web answers it, on
// 127.0.0.1. Checks the checksum the way bbb-web's
// ParamsProcessorUtil does (call name + query without `checksum` + secret; the algorithm is told by the hash's
// length and must be in the supported list), and answers getMeetings in BBB 3.0's XML format (its FreeMarker
// template get-meetings.ftlx: one element a line after <#compress>, booleans as `true`/`false` text, an empty
// list as `<meetings/>` with messageKey noMeetings). Meetings are live objects: a test flips `hasUserJoined` or
// removes a meeting and the next request sees it. Faults (`behaviour`, `delayMs`) stand for a slow, down or
// misconfigured bbb-web; `inFlight`/`maxInFlight` prove how many requests a client had open at once.

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmulatedMeeting {
  meetingId: string;
  meetingName: string;
  voiceBridge: string;
  dialNumber: string;
  participantCount: number;
  /** Default true: a web user is in (a meeting nobody joined yet is `false`). */
  hasUserJoined?: boolean;
  /** Default true. */
  running?: boolean;
  /** Default false. A breakout room names its parent's meetingId here. */
  parentMeetingId?: string;
}

export type BbbEmulatorBehaviour =
  | 'normal'
  /** Accepts the request and never answers. */
  | 'hang'
  /** nginx's 502 page: bbb-web is down behind it. */
  | 'bad-gateway'
  /** HTTP 500 with a Tomcat-like error page: bbb-web failed. */
  | 'server-error'
  /** A 200 with an HTML page (a web server that is not BBB). */
  | 'html'
  /** A 200 whose XML is cut off mid-element. */
  | 'invalid-xml'
  /** Every checksum is refused, as when securitySalt changed under the client. */
  | 'checksum-error'
  /** FAILED with another key, as bbb-web answers when it cannot serve the call. */
  | 'failed';

export interface BbbApiEmulator {
  /** For bigbluebutton.web.serverURL, e.g. http://127.0.0.1:40123 */
  url: string;
  meetings: EmulatedMeeting[];
  behaviour: BbbEmulatorBehaviour;
  /** Delay before each answer (ms); 0 answers at once. */
  delayMs: number;
  /** Every request: the call name and whether its checksum passed. */
  requests: { call: string; checksumOk: boolean; algorithm: string | null }[];
  /** Requests received and not yet answered, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  close(): Promise<void>;
}

const LENGTHS: Record<number, string> = { 40: 'sha1', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

export async function startBbbApiEmulator(opts: {
  secret: string;
  algorithms?: string[];
  behaviour?: BbbEmulatorBehaviour;
  delayMs?: number;
}): Promise<BbbApiEmulator> {
  const algorithms = opts.algorithms ?? ['sha1', 'sha256', 'sha384', 'sha512'];
  const state = {
    meetings: [] as EmulatedMeeting[],
    behaviour: opts.behaviour ?? ('normal' as BbbEmulatorBehaviour),
    delayMs: opts.delayMs ?? 0,
    requests: [] as BbbApiEmulator['requests'],
    inFlight: 0,
    maxInFlight: 0,
  };
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    if (state.behaviour === 'hang') return;
    if (state.behaviour === 'bad-gateway') return send(res, 502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', 'text/html');
    if (state.behaviour === 'server-error') return send(res, 500, '<html><body><h1>HTTP Status 500 - Internal Server Error</h1></body></html>', 'text/html');
    if (state.behaviour === 'html') return send(res, 200, '<!DOCTYPE html><html><body>Welcome to nginx!</body></html>', 'text/html');
    const url = new URL(req.url ?? '/', 'http://emulator');
    const m = /^\/bigbluebutton\/api\/?([A-Za-z]*)$/.exec(url.pathname);
    if (!m) return send(res, 404, '<html><body>404 Not Found</body></html>', 'text/html');
    const call = m[1] ?? '';
    if (call === '') return xml(res, ['<returncode>SUCCESS</returncode>', '<version>2.0</version>', '<apiVersion>2.0</apiVersion>']);
    const raw = url.search.replace(/^\?/, '');
    const checksum = url.searchParams.get('checksum') ?? '';
    const query = raw.replace(/&?checksum=[^&]*/, '').replace(/^&/, '');
    const algorithm = LENGTHS[checksum.length] ?? null;
    const checksumOk =
      state.behaviour !== 'checksum-error' &&
      algorithm !== null &&
      algorithms.includes(algorithm) &&
      createHash(algorithm).update(call + query + opts.secret).digest('hex') === checksum;
    state.requests.push({ call, checksumOk, algorithm });
    if (!checksumOk) return xml(res, failed('checksumError', 'You did not pass the checksum security check'));
    if (state.behaviour === 'failed') return xml(res, failed('internalError', 'An internal error occurred'));
    if (state.behaviour === 'invalid-xml') return send(res, 200, '<response><returncode>SUCCESS</returncode><meetings><meeting><meetingID>', 'text/xml;charset=utf-8');
    if (call !== 'getMeetings') return xml(res, failed('notImplemented', 'not emulated'));
    if (state.meetings.length === 0) {
      return xml(res, ['<returncode>SUCCESS</returncode>', '<meetings/>', '<messageKey>noMeetings</messageKey>', '<message>no meetings were found on this server</message>']);
    }
    return xml(res, ['<returncode>SUCCESS</returncode>', '<meetings>', ...state.meetings.flatMap((mt) => meetingXml(mt, state.meetings)), '</meetings>']);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    open.add(res);
    res.on('close', () => {
      state.inFlight--;
      open.delete(res);
    });
    if (state.delayMs <= 0) return answer(req, res);
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer(req, res);
    }, state.delayMs);
    timers.add(timer);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get meetings() {
      return state.meetings;
    },
    set meetings(list: EmulatedMeeting[]) {
      state.meetings = list;
    },
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(b: BbbEmulatorBehaviour) {
      state.behaviour = b;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    requests: state.requests,
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One <meeting> as get-meetings.ftlx writes it (the elements a client might read, in its order). */
function meetingXml(mt: EmulatedMeeting, all: readonly EmulatedMeeting[]): string[] {
  const running = mt.running ?? true;
  const joined = mt.hasUserJoined ?? true;
  const breakout = mt.parentMeetingId !== undefined;
  const rooms = all.filter((o) => o.parentMeetingId === mt.meetingId);
  const attendees = Array.from({ length: mt.participantCount }, (_, i) => [
    '<attendee>',
    `<userID>w_${i}</userID>`,
    `<fullName>Web user ${i + 1}</fullName>`,
    `<role>${i === 0 ? 'MODERATOR' : 'VIEWER'}</role>`,
    `<isPresenter>${i === 0}</isPresenter>`,
    '<isListeningOnly>false</isListeningOnly>',
    '<hasJoinedVoice>false</hasJoinedVoice>',
    '<hasVideo>false</hasVideo>',
    '<clientType>HTML5</clientType>',
    '</attendee>',
  ]).flat();
  return [
    '<meeting>',
    `<meetingName>${esc(mt.meetingName)}</meetingName>`,
    `<meetingID>${esc(mt.meetingId)}</meetingID>`,
    `<internalMeetingID>${'0'.repeat(40)}-1700000000000</internalMeetingID>`,
    '<createTime>1700000000000</createTime>',
    '<createDate>Tue Nov 14 22:13:20 UTC 2023</createDate>',
    `<voiceBridge>${esc(mt.voiceBridge)}</voiceBridge>`,
    `<dialNumber>${esc(mt.dialNumber)}</dialNumber>`,
    '<attendeePW>ap</attendeePW>',
    '<moderatorPW>mp</moderatorPW>',
    `<running>${running}</running>`,
    '<duration>0</duration>',
    `<hasUserJoined>${joined}</hasUserJoined>`,
    '<recording>false</recording>',
    '<hasBeenForciblyEnded>false</hasBeenForciblyEnded>',
    `<startTime>${joined ? 1700000001000 : 0}</startTime>`,
    '<endTime>0</endTime>',
    `<participantCount>${mt.participantCount}</participantCount>`,
    '<listenerCount>0</listenerCount>',
    '<voiceParticipantCount>0</voiceParticipantCount>',
    '<videoCount>0</videoCount>',
    '<maxUsers>0</maxUsers>',
    `<moderatorCount>${mt.participantCount > 0 ? 1 : 0}</moderatorCount>`,
    ...(attendees.length > 0 ? ['<attendees>', ...attendees, '</attendees>'] : ['<attendees>', '</attendees>']),
    '<metadata>',
    '<bbb-origin>Greenlight</bbb-origin>',
    '</metadata>',
    `<isBreakout>${breakout}</isBreakout>`,
    ...(breakout ? [`<parentMeetingID>${esc(mt.parentMeetingId ?? '')}</parentMeetingID>`, '<sequence>1</sequence>', '<freeJoin>false</freeJoin>'] : []),
    ...(rooms.length > 0 ? ['<breakoutRooms>', ...rooms.map((r) => `<breakout>${'0'.repeat(40)}-${esc(r.meetingId)}</breakout>`), '</breakoutRooms>'] : []),
    '</meeting>',
  ];
}

/** api-error.ftlx: how bbb-web answers a refused call (HTTP 200). */
function failed(key: string, message: string): string[] {
  return ['<returncode>FAILED</returncode>', `<messageKey>${key}</messageKey>`, `<message>${message}</message>`];
}

function xml(res: ServerResponse, lines: string[]): void {
  send(res, 200, ['<response>', ...lines, '</response>'].join('\n'), 'text/xml;charset=utf-8');
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
