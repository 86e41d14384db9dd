// glob(3) as FreeSWITCH's pre-processor calls it for `include` (GLOB_NOCHECK, sorted): `*`, `?` and `[...]`
// match within one path segment, never a leading dot; results are sorted byte-wise (the C locale).
// With no match the pattern itself comes back, which FreeSWITCH then fails to open.

import * as path from 'node:path';
import type { Host } from '../../host/host.js';

/** The part of the Host the loader needs: it only reads (the simulator also runs on an in-memory tree). */
export type ReadHost = Pick<Host, 'root' | 'realpath' | 'lstat' | 'readBytes' | 'listDir'>;

const MAGIC = /[*?[]/;

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** fnmatch() of one path segment, without FNM_PERIOD exceptions beyond the leading-dot rule. */
export function segmentMatcher(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRegex(pattern[++i] as string);
    } else if (ch === '*') {
      re += '[^/]*';
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '[') {
      let j = i + 1;
      let negate = false;
      if (pattern[j] === '!' || pattern[j] === '^') {
        negate = true;
        j++;
      }
      let body = '';
      if (pattern[j] === ']') {
        body += '\\]';
        j++;
      }
      while (j < pattern.length && pattern[j] !== ']') {
        const c = pattern[j] as string;
        body += c === '\\' || c === '^' || c === '[' ? `\\${c}` : c;
        j++;
      }
      if (j >= pattern.length) {
        re += '\\['; // unterminated class: a literal '['
      } else {
        re += `[${negate ? '^' : ''}${body}]`;
        i = j;
      }
    } else {
      re += escapeRegex(ch);
    }
  }
  return new RegExp(`^${re}$`);
}

function matchesSegment(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  return segmentMatcher(pattern).test(name);
}

/** Expand an absolute server-path pattern; sorted matches, or [pattern] when nothing matches. */
export async function globFiles(host: ReadHost, pattern: string): Promise<{ paths: string[]; matched: boolean }> {
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let current: string[] = ['/'];
  for (const seg of segments) {
    if (seg === '') continue;
    const next: string[] = [];
    for (const dir of current) {
      if (!MAGIC.test(seg)) {
        next.push(path.posix.join(dir, seg.replace(/\\(.)/g, '$1')));
        continue;
      }
      const names = await host.listDir(dir).catch(() => null);
      if (!names) continue;
      for (const name of names) if (matchesSegment(seg, name)) next.push(path.posix.join(dir, name));
    }
    current = next;
    if (current.length === 0) break;
  }
  const existing: string[] = [];
  for (const p of current) if ((await host.lstat(p)) !== null) existing.push(p);
  if (existing.length === 0) return { paths: [pattern], matched: false };
  existing.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { paths: existing, matched: true };
}
