// Step 3: the PIN, key by key as the caller types (DTMF events), while the prompt plays (the first key stops it).
// The entry ends as soon as the digits are a known meeting's voiceBridge, unless they are also the start of
// another one (a breakout room adds a digit to its parent's): then after a short pause or `#`. Otherwise `#`, a
// pause of digitTimeout, or the 11th digit (BBB's longest PIN) ends it. Any length works without configuration.

import type { CallContext } from '../call-context.js';

export type PinEnd = 'known-pin' | 'pound' | 'pause' | 'longest' | 'nothing';

export interface PinEntry {
  digits: string;
  end: PinEnd;
}

const LONGEST_PIN = 11;

export async function collectPin(ctx: CallContext, prompt: string): Promise<PinEntry> {
  const { channel, settings, meetings } = ctx;
  let digits = '';
  let promptPlaying = true;
  let finish!: (entry: PinEntry) => void;
  const entry = new Promise<PinEntry>((resolve) => (finish = resolve));
  let cancel = (): void => undefined;
  const wait = (ms: number, end: PinEnd): void => {
    cancel();
    cancel = ctx.clock.after(ms, () => finish({ digits, end }));
  };

  const unsubscribe = channel.onDtmf((key) => {
    // The key itself ended the prompt (playback_terminators=any, set when answering).
    promptPlaying = false;
    if (key === '#') return finish({ digits, end: 'pound' });
    if (!/^\d$/.test(key)) return; // * and A-D mean nothing here
    digits += key;
    if (digits.length >= LONGEST_PIN) return finish({ digits, end: 'longest' });
    if (meetings.peek(digits)) {
      if (!meetings.extendsAnother(digits)) return finish({ digits, end: 'known-pin' });
      return wait(settings.ambiguousPinMs, 'known-pin');
    }
    wait(settings.digitTimeoutMs, 'pause');
  });

  const typingSince = ctx.now();
  try {
    const played = channel.execute('playback', prompt).catch(() => undefined);
    void played.then(() => {
      // The prompt is over and nothing was typed: give the caller time for the first key.
      if (promptPlaying && digits === '') {
        promptPlaying = false;
        wait(settings.firstDigitTimeoutMs, 'nothing');
      }
    });
    return await Promise.race([entry, ctx.interrupted]);
  } finally {
    cancel();
    unsubscribe();
    ctx.record.callerMs += ctx.now() - typingSince;
  }
}

