// Where a phone number's calls go in the Twilio account, and a number bbb-twilio attached with that routing
// from before (so uninstall can put it back). Pure data, shared by the plan, the journal and the Twilio side.

/**
 * Where a number's calls go: its trunk, else its TwiML app, else its voice URL (with the fallback). Kept in
 * bbb-twilio's state for each number it attaches, because attaching deletes the app (Twilio's rule for
 * `TrunkSid`) and replaces the trunk, so uninstall can put it back exactly.
 */
export interface NumberRouting {
  /** "" and null alike mean none (the live API sends both). */
  voiceUrl: string | null;
  voiceMethod: string | null;
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: string | null;
  voiceApplicationSid: string | null;
  trunkSid: string | null;
}

/** A number bbb-twilio attached to its trunk, with where its calls went before, to put back on uninstall. */
export interface AttachedNumber {
  phoneNumber: string;
  previous: NumberRouting;
}
