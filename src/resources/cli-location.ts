import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostError } from '../errors.js';

/** How systemd runs this CLI: the Node.js executable and this package's bin script. */
export interface CliLocation {
  node: string;
  bin: string;
}

const PACKAGE_NAME = 'bbb-twilio';

/**
 * The CLI that is running now, as the call service's unit starts it: this package's bin/bbb-twilio.js, found by
 * walking up from this module to the package.json named bbb-twilio (src/resources/ under tsx, dist/bundle/ in the
 * bundle), run by the Node.js that runs us.
 */
export function runningCli(from: string = import.meta.url): CliLocation {
  const start = path.dirname(fileURLToPath(from));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === PACKAGE_NAME) {
      return { node: process.execPath, bin: path.join(dir, 'bin', 'bbb-twilio.js') };
    }
    if (path.dirname(dir) === dir) {
      throw new HostError(`cannot find bbb-twilio's own package.json above ${start}, so the call service's ExecStart is unknown`, {
        hint: 'run bbb-twilio from its installed directory (npm ci in a clone, as the README says), not a copied file',
      });
    }
  }
}

function readPackageName(manifest: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
