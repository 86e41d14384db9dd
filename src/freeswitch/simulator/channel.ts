// The simulated channel: its variables, its caller profile (the fields a bare `field="..."` condition reads),
// the globals behind both, and its call state (answered, hung up, transferred, ended in a conference).

import { VarStore } from './var-store.js';
import type { Where } from './types.js';

/** Caller-profile fields switch_caller_get_field_by_name() knows (matched case-insensitively). */
export const PROFILE_FIELDS = [
  'dialplan',
  'username',
  'caller_id_name',
  'ani',
  'aniii',
  'caller_id_number',
  'network_addr',
  'rdnis',
  'destination_number',
  'uuid',
  'source',
  'transfer_source',
  'context',
  'chan_name',
  'callee_id_name',
  'callee_id_number',
  'profile_index',
] as const;

export interface TransferRequest {
  extension: string;
  dialplan: string;
  context: string;
}

export interface CallEnd {
  /** hangup: the channel hung up; conference/bridge: the call left the dialplan for one of those. */
  kind: 'hangup' | 'conference' | 'bridge';
  /** Hangup cause ("CALL_REJECTED", "403 Forbidden") or the conference/bridge target. */
  detail: string;
  /** Which application (or stage) ended it. */
  by: string;
  where: Where;
}

export class Channel {
  readonly vars = new VarStore();
  readonly globals: VarStore;
  private readonly profile = new Map<string, string>();
  private readonly softProfile = new VarStore();
  answered = false;
  earlyMedia = false;
  end: CallEnd | null = null;
  transfer: TransferRequest | null = null;

  constructor(globals: VarStore, profile: Record<string, string>) {
    this.globals = globals;
    for (const [k, v] of Object.entries(profile)) this.setProfileField(k, v);
  }

  get up(): boolean {
    return this.end === null;
  }

  /** switch_caller_get_field_by_name: a profile field, else a "soft" profile variable, else null. */
  getProfileField(name: string): string | null {
    const key = name.toLowerCase();
    if ((PROFILE_FIELDS as readonly string[]).includes(key)) return this.profile.get(key) ?? null;
    return this.softProfile.get(name);
  }

  /** switch_channel_set_profile_var: a known field, else a soft profile variable. */
  setProfileField(name: string, value: string): void {
    const key = name.toLowerCase();
    if ((PROFILE_FIELDS as readonly string[]).includes(key)) this.profile.set(key, value);
    else this.softProfile.set(name, value);
  }

  /** switch_channel_get_variable_dup: channel variable, then caller-profile field, then global. */
  getVariable(name: string, index = -1): string | null {
    const v = this.vars.get(name, index);
    if (v !== null) return v;
    const p = this.getProfileField(name);
    if (p !== null) return p;
    return this.globals.get(name, index);
  }

  profileFields(): Record<string, string> {
    return Object.fromEntries(this.profile);
  }

  hangup(cause: string, by: string, where: Where): void {
    if (this.end === null) this.end = { kind: 'hangup', detail: cause, by, where };
  }
}
