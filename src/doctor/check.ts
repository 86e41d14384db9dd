// One doctor check's result. Ids are stable across releases: scripts match on them (doctor --json).

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** One line: what was found. */
  finding: string;
  /** One line: what to do about it (empty when there is nothing to do). */
  fix: string;
}

/** Results of one check id: `check.ok('...')`, `check.fail('...', 'fix')`. */
export interface CheckMaker {
  ok(finding: string): CheckResult;
  warn(finding: string, fix: string): CheckResult;
  fail(finding: string, fix: string): CheckResult;
  skip(finding: string, fix?: string): CheckResult;
}

export function check(id: string, title: string): CheckMaker {
  const make = (status: CheckStatus, finding: string, fix = ''): CheckResult => ({
    id,
    title,
    status,
    finding: oneLine(finding),
    fix: oneLine(fix),
  });
  return {
    ok: (finding) => make('ok', finding),
    warn: (finding, fix) => make('warn', finding, fix),
    fail: (finding, fix) => make('fail', finding, fix),
    skip: (finding, fix) => make('skip', finding, fix),
  };
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The message of anything thrown, on one line. */
export function messageOf(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

/** The hint of a BbbTwilioError-like value, or a fallback. */
export function hintOf(err: unknown, fallback: string): string {
  const hint = typeof err === 'object' && err !== null && 'hint' in err ? (err as { hint: unknown }).hint : undefined;
  return typeof hint === 'string' && hint !== '' ? hint : fallback;
}

/** A check: its stable id, its title, and how to run it. Each check handles what it expects to go wrong. */
export interface DoctorCheck<Ctx> {
  id: string;
  title: string;
  run(ctx: Ctx, result: CheckMaker): Promise<CheckResult> | CheckResult;
}
