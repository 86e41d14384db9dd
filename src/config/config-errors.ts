// Turns what is wrong with a config file (a YAML syntax error, a zod issue) into one ConfigError that names
// the file, the line and the dotted key, shows the value that was given (never a secret's) and says what to do.

import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';

export const SEE_EXAMPLE = 'see examples/config.yml for the keys and what they mean';

/** Keys whose values are secrets: an error message names them but never shows what they hold. */
const SECRET_KEYS = new Set(['password', 'authToken', 'apiKeySecret']);

type ZodIssue = z.ZodError['issues'][number];

export type KeyPath = readonly (string | number)[];

/** Where the config file's keys are, for `file:line:` prefixes. */
export class ConfigLocator {
  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  /**
   * The line of the key (or list item) at `keyPath`; when it is missing, the line of its deepest parent
   * that exists (`server:` for a missing `server.publicIp`); undefined when not even the first key exists.
   */
  line(keyPath: KeyPath): number | undefined {
    let node: unknown = this.doc.contents;
    let line: number | undefined;
    for (const step of keyPath) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
        if (!pair) return line;
        const keyNode = pair.key as { range?: [number, number, number] | null };
        line = this.lineAt(keyNode.range?.[0]) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        const item = node.items[step] as { range?: [number, number, number] | null } | undefined;
        if (!item) return line;
        line = this.lineAt(item.range?.[0]) ?? line;
        node = item;
      } else {
        return line;
      }
    }
    return line;
  }

  /** `file:line` (or just `file`) for the start of a message about `keyPath`. */
  where(keyPath: KeyPath): string {
    const line = this.line(keyPath);
    return line === undefined ? this.file : `${this.file}:${line}`;
  }

  private lineAt(offset: number | undefined): number | undefined {
    return offset === undefined ? undefined : this.lineCounter.linePos(offset).line;
  }
}

export function yamlSyntaxError(error: YAMLError, file: string, lineCounter: LineCounter): ConfigError {
  const offset = error.pos[0];
  const line = error.linePos?.[0]?.line ?? (Number.isInteger(offset) ? lineCounter.linePos(offset).line : undefined);
  const firstLine = error.message.split('\n')[0] ?? error.message;
  return new ConfigError(`${file}${line ? `:${line}` : ''}: not valid YAML: ${firstLine}`, {
    file,
    hint: 'fix the YAML syntax (indentation with spaces, "quotes" around values with ":" or "#")',
  });
}

/** The first zod issue as a ConfigError. `data` is what the YAML held, to show the value that was given. */
export function zodIssueToConfigError(error: z.ZodError, data: unknown, locate: ConfigLocator): ConfigError {
  const file = locate.file;
  const first = error.issues[0];
  if (!first) return new ConfigError(`${file}: invalid configuration`, { file, hint: SEE_EXAMPLE });
  const issue = unwrapUnion(first, data);
  const keyPath = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const key = keyPath.join('.');
  const value = valueAt(data, keyPath);
  const secret = keyPath.some((p) => typeof p === 'string' && SECRET_KEYS.has(p));
  const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  const got = secret || !scalar ? '' : ` (got ${show(value)})`;

  const make = (message: string, hint: string, at: KeyPath = keyPath): ConfigError =>
    new ConfigError(`${locate.where(at)}: ${message}`, { file, ...(key ? { key } : {}), hint });

  switch (issue.code) {
    case 'unrecognized_keys': {
      const unknownPath = [...keyPath, issue.keys[0] ?? ''];
      const unknown = unknownPath.join('.');
      return new ConfigError(`${locate.where(unknownPath)}: unknown key "${unknown}"`, {
        file,
        key: unknown,
        hint: 'remove it or check its spelling against examples/config.yml',
      });
    }
    case 'invalid_type': {
      if (value === undefined) return make(key === '' ? 'the file is empty' : `${key} is required`, SEE_EXAMPLE);
      if (value === null) return make(`${key} has no value`, SEE_EXAMPLE);
      const expected = describeExpected(issue.expected);
      if (key === '') {
        return make(`must be a YAML mapping of keys (server:, numbers:, ...), not ${describeValue(value)}`, SEE_EXAMPLE);
      }
      const hint =
        issue.expected === 'string' && typeof value !== 'object'
          ? `put the value in "quotes" so YAML reads it as text`
          : (issue.expected === 'number' || issue.expected === 'int') && typeof value === 'string'
            ? 'write the number without quotes'
            : issue.expected === 'boolean'
              ? 'write true or false, without quotes'
              : SEE_EXAMPLE;
      return make(`${key} must be ${expected}, not ${describeValue(value)}${got}`, hint);
    }
    case 'invalid_union':
      return make(
        `${key} must be a phone number in "quotes" or a mapping with number: and label:${got}`,
        'write each number like - "+1 613-555-0142" or - { number: "+1 613-555-0142", label: Canada }',
      );
    case 'invalid_value':
      return make(`${key} must be one of ${issue.values.map((v) => String(v)).join(', ')}${got}`, SEE_EXAMPLE);
    case 'too_small':
    case 'too_big':
      return make(`${key} ${rangeMessage(issue)}${got}`, SEE_EXAMPLE);
    default: {
      const message = issue.message.replace(/^Invalid input: /, 'is invalid: ');
      const shown = secret || value === undefined || typeof value === 'object' ? '' : ` ${show(value)}`;
      return make(`${key}${shown} ${message}`, 'see examples/config.yml for the allowed values');
    }
  }
}

/** A union's issue says nothing useful; use the branch that matches the kind of value given. */
function unwrapUnion(issue: ZodIssue, data: unknown): ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const value = valueAt(data, issue.path.map((p) => (typeof p === 'number' ? p : String(p))));
  const kind = typeof value === 'object' && value !== null && !Array.isArray(value) ? 'object' : typeof value;
  for (const branch of issue.errors) {
    const inner = branch[0];
    if (!inner) continue;
    const rootTypeMismatch = inner.code === 'invalid_type' && inner.path.length === 0;
    const matchesKind = kind === 'object' ? inner.path.length > 0 || inner.code !== 'invalid_type' : kind === 'string';
    if (!rootTypeMismatch && matchesKind) return { ...inner, path: [...issue.path, ...inner.path] } as ZodIssue;
  }
  return issue;
}

function rangeMessage(issue: ZodIssue): string {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return issue.message;
  // Messages given in the schema ("must be 5 to 11 digits") say it best.
  if (!/^(Too small|Too big)/.test(issue.message)) return issue.message;
  const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  if (issue.origin === 'array') {
    return issue.code === 'too_small' ? `needs at least ${bound} entr${bound === '1' ? 'y' : 'ies'}` : `may have at most ${bound} entries`;
  }
  if (issue.origin === 'string') {
    if (issue.code === 'too_small' && bound === '1') return 'must not be empty';
    return issue.code === 'too_small' ? `must be at least ${bound} characters` : `must be at most ${bound} characters`;
  }
  return issue.code === 'too_small' ? `must be at least ${bound}` : `must be at most ${bound}`;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list (lines starting with "- ")';
    case 'object':
      return 'a mapping (key: value lines)';
    default:
      return expected;
  }
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a number' : 'a fraction';
  if (typeof value === 'boolean') return 'true/false';
  return typeof value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

export function valueAt(data: unknown, keyPath: KeyPath): unknown {
  let node = data;
  for (const step of keyPath) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}
