// doctor's output: for people, one aligned line per check with the fix under a warning or failure and a summary;
// for scripts, JSON whose shape and check ids are a contract.

import pc from 'picocolors';
import type { CheckResult, CheckStatus } from './check.js';
import type { DoctorReport } from './run-doctor.js';

const LABEL: Record<CheckStatus, string> = { ok: 'OK', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

export function renderDoctorLine(result: CheckResult, opts: { color: boolean; idWidth: number }): string {
  const c = pc.createColors(opts.color);
  const paint: Record<CheckStatus, (s: string) => string> = { ok: c.green, warn: c.yellow, fail: c.red, skip: c.dim };
  const label = paint[result.status](LABEL[result.status].padEnd(4));
  const indent = ' '.repeat(2 + 4 + 2 + opts.idWidth + 2);
  let text = `  ${label}  ${c.bold(result.id.padEnd(opts.idWidth))}  ${result.status === 'skip' ? c.dim(result.finding) : result.finding}\n`;
  if ((result.status === 'warn' || result.status === 'fail') && result.fix) text += `${indent}${c.cyan('fix:')} ${result.fix}\n`;
  return text;
}

export function renderSummary(report: DoctorReport, color: boolean): string {
  const c = pc.createColors(color);
  const total = report.checks.length;
  const parts = [
    c.green(`${report.ok} ok`),
    report.warn ? c.yellow(`${report.warn} warning${report.warn === 1 ? '' : 's'}`) : `${report.warn} warnings`,
    report.fail ? c.red(`${report.fail} failed`) : `${report.fail} failed`,
    c.dim(`${report.skip} skipped`),
  ];
  const verdict = report.fail > 0 ? c.red('Dial-in will not work until the failures are fixed.') : report.warn > 0 ? c.yellow('Dial-in should work; read the warnings.') : c.green('Dial-in is ready.');
  return `\n${total} checks: ${parts.join(', ')}. ${verdict}\n`;
}

/** `{ checks: [{ id, title, status, finding, fix }], ok, warn, fail, skip }`, keys in this order. */
export function renderDoctorJson(report: DoctorReport): string {
  const json = {
    checks: report.checks.map((r) => ({ id: r.id, title: r.title, status: r.status, finding: r.finding, fix: r.fix })),
    ok: report.ok,
    warn: report.warn,
    fail: report.fail,
    skip: report.skip,
  };
  return JSON.stringify(json, null, 2) + '\n';
}
