// How FreeSWITCH writes header values in event-socket frames (switch_url_encode), for the sandbox FreeSWITCH
// that the demo and the tests talk to.

/** switch_url_encode: control bytes, non-ASCII bytes and `\r\n "#%&+:;<=>?@[\]^`{|}` become %XX. */
export function urlEncode(value: string): string {
  const unsafe = '\r\n "#%&+:;<=>?@[\\]^`{|}';
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x20 || byte > 0x7e || unsafe.includes(ch) ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}
