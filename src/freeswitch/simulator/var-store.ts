// Channel and global variables as FreeSWITCH keeps them: names are case-insensitive (switch_event headers),
// the first spelling is kept for display, and a variable can hold an array (pushed values, e.g. DP_MATCH),
// which reads back as "ARRAY::a|:b" like switch_event_get_header does.

interface Entry {
  name: string;
  values: string[];
}

export class VarStore {
  private readonly entries = new Map<string, Entry>();

  constructor(initial?: Iterable<[string, string]>) {
    if (initial) for (const [k, v] of initial) this.set(k, v);
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  /** The value, "ARRAY::..." for a multi-valued variable, or element `idx` when idx >= 0; null when unset. */
  get(name: string, idx = -1): string | null {
    const e = this.entries.get(name.toLowerCase());
    if (!e || e.values.length === 0) return null;
    if (idx >= 0) return e.values[idx] ?? null;
    if (e.values.length === 1) return e.values[0] as string;
    return `ARRAY::${e.values.join('|:')}`;
  }

  /** Set (null or undefined deletes), replacing any array. */
  set(name: string, value: string | null | undefined): void {
    const key = name.toLowerCase();
    if (value === null || value === undefined) {
      this.entries.delete(key);
      return;
    }
    const existing = this.entries.get(key);
    this.entries.set(key, { name: existing?.name ?? name, values: [value] });
  }

  /** SWITCH_STACK_PUSH: append to the variable's array. */
  push(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.entries.get(key);
    if (existing) existing.values.push(value);
    else this.entries.set(key, { name, values: [value] });
  }

  delete(name: string): void {
    this.entries.delete(name.toLowerCase());
  }

  /** Names starting with `prefix` (case-insensitive), removed: switch_channel_del_variable_prefix. */
  deletePrefix(prefix: string): void {
    const p = prefix.toLowerCase();
    for (const key of [...this.entries.keys()]) if (key.startsWith(p)) this.entries.delete(key);
  }

  /** Plain object of every variable, in the order first set, arrays rendered as get() does. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.entries.values()) {
      const v = this.get(e.name);
      if (v !== null) out[e.name] = v;
    }
    return out;
  }

  clone(): VarStore {
    const copy = new VarStore();
    for (const [key, e] of this.entries) copy.entries.set(key, { name: e.name, values: [...e.values] });
    return copy;
  }
}
