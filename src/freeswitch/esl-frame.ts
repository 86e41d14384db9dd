// The event-socket wire format (mod_event_socket.c): a frame is a block of `Name: value\n` header lines ended by
// a blank line, then `Content-Length` bytes of body when that header is present. Frames arrive split across TCP
// chunks and several to a chunk, so the parser is incremental and works on bytes (Content-Length counts bytes).
// A `text/event-plain` body is itself a header block, with URL-encoded values, and its own Content-Length body.

/** One frame as it came off the wire. Header values are raw (outer headers are not URL-encoded). */
export interface EslFrame {
  headers: Record<string, string>;
  body: string;
}

/** An event delivered as `text/event-plain`: URL-decoded headers and the event's own body. */
export interface EslEvent {
  headers: Record<string, string>;
  body: string;
}

/** The byte stream is not the event-socket protocol. The client turns this into an EslError('protocol'). */
export class EslFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EslFrameError';
  }
}

const NEWLINE = 0x0a;
/** A header line longer than this is not ESL (FreeSWITCH's own read buffer is 2 KiB for commands). */
const MAX_LINE_BYTES = 16 * 1024;
const MAX_HEADER_LINES = 512;
/** `sofia status` on a big server is a few hundred KiB; anything near this is a broken stream. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** A header line is `Name:`, spaces or tabs, then the value (HEADER_NAME checks the name). */
const HEADER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const LINE_BREAKS = /[\r\u2028\u2029]/;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** Case-insensitive header lookup (FreeSWITCH writes `Content-Type`, clients must not depend on the case). */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const exact = headers[name];
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/** Incremental frame parser: feed it chunks, get whole frames back. Throws EslFrameError on a broken stream. */
export class EslFrameParser {
  private buffer: Buffer = Buffer.alloc(0);
  private headers: Record<string, string> = {};
  private headerLines = 0;
  /** A Content-Length header (in any case) is among `headers`: spares a case-insensitive search per frame. */
  private hasLength = false;
  /** Set once the blank line after the headers arrived: the body length still to come. */
  private bodyLength: number | null = null;

  /** True while part of a frame has been received but not all of it. */
  get inFrame(): boolean {
    return this.headerLines > 0 || this.bodyLength !== null || /[^\r\n]/.test(this.buffer.toString('latin1'));
  }

  push(chunk: Buffer): EslFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: EslFrame[] = [];
    for (;;) {
      const frame = this.bodyLength === null ? this.readHeaders() : this.readBody(this.bodyLength);
      if (frame === 'more') return frames;
      if (frame !== 'headers-done') frames.push(frame);
    }
  }

  private readHeaders(): EslFrame | 'more' | 'headers-done' {
    // One read offset over the buffer, trimmed once at the end: no Buffer object per line (the hot path at
    // thousands of calls).
    let pos = 0;
    try {
      for (;;) {
        const end = this.buffer.indexOf(NEWLINE, pos);
        if (end < 0) {
          if (this.buffer.length - pos > MAX_LINE_BYTES) throw new EslFrameError(`a header line longer than ${MAX_LINE_BYTES} bytes`);
          return 'more';
        }
        const stop = end > pos && this.buffer[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
        const line = this.buffer.toString('utf8', pos, stop);
        pos = end + 1;
        if (line === '') {
          // FreeSWITCH skips stray blank lines between frames; so do we.
          if (this.headerLines === 0) continue;
          return this.finishHeaders();
        }
        const header = splitHeaderLine(line);
        if (!header) throw new EslFrameError(`got ${quoteSample(line)} where a "Name: value" header line belongs`);
        if (++this.headerLines > MAX_HEADER_LINES) throw new EslFrameError(`more than ${MAX_HEADER_LINES} header lines`);
        this.headers[header[0]] = header[1];
        if (isContentLength(header[0])) this.hasLength = true;
      }
    } finally {
      if (pos > 0) this.buffer = this.buffer.subarray(pos);
    }
  }

  private finishHeaders(): EslFrame | 'headers-done' {
    const lengthText = this.hasLength ? headerValue(this.headers, 'Content-Length') : undefined;
    if (lengthText === undefined) return this.emit('');
    this.bodyLength = parseContentLength(lengthText);
    return 'headers-done';
  }

  private readBody(length: number): EslFrame | 'more' {
    if (this.buffer.length < length) return 'more';
    const body = this.buffer.subarray(0, length).toString('utf8');
    this.buffer = this.buffer.subarray(length);
    return this.emit(body);
  }

  private emit(body: string): EslFrame {
    const frame = { headers: this.headers, body };
    this.headers = {};
    this.headerLines = 0;
    this.hasLength = false;
    this.bodyLength = null;
    return frame;
  }
}

/** Parse the body of a `text/event-plain` frame (switch_event_serialize's output). */
export function parseEventPlain(text: string): EslEvent {
  // Headers are read off the string (a newline byte is never inside a UTF-8 sequence); bytes only for a body.
  const headers: Record<string, string> = {};
  let hasLength = false;
  let pos = 0;
  for (;;) {
    const end = text.indexOf('\n', pos);
    const stop = end < 0 ? text.length : end;
    const line = text.slice(pos, stop > pos && text.charCodeAt(stop - 1) === CARRIAGE_RETURN ? stop - 1 : stop);
    pos = end < 0 ? text.length : end + 1;
    if (line === '') break;
    const header = splitHeaderLine(line);
    if (!header) throw new EslFrameError(`an event header line ${quoteSample(line)} is not "Name: value"`);
    headers[header[0]] = decodeEventValue(header[1]);
    if (isContentLength(header[0])) hasLength = true;
    if (end < 0) break;
  }
  const lengthText = hasLength ? headerValue(headers, 'Content-Length') : undefined;
  if (lengthText === undefined) return { headers, body: '' };
  const length = parseContentLength(lengthText);
  const bytes = Buffer.from(text, 'utf8');
  const start = Buffer.byteLength(text.slice(0, pos), 'utf8');
  if (bytes.length - start < length) {
    throw new EslFrameError(`an event announces a ${length}-byte body but carries ${bytes.length - start} bytes`);
  }
  return { headers, body: bytes.subarray(start, start + length).toString('utf8') };
}

/** `Name: value` as /^([A-Za-z0-9_][A-Za-z0-9_.-]*):[ \t]*(.*)$/ splits it, without a match array; undefined when not a header. */
function splitHeaderLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon);
  if (!HEADER_NAME.test(name)) return undefined;
  let start = colon + 1;
  while (start < line.length && (line.charCodeAt(start) === SPACE || line.charCodeAt(start) === TAB)) start++;
  const value = line.slice(start);
  // A regex `.` never matched these: a value holding one was never a header line, and still is not.
  if (LINE_BREAKS.test(value)) return undefined;
  return [name, value];
}

function isContentLength(name: string): boolean {
  return name.length === 14 && name.toLowerCase() === 'content-length';
}

function parseContentLength(text: string): number {
  if (!/^\d{1,10}$/.test(text.trim())) throw new EslFrameError(`Content-Length ${quoteSample(text)} is not a number`);
  const length = Number(text.trim());
  if (length > MAX_BODY_BYTES) throw new EslFrameError(`a ${length}-byte body is beyond any real FreeSWITCH reply`);
  return length;
}

/** Event header values are URL-encoded (switch_url_encode); a malformed escape is kept as it came. */
function decodeEventValue(value: string): string {
  if (!value.includes('%')) return value; // nothing to decode (most values): spares the call
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A short, printable sample of offending input for messages. */
function quoteSample(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(printable.length > 40 ? `${printable.slice(0, 40)}...` : printable);
}
