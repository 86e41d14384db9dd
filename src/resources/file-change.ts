import { decodeXmlAttribute } from '../edit/xml-escape.js';
import { TargetFileError } from '../errors.js';
import { readText } from '../host/host.js';
import { sha256 } from '../model/state.js';
import type { FileChange, Owner, PlanWarning, ServiceNeed } from '../model/change.js';
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
  const filePath = await regularFilePath(ctx, spec.path);
  const before = await readText(host, filePath);
  const stat = await host.lstat(filePath);
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
    title: filePath === spec.path ? spec.title : `${spec.title} (through the symlink ${spec.path})`,
    path: filePath,
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
    const known = state.files[filePath];
    if (!known) {
      change.conflict = `${filePath} exists but was not written by bbb-twilio`;
    } else if (known.sha256 !== sha256(before)) {
      change.conflict = `${filePath} was edited by hand since bbb-twilio wrote it`;
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

/**
 * The file a change reads and writes: a symlink's target (resolved inside the root), so the change edits that
 * file in place with its own mode and owner, journals and restores it, and never replaces the link. A link to
 * nothing is refused: writing would create a file wherever it points.
 */
async function regularFilePath(ctx: PlanContext, serverPath: string): Promise<string> {
  const real = await ctx.host.realpath(serverPath);
  if (real !== serverPath && (await ctx.host.lstat(serverPath))?.kind === 'symlink' && (await ctx.host.lstat(real)) === null) {
    throw new TargetFileError(serverPath, `${serverPath} is a symlink to ${real}, which does not exist`, {
      hint: 'point the link at the existing file, or remove the link so bbb-twilio creates the file, then run again',
    });
  }
  return real;
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
    if (names.includes((m[2] ?? '').toLowerCase()) && m[4]) values.push(m[4], decodeXmlAttribute(m[4]));
  }
  return values;
}
