import * as path from 'node:path';
import { ConflictError, TargetFileError } from '../errors.js';
import { getPreprocessedVar } from '../edit/preprocessed-vars.js';
import { getProperty } from '../edit/properties.js';
import {
  BBB_HTML5_OVERRIDES,
  BBB_RELEASE_FILE,
  BBB_WEB_DEFAULTS,
  BBB_WEB_OVERRIDES,
  FREESWITCH_CONF_DIR,
  FREESWITCH_CONF_LINK,
  GROUP_FILE,
  PASSWD_FILE,
  UFW_BINARIES,
} from './bbb-paths.js';
import { readText, type Host } from './host.js';

/** What bbb-twilio learns from the server's files before it plans anything. */
export interface ServerFacts {
  /** The real FreeSWITCH conf dir (symlinks resolved). */
  confDir: string;
  bbbVersion: string | undefined;
  pinLength: { value: number; source: string };
  audioBridge: { value: 'freeswitch' | 'livekit'; source: string | undefined };
  /** The external profile's SIP port from vars.xml (5060 on stock BBB). */
  externalSipPort: number;
  ufwInstalled: boolean;
  users: Record<string, number | null>;
  groups: Record<string, number | null>;
}

export async function detectFacts(host: Host): Promise<ServerFacts> {
  const confDir = await findConfDir(host);
  const vars = await readText(host, path.posix.join(confDir, 'vars.xml'));
  if (vars === null) {
    throw new TargetFileError(path.posix.join(confDir, 'vars.xml'), 'missing', {
      hint: 'is this a BigBlueButton server? FreeSWITCH\'s vars.xml should be in its conf dir',
    });
  }
  const portText = getPreprocessedVar(vars, path.posix.join(confDir, 'vars.xml'), 'external_sip_port');
  const externalSipPort = portText && /^\d+$/.test(portText) ? Number(portText) : 5060;
  const [passwd, group] = await Promise.all([readText(host, PASSWD_FILE), readText(host, GROUP_FILE)]);
  return {
    confDir,
    bbbVersion: await detectBbbVersion(host),
    pinLength: await detectPinLength(host),
    audioBridge: await detectAudioBridge(host),
    externalSipPort,
    ufwInstalled: (await Promise.all(UFW_BINARIES.map((p) => host.lstat(p)))).some((s) => s !== null),
    users: { freeswitch: lookupId(passwd, 'freeswitch'), root: lookupId(passwd, 'root') },
    groups: { daemon: lookupId(group, 'daemon'), root: lookupId(group, 'root') },
  };
}

/**
 * `/opt/freeswitch/conf` is a symlink to `/opt/freeswitch/etc/freeswitch` on BBB. Resolve it so that we never
 * write one file through two paths. Some copied trees hold the link as a plain file naming its target.
 */
export async function findConfDir(host: Host): Promise<string> {
  for (const candidate of [FREESWITCH_CONF_LINK, FREESWITCH_CONF_DIR]) {
    const st = await host.lstat(candidate);
    if (st === null) continue;
    if (st.kind === 'file' && st.size < 256) {
      const target = ((await readText(host, candidate)) ?? '').trim();
      if (target && !target.includes('\n')) {
        const resolved = path.posix.resolve(path.posix.dirname(candidate), target);
        const dir = await host.realpath(resolved);
        if ((await host.lstat(dir))?.kind === 'dir') return dir;
      }
      continue;
    }
    const real = await host.realpath(candidate);
    if ((await host.lstat(real))?.kind === 'dir') return real;
  }
  throw new TargetFileError(FREESWITCH_CONF_LINK, 'FreeSWITCH configuration not found', {
    hint: 'is this a BigBlueButton server (or did you mean another --root)? expected /opt/freeswitch/conf',
  });
}

async function detectBbbVersion(host: Host): Promise<string | undefined> {
  const text = await readText(host, BBB_RELEASE_FILE);
  const m = text ? /BIGBLUEBUTTON_RELEASE=([^\s]+)/.exec(text) : null;
  return m?.[1];
}

async function detectPinLength(host: Host): Promise<{ value: number; source: string }> {
  let result = { value: 5, source: 'BigBlueButton default' };
  for (const file of [BBB_WEB_DEFAULTS, BBB_WEB_OVERRIDES]) {
    const text = await readText(host, file);
    const v = text === null ? undefined : getProperty(text, 'defaultNumDigitsForTelVoice')?.trim();
    if (v && /^\d+$/.test(v)) result = { value: Number(v), source: `${file} (defaultNumDigitsForTelVoice)` };
  }
  return result;
}

async function detectAudioBridge(host: Host): Promise<ServerFacts['audioBridge']> {
  for (const file of [BBB_WEB_DEFAULTS, BBB_WEB_OVERRIDES]) {
    const text = await readText(host, file);
    const v = text === null ? undefined : getProperty(text, 'audioBridge')?.trim().toLowerCase();
    if (v === 'livekit') return { value: 'livekit', source: `${file} (audioBridge=livekit)` };
  }
  const html5 = await readText(host, BBB_HTML5_OVERRIDES);
  if (html5 && /^\s*(audioBridge|defaultFullAudioBridge|defaultListenOnlyBridge)\s*:\s*['"]?livekit/m.test(html5)) {
    return { value: 'livekit', source: BBB_HTML5_OVERRIDES };
  }
  return { value: 'freeswitch', source: undefined };
}

/** Refuse, clearly, to plan FreeSWITCH dial-in for a server whose audio goes through LiveKit. */
export function assertFreeswitchAudio(facts: ServerFacts): void {
  if (facts.audioBridge.value === 'livekit') {
    throw new ConflictError(
      `this BigBlueButton server routes meeting audio through LiveKit (${facts.audioBridge.source}); ` +
        'FreeSWITCH dial-in does not reach those meetings',
      'switch audio back to FreeSWITCH (audioBridge=freeswitch) or use LiveKit SIP for dial-in',
    );
  }
}

function lookupId(text: string | null, name: string): number | null {
  if (text === null) return null;
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  return null;
}
