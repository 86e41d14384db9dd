import { InvalidArgumentError } from 'commander';

/** commander parser for options in whole seconds (--idle-timeout SECONDS). Kept apart: main.ts loads it eagerly. */
export function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 86_400) {
    throw new InvalidArgumentError('give a whole number of seconds between 1 and 86400');
  }
  return Number(value);
}
