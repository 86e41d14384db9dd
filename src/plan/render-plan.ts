import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';
import type { ServerFacts } from '../host/detect-facts.js';
import { countChanges, type Change, type FileChange, type Plan } from '../model/change.js';
import { maskSecrets } from './mask-secrets.js';
import { renderTwilioChangeText, twilioChangeJson } from './render-twilio-change.js';
import { formatCommand } from '../host/host.js';
import { IMPACT_TEXT } from './service-actions.js';

export interface RenderOptions {
  color: boolean;
  /** Lines of context around each diff hunk. */
  context?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

const SYMBOL = { create: '+', update: '~', delete: '-' } as const;

export function fileDiff(change: FileChange, context = 3): string {
  const before = maskSecrets(change.before ?? '', change.secrets);
  const after = maskSecrets(change.after ?? '', change.secrets);
  if (before === after) return '';
  const patch = createTwoFilesPatch(
    change.before === null ? '/dev/null' : `a${change.path}`,
    change.after === null ? '/dev/null' : `b${change.path}`,
    before,
    after,
    undefined,
    undefined,
    { context },
  );
  // Drop the "Index/====" preamble: the two file lines say it all.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('Index: ') && !l.startsWith('====='))
    .join('\n')
    .trimEnd();
}

function mode(m: number | null): string {
  return m === null ? '-' : `0${m.toString(8).padStart(3, '0')}`;
}

function metaLine(change: FileChange): string | undefined {
  if (change.after === null) return undefined;
  const parts: string[] = [];
  if (change.modeBefore !== change.mode) parts.push(`mode ${change.modeBefore === null ? '' : mode(change.modeBefore) + ' -> '}${mode(change.mode)}`);
  if (change.owner) {
    const { user, group, uid, gid } = change.owner;
    const differs = !change.ownerBefore || change.ownerBefore.uid !== uid || change.ownerBefore.gid !== gid;
    if (uid === null || gid === null) parts.push(`owner ${user}:${group} not set (no such user or group here)`);
    else if (differs) parts.push(`owner ${user}:${group}`);
  }
  return parts.length ? parts.join(', ') : undefined;
}

function colourDiff(diff: string, c: Colors): string {
  return diff
    .split('\n')
    .map((l) =>
      l.startsWith('+++') || l.startsWith('---')
        ? c.bold(l)
        : l.startsWith('+')
          ? c.green(l)
          : l.startsWith('-')
            ? c.red(l)
            : l.startsWith('@@')
              ? c.cyan(l)
              : l,
    )
    .join('\n');
}

function changeHeading(change: Change, c: Colors): string {
  const sym = SYMBOL[change.kind];
  const paint = change.kind === 'create' ? c.green : change.kind === 'delete' ? c.red : c.yellow;
  const what = change.type === 'file' ? change.path : change.title;
  return `${paint(`${sym} ${change.kind.padEnd(6)}`)} ${c.bold(what)}`;
}

export function summaryLine(plan: Plan): string {
  const n = countChanges(plan.changes);
  return `Plan: ${n.create} to add, ${n.update} to change, ${n.delete} to destroy.`;
}

/** The plan as a person reads it: each change with its diff, the service actions and their impact, warnings. */
export function renderPlanText(plan: Plan, facts: ServerFacts, opts: RenderOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  if (plan.changes.length === 0) {
    out.push(c.green('No changes. The server is in the configured state.'));
  }
  for (const change of plan.changes) {
    if (change.type === 'firewall') {
      // One line per rule: the command is in the JSON plan and in the journal for undo.
      const paint = change.kind === 'create' ? c.green : c.red;
      out.push(`${paint(`${SYMBOL[change.kind]} firewall`)} ${change.title}`);
      continue;
    }
    if (change.type === 'twilio') {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      out.push(...renderTwilioChangeText(change, c), '');
      continue;
    }
    out.push(changeHeading(change, c));
    out.push(`    ${change.title}`);
    if (change.type === 'file') {
      const meta = metaLine(change);
      if (meta) out.push(c.dim(`    ${meta}`));
      if (change.conflict) out.push(c.red(`    ! ${change.conflict}: not overwritten without --force`));
      const diff = fileDiff(change, opts.context ?? 3);
      if (diff) out.push(colourDiff(diff, c).replace(/^/gm, '    '));
      else if (change.before !== change.after) out.push(c.dim('    only a secret value changes (not shown: ********)'));
    }
    out.push('');
  }
  if (plan.changes.some((ch) => ch.type === 'firewall')) out.push('');
  if (plan.actions.length > 0) {
    out.push(c.bold('Services:'));
    const width = Math.max(...plan.actions.map((a) => formatCommand(a.argv).length));
    for (const a of plan.actions) {
      const impact = IMPACT_TEXT[a.impact];
      const paint = a.impact === 'drops-web-audio' ? c.red : a.impact === 'none' ? c.dim : c.yellow;
      out.push(`  ${formatCommand(a.argv).padEnd(width)}  ${paint(impact)}`);
    }
    if (plan.actions.some((a) => a.impact === 'drops-web-audio')) {
      out.push(c.yellow('  The external-profile restart waits for you: apply --when-idle runs it once no call is up, --restart-now at once.'));
    }
    if (plan.actions.some((a) => a.impact === 'restarts-bbb-web')) {
      out.push(c.yellow('  The bbb-web restart runs only when no meeting is running: apply --when-idle waits for that, --restart-now restarts at once.'));
    }
    out.push('');
  }
  if (plan.warnings.length > 0) {
    out.push(c.bold('Warnings:'));
    for (const w of plan.warnings) {
      const paint = w.level === 'note' ? c.dim : c.red;
      out.push(paint(`  ! ${w.level}: ${w.message}`));
      if (w.hint) out.push(`    ${w.hint}`);
    }
    out.push('');
  }
  out.push(c.bold(summaryLine(plan)));
  void facts;
  return out.join('\n') + '\n';
}

export interface PlanJson {
  changes: unknown[];
  actions: unknown[];
  warnings: unknown[];
  summary: { create: number; update: number; delete: number };
  blocked: boolean;
  facts: unknown;
}

/** The plan for scripts. Secrets are masked in diffs; file contents are not included. */
export function renderPlanJson(plan: Plan, facts: ServerFacts, extra: Record<string, unknown> = {}): PlanJson {
  return {
    ...extra,
    facts: {
      confDir: facts.confDir,
      bbbVersion: facts.bbbVersion ?? null,
      pinLength: facts.pinLength,
      audioBridge: facts.audioBridge.value,
      externalSipPort: facts.externalSipPort,
      ufwInstalled: facts.ufwInstalled,
    },
    changes: plan.changes.map((ch) =>
      ch.type === 'file'
        ? {
            type: 'file',
            resource: ch.resource,
            kind: ch.kind,
            path: ch.path,
            title: ch.title,
            mode: mode(ch.mode),
            modeBefore: ch.modeBefore === null ? null : mode(ch.modeBefore),
            owner: ch.owner ? `${ch.owner.user}:${ch.owner.group}` : null,
            conflict: ch.conflict ?? null,
            needs: ch.needs,
            diff: fileDiff(ch),
          }
        : ch.type === 'twilio'
          ? twilioChangeJson(ch)
          : { type: 'firewall', resource: ch.resource, kind: ch.kind, title: ch.title, rule: ch.rule, argv: ch.argv, undoArgv: ch.undoArgv },
    ),
    actions: plan.actions.map((a) => ({ need: a.need, argv: a.argv, description: a.description, impact: a.impact, requiresConsent: a.requiresConsent })),
    warnings: plan.warnings,
    summary: countChanges(plan.changes),
    blocked: plan.blocked,
  };
}
