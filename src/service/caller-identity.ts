// Who the caller is shown as in the meeting, from the validated number only, exactly as the static dialplan does
// (render-dialplan.ts): a plain 4-15 digit number, masked to xxx-xxx-1234 unless maskCallerId is false; a withheld
// number (none, or +266696687, which spells ANONYMOUS and is how Twilio presents one) is "Phone caller" when
// allowed. Nothing the caller typed as a name is ever used.

const KNOWN_NUMBER = /^\+?(?!266696687$)\d{4,15}$/;

export interface CallerIdentity {
  /** Validated digits (with a leading + when the carrier sent one), or undefined when withheld. */
  number: string | undefined;
  /** What the meeting's user list shows. */
  name: string;
  /** For logs and the lockout book: never the full number. */
  masked: string;
}

export function callerIdentity(callerNumber: string, opts: { maskCallerId: boolean }): CallerIdentity {
  const trimmed = callerNumber.trim();
  if (!KNOWN_NUMBER.test(trimmed)) return { number: undefined, name: 'Phone caller', masked: 'withheld' };
  const masked = maskNumber(trimmed);
  return { number: trimmed, name: opts.maskCallerId ? masked : trimmed, masked };
}

export function maskNumber(number: string): string {
  return `xxx-xxx-${number.slice(-4)}`;
}
