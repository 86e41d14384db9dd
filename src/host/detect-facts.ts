import * as path from 'node:path';
import { ConflictError, TargetFileError } from '../errors.js';
import { getPreprocessedVar } from '../edit/preprocessed-vars.js';
import { readBbbWebSettings, type BbbWebSettings } from '../bbb/bbb-web-settings.js';
import { BBB_HTML5_OVERRIDES, BBB_RELEASE_FILE, GROUP_FILE, PASSWD_FILE, UFW_BINARIES } from './bbb-paths.js';
import { resolveConfDir } from './freeswitch-conf-dir.js';
import { readText, type Host } from './host.js';
import { readRtpPortRange, type RtpPortRange } from './rtp-port-range.js';

/** What bbb-twilio learns from the server's files before it plans anything. */
export interface ServerFacts {
  /** The real FreeSWITCH conf dir (symlinks resolved). */
  confDir: string;
  bbbVersion: string | undefined;
  pinLength: { value: number; source: string };
  audioBridge: { value: 'freeswitch' | 'livekit'; source: string | undefined };
  /** The external profile's SIP port from vars.xml (5060 on stock BBB). */
  externalSipPort: number;
  /** FreeSWITCH's RTP port range (switch.conf.xml): where Twilio's media arrives. */
  rtpPorts: RtpPortRange;
  ufwInstalled: boolean;
  users: Record<string, number | null>;
  groups: Record<string, number | null>;
}

export async function detectFacts(host: Host): Promise<ServerFacts> {
  const confDir = await resolveConfDir(host);
  const vars = await readText(host, path.posix.join(confDir, 'vars.xml'));
  if (vars === null) {
    throw new TargetFileError(path.posix.join(confDir, 'vars.xml'), 'missing', {
      hint: 'is this a BigBlueButton server? FreeSWITCH\'s vars.xml should be in its conf dir',
    });
  }
  const portText = getPreprocessedVar(vars, path.posix.join(confDir, 'vars.xml'), 'external_sip_port');
  const externalSipPort = portText && /^\d+$/.test(portText) ? Number(portText) : 5060;
  const [passwd, group] = await Promise.all([readText(host, PASSWD_FILE), readText(host, GROUP_FILE)]);
  const settings = await readBbbWebSettings(host);
  return {
    confDir,
    bbbVersion: await detectBbbVersion(host),
    pinLength: detectPinLength(settings),
    audioBridge: await detectAudioBridge(host, settings),
    externalSipPort,
    rtpPorts: await readRtpPortRange(host, confDir),
    ufwInstalled: (await Promise.all(UFW_BINARIES.map((p) => host.lstat(p)))).some((s) => s !== null),
    users: { freeswitch: lookupId(passwd, 'freeswitch'), root: lookupId(passwd, 'root') },
    groups: { daemon: lookupId(group, 'daemon'), root: lookupId(group, 'root') },
  };
}

async function detectBbbVersion(host: Host): Promise<string | undefined> {
  const text = await readText(host, BBB_RELEASE_FILE);
  const m = text ? /BIGBLUEBUTTON_RELEASE=([^\s]+)/.exec(text) : null;
  return m?.[1];
}

/** bbb-web's effective settings: the packaged defaults, overridden key by key by /etc (as bbb-web reads them). */
function detectPinLength(settings: BbbWebSettings): { value: number; source: string } {
  const setting = settings.get('defaultNumDigitsForTelVoice');
  if (setting === undefined || !/^\d+$/.test(setting.value)) return { value: 5, source: 'BigBlueButton default' };
  return { value: Number(setting.value), source: `${setting.source} (defaultNumDigitsForTelVoice)` };
}

async function detectAudioBridge(host: Host, settings: BbbWebSettings): Promise<ServerFacts['audioBridge']> {
  const bridge = settings.get('audioBridge');
  if (bridge?.value.toLowerCase() === 'livekit') return { value: 'livekit', source: `${bridge.source} (audioBridge=livekit)` };
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
