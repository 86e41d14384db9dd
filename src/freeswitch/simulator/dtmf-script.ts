// The caller's keypresses. Timing is not simulated, so the script is cut into entries: ',' or a space
// separate entries, and '#' ends one ("11111#22222#" is two). The caller types the next entry when the
// dialplan waits for digits and none are queued; whatever an entry leaves unread (a '#' after a maximum-
// length PIN) stays queued in FreeSWITCH, where the next prompt or playback meets it. An entry that runs out
// before the read is done is a pause: the read times out (play-and-get-digits.ts).

export const DTMF_SCRIPT = /^[0-9*#A-Da-d, ]*$/;

export class DtmfScript {
  private readonly entries: string[][];
  private queued: string[] = [];
  private readonly typed: string[] = [];

  constructor(script: string) {
    this.entries = [];
    for (const chunk of script.split(/[ ,]+/)) {
      let current: string[] = [];
      for (const ch of chunk.toUpperCase()) {
        current.push(ch);
        if (ch === '#') {
          this.entries.push(current);
          current = [];
        }
      }
      if (current.length > 0) this.entries.push(current);
    }
  }

  /** A digit already queued (typed earlier), without the caller typing anything new. */
  takeQueued(): string | null {
    const d = this.queued.shift();
    return d ?? null;
  }

  /** Drop the digits already queued (switch_core_session_reset with flush_dtmf); returns them. */
  flushQueued(): string {
    const gone = this.queued.join('');
    this.queued = [];
    return gone;
  }

  hasQueued(): boolean {
    return this.queued.length > 0;
  }

  /** The next digit while the dialplan listens: queued ones first, else the caller types the next entry. */
  take(): string | null {
    if (this.queued.length === 0) {
      const next = this.entries.shift();
      if (!next) return null;
      this.queued = [...next];
      this.typed.push(next.join(''));
    }
    return this.queued.shift() ?? null;
  }

  /** Digits never read: queued ones and entries never typed. */
  unread(): string {
    return [this.queued.join(''), ...this.entries.map((e) => e.join(''))].filter(Boolean).join(',');
  }
}
