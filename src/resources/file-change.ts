import { readText } from '../host/host.js';
import { sha256 } from '../apply/state.js';
import type { FileChange, Owner, PlanWarning, ServiceNeed } from '../plan/change.js';
import type { PlanContext, ResourcePlan } from './resource.js';

export interface FileSpec {
  resource: string;
  path: string;
  title: string;
  /** Desired content; null means the file must not exist. */
  after: string | null;
  /** Permission bits for a file bbb-twilio owns; ignored (kept) for edits of someone else's file. */
  mode: number;
  /** `freeswitch:daemon` for files FreeSWITCH reads; null keeps the current owner. */
  owner: { user: string; group: string } | null;
  xml: boolean;
  /** The whole file is bbb-twilio's (it creates and deletes it). */
  managedWhole: boolean;
  secrets?: string[];
  /** `<param>` names whose values in the *current* file are secret too (an old password in a diff). */
  secretParams?: string[];
  needs: ServiceNeed[];
  originals?: Record<string, string | null>;
  forgetOriginals?: string[];
}

/** Compare a file's current state with its desired state; a change only where they differ. */
export async function planFile(ctx: PlanContext, spec: FileSpec): Promise<ResourcePlan> {
  const { host, state } = ctx;
  const warnings: PlanWarning[] = [];
  const before = await readText(host, spec.path);
  const stat = await host.lstat(spec.path);
  const owner = spec.owner ? resolveOwner(ctx, spec.owner, warnings) : null;

  const contentChanges = before !== spec.after;
  let metaChanges = false;
  if (spec.after !== null && before !== null && stat && spec.managedWhole) {
    const wrongMode = stat.mode !== spec.mode;
    const wrongOwner = owner !== null && owner.uid !== null && owner.gid !== null && (stat.uid !== owner.uid || stat.gid !== owner.gid);
    metaChanges = wrongMode || wrongOwner;
  }
  if (!contentChanges && !metaChanges) return { changes: [], warnings };

  const change: FileChange = {
    type: 'file',
    resource: spec.resource,
    kind: before === null ? 'create' : spec.after === null ? 'delete' : 'update',
    title: spec.title,
    path: spec.path,
    before,
    after: spec.after,
    mode: spec.managedWhole ? spec.mode : (stat?.mode ?? spec.mode),
    modeBefore: stat?.mode ?? null,
    owner,
    ownerBefore: stat ? { uid: stat.uid, gid: stat.gid } : null,
    xml: spec.xml,
    managedWhole: spec.managedWhole,
    secrets: [...(spec.secrets ?? []), ...paramValues(before, spec.secretParams ?? []), ...paramValues(spec.after, spec.secretParams ?? [])],
    needs: spec.needs,
    ...(spec.originals ? { originals: spec.originals } : {}),
    ...(spec.forgetOriginals?.length ? { forgetOriginals: spec.forgetOriginals } : {}),
  };

  // Hand edits: a file of ours that differs from what we last wrote, or one we never wrote at all.
  if (spec.managedWhole && before !== null && contentChanges) {
    const known = state.files[spec.path];
    if (!known) {
      change.conflict = `${spec.path} exists but was not written by bbb-twilio`;
    } else if (known.sha256 !== sha256(before)) {
      change.conflict = `${spec.path} was edited by hand since bbb-twilio wrote it`;
    }
    if (change.conflict) {
      warnings.push({
        level: 'conflict',
        message: change.conflict,
        hint: 'review the diff; run again with --force to replace it (a backup is kept for rollback)',
      });
    }
  }
  return { changes: [change], warnings };
}

function resolveOwner(ctx: PlanContext, want: { user: string; group: string }, warnings: PlanWarning[]): Owner {
  const uid = ctx.facts.users[want.user] ?? null;
  const gid = ctx.facts.groups[want.group] ?? null;
  if (uid === null || gid === null) {
    const missing = uid === null ? `user ${want.user}` : `group ${want.group}`;
    warnings.push({
      level: 'note',
      message: `${missing} does not exist under ${ctx.host.root}: files keep their current owner`,
    });
  }
  return { ...want, uid, gid };
}

/**
 * Values of `<param name="X" value="...">` in a file, found by a light scan, for masking only: both as
 * written (whatever escaping the writer used) and decoded.
 */
function paramValues(text: string | null, names: readonly string[]): string[] {
  if (text === null || names.length === 0) return [];
  const values: string[] = [];
  for (const m of text.matchAll(/<param\s+name\s*=\s*(["'])([^"']*)\1\s+value\s*=\s*(["'])([\s\S]*?)\3/g)) {
    if (names.includes((m[2] ?? '').toLowerCase()) && m[4]) values.push(m[4], decodeEntities(m[4]));
  }
  return values;
}

function decodeEntities(raw: string): string {
  return raw
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
