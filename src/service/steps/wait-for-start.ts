// Step 5: the meeting exists but no web user has joined it yet. BBB ends such a meeting after
// meetingExpireIfNoUserJoinedInMinutes and a dial-in does not count as a join, so the caller holds (a prompt, then
// hold music) and joins the moment a web user joins; the meeting ending, or maxWait, ends the wait.

import type { CallContext, MeetingInfo } from '../call-context.js';

export type WaitResult = { kind: 'started'; meeting: MeetingInfo } | { kind: 'ended' } | { kind: 'too-long' };

export async function waitForStart(ctx: CallContext, meeting: MeetingInfo): Promise<WaitResult> {
  const { channel, settings } = ctx;
  const since = ctx.now();
  const watching = new AbortController();
  const cancelDeadline = ctx.clock.after(settings.maxWaitMs, () => watching.abort());
  const hold = playHold(ctx, watching.signal);
  try {
    const result = await Promise.race([watchUntilStarted(ctx, meeting, watching.signal), ctx.interrupted]);
    return result;
  } finally {
    cancelDeadline();
    watching.abort();
    // Not waiting for the hold loop to wind down: what comes next (the join's transfer, a goodbye) runs at once on
    // FreeSWITCH, nested in whatever still plays, and the loop sees the abort and sends nothing more.
    hold.catch(() => undefined);
    await channel.stopAudio();
    ctx.record.callerMs += ctx.now() - since;
  }
}

async function watchUntilStarted(ctx: CallContext, meeting: MeetingInfo, signal: AbortSignal): Promise<WaitResult> {
  for await (const now of ctx.meetings.watch(meeting.voiceBridge, signal)) {
    if (now === undefined) return { kind: 'ended' };
    if (now.hasUserJoined) return { kind: 'started', meeting: now };
  }
  return signal.aborted ? { kind: 'too-long' } : { kind: 'ended' };
}

/** "Not started, please hold", then hold music until the wait ends, with the prompt again every few minutes. */
async function playHold(ctx: CallContext, signal: AbortSignal): Promise<void> {
  const { channel, settings } = ctx;
  let promptedAt = Number.NEGATIVE_INFINITY;
  while (!signal.aborted && !channel.gone) {
    if (ctx.now() - promptedAt >= REPEAT_PROMPT_MS) {
      promptedAt = ctx.now();
      await channel.execute('playback', settings.prompts.notStarted);
      if (signal.aborted) return;
    }
    // BBB's FreeSWITCH has no mod_local_stream: hold music is a file, played again each time it ends.
    const started = ctx.now();
    const response = await channel.execute('playback', settings.holdMusic);
    // A missing file ends at once ("FILE NOT FOUND"): hold in silence rather than spin.
    if (!signal.aborted && (response === 'FILE NOT FOUND' || ctx.now() - started < 1000)) await channel.execute('sleep', '5000');
  }
}

const REPEAT_PROMPT_MS = 3 * 60_000;
