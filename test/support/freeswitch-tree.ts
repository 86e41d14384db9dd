// Test helpers: point a copied fixture tree at emulators (its event_socket.conf.xml at the ESL emulator, its
// bbb-web.properties at the BBB API emulator), and the FreeSWITCH state a tree after `apply` would have.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { EmulatedProfile } from '../emulators/freeswitch-api-emulation.js';
import { CONF } from './tree.js';

/** Rewrite listen-ip, listen-port and password of the tree's event_socket.conf.xml. */
export async function pointTreeAtEsl(root: string, port: number, password = 'SandboxSecret42', ip = '127.0.0.1'): Promise<void> {
  const file = path.join(root, CONF, 'autoload_configs/event_socket.conf.xml');
  const text = await fs.readFile(file, 'utf8');
  const next = text
    .replace(/(name="listen-ip" value=")[^"]*"/, `$1${ip}"`)
    .replace(/(name="listen-port" value=")[^"]*"/, `$1${port}"`)
    .replace(/(name="password" value=")[^"]*"/, `$1${password}"`);
  if (next === text && !text.includes(`value="${port}"`)) throw new Error(`pointTreeAtEsl: nothing replaced in ${file}`);
  await fs.writeFile(file, next);
}

/** The dedicated profile as FreeSWITCH knows it once its XML exists: defined, not yet started. */
export function dedicatedProfile(overrides: Partial<EmulatedProfile> = {}): EmulatedProfile {
  return {
    name: 'bbb-twilio',
    state: 'DOWN',
    sipIp: '10.0.0.5',
    port: 5080,
    extSipIp: '203.0.113.10',
    extRtpIp: '203.0.113.10',
    context: 'bbb-twilio',
    inUse: 0,
    codecs: 'PCMU,PCMA',
    ...overrides,
  };
}

/** Set bigbluebutton.web.serverURL (and optionally securitySalt) in the tree's /etc/bigbluebutton/bbb-web.properties. */
export async function pointTreeAtBbb(root: string, serverUrl: string, salt?: string): Promise<void> {
  const file = path.join(root, 'etc/bigbluebutton/bbb-web.properties');
  let text = await fs.readFile(file, 'utf8');
  text = setProp(text, 'bigbluebutton.web.serverURL', serverUrl);
  if (salt !== undefined) text = setProp(text, 'securitySalt', salt);
  await fs.writeFile(file, text);
}

function setProp(text: string, key: string, value: string): string {
  const re = new RegExp(`^${key.replace(/\./g, '\\.')}=.*$`, 'm');
  return re.test(text) ? text.replace(re, () => `${key}=${value}`) : `${text.replace(/\n?$/, '\n')}${key}=${value}\n`;
}
