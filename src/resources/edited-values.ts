// Edits of values in files that belong to BBB or FreeSWITCH: each value is set to what the config wants, and
// its original is remembered the first time we change it, so uninstall (or a switch of mode) can put it back.

export interface ValueEdit {
  /** Key in state.originals, e.g. `vars.xml#external_rtp_ip`. */
  stateKey: string;
  current: string | undefined;
  desired: string;
}

/**
 * The value a managed key should have now. When the key is not wanted (uninstall, other mode), the original
 * comes back, but only while the file still holds the value we set: somebody else's later change stays.
 */
export function targetValue(
  edit: ValueEdit,
  wanted: boolean,
  originals: Record<string, string | null>,
): { value: string | undefined; original?: string | null; restores?: true } {
  if (wanted) {
    const record = edit.current !== edit.desired && !(edit.stateKey in originals);
    return record ? { value: edit.desired, original: edit.current ?? null } : { value: edit.desired };
  }
  if (!(edit.stateKey in originals) || edit.current !== edit.desired) return { value: edit.current };
  const original = originals[edit.stateKey];
  return { value: original === null ? undefined : original, restores: true };
}
