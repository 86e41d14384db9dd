// PLACEHOLDER until the directory branch lands (replaced by the merge).
import type { MeetingInfo, MeetingLookup } from './call-context.js';
export type DirectoryMeeting = MeetingInfo;
export class MeetingDirectory {
  private map = new Map<string, MeetingInfo>();
  health: { ok: boolean; at: number | undefined; error: string | undefined } = { ok: false, at: undefined, error: undefined };
  constructor(private readonly opts: { fetchMeetings: () => Promise<MeetingInfo[]>; onFetch?: (r: { seconds: number; ok: boolean; error?: string }) => void }) {}
  async refresh(): Promise<void> {
    const t = Date.now();
    try {
      const list = await this.opts.fetchMeetings();
      this.map = new Map(list.map((m) => [m.voiceBridge, m]));
      this.health = { ok: true, at: Date.now(), error: undefined };
      this.opts.onFetch?.({ seconds: (Date.now() - t) / 1000, ok: true });
    } catch (err) {
      this.health = { ok: false, at: Date.now(), error: String(err) };
      this.opts.onFetch?.({ seconds: (Date.now() - t) / 1000, ok: false, error: String(err) });
    }
  }
  async lookup(pin: string): Promise<MeetingLookup> {
    let m = this.map.get(pin);
    if (!m) { await this.refresh(); if (!this.health.ok) return { kind: 'unavailable', reason: this.health.error ?? '' }; m = this.map.get(pin); }
    return m ? { kind: 'found', meeting: m } : { kind: 'not-found' };
  }
  peek(d: string): MeetingInfo | undefined { return this.map.get(d); }
  extendsAnother(d: string): boolean { return [...this.map.keys()].some((k) => k.length > d.length && k.startsWith(d)); }
  async *watch(vb: string, signal: AbortSignal): AsyncIterable<MeetingInfo | undefined> {
    while (!signal.aborted) { await new Promise((r) => setTimeout(r, 1000)); await this.refresh(); yield this.map.get(vb); }
  }
  callStarted(): void {}
  callEnded(): void {}
  stop(): void {}
}
