import assert from 'node:assert/strict';
import test from 'node:test';
import { EslFrameError, EslFrameParser, headerValue, parseEventPlain, type EslFrame } from './esl-frame.js';

// A BACKGROUND_JOB event as FreeSWITCH 1.10.8 sent it for `bgapi version` (published in a Go ESL library's test
// suite); only the outer Content-Length was recomputed here.
const BACKGROUND_JOB_BODY =
  'Event-Name: BACKGROUND_JOB\n' +
  'Core-UUID: ef96cd89-e2fe-4e30-813e-150327e2d03d\n' +
  'FreeSWITCH-Hostname: DESKTOP-D8K9BJT\n' +
  'FreeSWITCH-Switchname: DESKTOP-D8K9BJT\n' +
  'FreeSWITCH-IPv4: 172.21.86.241\n' +
  'FreeSWITCH-IPv6: %3A%3A1\n' +
  'Event-Date-Local: 2023-09-10%2013%3A05%3A18\n' +
  'Event-Date-GMT: Sun,%2010%20Sep%202023%2009%3A35%3A18%20GMT\n' +
  'Event-Date-Timestamp: 1694338518748101\n' +
  'Event-Calling-File: mod_commands.c\n' +
  'Event-Calling-Function: bgapi_exec\n' +
  'Event-Calling-Line-Number: 5395\n' +
  'Event-Sequence: 583\n' +
  'Job-UUID: e3b9f524-e20e-4996-adf9-30bb465cda68\n' +
  'Job-Command: version\n' +
  'Content-Length: 113\n' +
  '\n' +
  'FreeSWITCH Version 1.10.8-release+git~20221014T193245Z~3510866140~64bit (git 3510866 2022-10-14 19:32:45Z 64bit)\n';

const STATUS = 'UP 0 years, 3 days, 0 hours, 7 minutes, 45 seconds\nFreeSWITCH (Version 1.10.12) is ready\n\n1000 session(s) max\n';

function apiResponse(body: string): string {
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

function eventFrame(body: string): string {
  return `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-plain\n\n${body}`;
}

test('a frame fed one byte at a time comes out whole, once', () => {
  const parser = new EslFrameParser();
  const frames: EslFrame[] = [];
  for (const byte of Buffer.from(apiResponse(STATUS))) frames.push(...parser.push(Buffer.from([byte])));
  assert.equal(frames.length, 1);
  assert.equal(headerValue(frames[0]?.headers ?? {}, 'Content-Type'), 'api/response');
  assert.equal(frames[0]?.body, STATUS);
  assert.equal(parser.inFrame, false);
});

test('several frames in one chunk come out in order', () => {
  const wire =
    'Content-Type: auth/request\n\n' +
    'Content-Type: command/reply\nReply-Text: +OK accepted\n\n' +
    eventFrame(BACKGROUND_JOB_BODY) +
    apiResponse('+OK [Success]\n');
  const frames = new EslFrameParser().push(Buffer.from(wire));
  assert.deepEqual(
    frames.map((f) => headerValue(f.headers, 'Content-Type')),
    ['auth/request', 'command/reply', 'text/event-plain', 'api/response'],
  );
  assert.equal(frames[1]?.headers['Reply-Text'], '+OK accepted');
  assert.equal(frames[3]?.body, '+OK [Success]\n');
});

test('Content-Length counts bytes, so a body with blank lines and a split multi-byte character survives', () => {
  const body = 'Conference 12345 members:\n\nZoë;sofia/external/w_1@10.0.0.5\n';
  const wire = Buffer.from(apiResponse(body) + 'Content-Type: command/reply\nReply-Text: +OK bye\n\n');
  const cut = wire.indexOf(Buffer.from('ë')) + 1; // inside the two bytes of ë
  const parser = new EslFrameParser();
  const first = parser.push(wire.subarray(0, cut));
  assert.equal(first.length, 0);
  assert.equal(parser.inFrame, true);
  const rest = parser.push(wire.subarray(cut));
  assert.equal(rest[0]?.body, body);
  assert.equal(rest[1]?.headers['Reply-Text'], '+OK bye');
});

test('stray blank lines between frames are skipped, as mod_event_socket does', () => {
  const frames = new EslFrameParser().push(Buffer.from('\n\nContent-Type: auth/request\n\n\n'));
  assert.equal(frames.length, 1);
});

test('CRLF line ends are tolerated', () => {
  const frames = new EslFrameParser().push(Buffer.from('Content-Type: command/reply\r\nReply-Text: +OK\r\n\r\n'));
  assert.equal(frames[0]?.headers['Reply-Text'], '+OK');
});

test('another service on the port (an SSH banner) is a frame error, not a hang', () => {
  assert.throws(
    () => new EslFrameParser().push(Buffer.from('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n')),
    (err: unknown) => err instanceof EslFrameError && /SSH-2\.0/.test(err.message),
  );
});

test('a Content-Length that is not a number is a frame error', () => {
  assert.throws(() => new EslFrameParser().push(Buffer.from('Content-Type: api/response\nContent-Length: lots\n\n')), EslFrameError);
});

test('an endless line without a newline is a frame error', () => {
  assert.throws(() => new EslFrameParser().push(Buffer.alloc(20_000, 0x41)), EslFrameError);
});

test('a text/event-plain body decodes URL-encoded header values and reads its own body by length', () => {
  const event = parseEventPlain(BACKGROUND_JOB_BODY);
  assert.equal(event.headers['Event-Name'], 'BACKGROUND_JOB');
  assert.equal(event.headers['FreeSWITCH-IPv6'], '::1');
  assert.equal(event.headers['Event-Date-GMT'], 'Sun, 10 Sep 2023 09:35:18 GMT');
  assert.equal(event.headers['Job-UUID'], 'e3b9f524-e20e-4996-adf9-30bb465cda68');
  assert.match(event.body, /^FreeSWITCH Version 1\.10\.8-release/);
  assert.equal(Buffer.byteLength(event.body), 113);
});

test('an event without a body has an empty body, and a malformed escape is kept as it came', () => {
  const event = parseEventPlain('Event-Name: CHANNEL_HANGUP\nCaller-Caller-ID-Name: Zo%C3%AB%20%26%20Co\nOdd: 100%\n\n');
  assert.equal(event.headers['Caller-Caller-ID-Name'], 'Zoë & Co');
  assert.equal(event.headers['Odd'], '100%');
  assert.equal(event.body, '');
});

test('an event that announces more body than it carries is a frame error', () => {
  assert.throws(() => parseEventPlain('Event-Name: BACKGROUND_JOB\nContent-Length: 50\n\nshort'), EslFrameError);
});
