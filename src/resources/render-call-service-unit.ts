import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { STATE_DIR } from '../host/bbb-paths.js';

/** The systemd unit of the call service, installed by apply. */
export const CALL_SERVICE_UNIT = '/etc/systemd/system/bbb-twilio.service';
export const CALL_SERVICE_NAME = 'bbb-twilio';

export interface CallServiceUnitInput {
  /** The Node.js executable that runs the CLI (absolute). */
  node: string;
  /** This package's `bin/bbb-twilio.js` (absolute). */
  bin: string;
  /** The config file the service reads, as a server path. */
  configFile: string;
  /** `configDigest(config)`. */
  configDigest: string;
}

/**
 * `bbb-twilio serve` as a systemd service: restarted when it dies, started after FreeSWITCH and bbb-web, and
 * confined to what it needs (it reads the config and bbb-web's properties, talks to FreeSWITCH and bbb-web over
 * the network, and writes its lockout state under /var/lib/bbb-twilio). It runs as root with no capabilities:
 * the config is root's (mode 0600) and readConfigFile refuses one owned by another user.
 */
export function renderCallServiceUnit(input: CallServiceUnitInput): string {
  const exec = [input.node, input.bin, 'serve', '--config', input.configFile].map(systemdWord).join(' ');
  return [
    '# Managed by bbb-twilio. Do not edit: change /etc/bbb-twilio/config.yml and run "bbb-twilio apply".',
    '# callService.enabled: false removes this service (FreeSWITCH then runs the static PIN dialplan only).',
    '[Unit]',
    'Description=bbb-twilio call service: phone callers join BigBlueButton meetings by PIN',
    'After=network-online.target freeswitch.service bbb-web.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    '# A digest of the config\'s non-secret content: a config change is a change of this unit, so apply restarts the',
    '# service exactly when its unit or its config changed (it reads the config when it starts).',
    `Environment=BBB_TWILIO_CONFIG_DIGEST=${input.configDigest}`,
    'Restart=always',
    'RestartSec=2',
    '# On SIGTERM the service hands callers still typing a PIN or waiting back to the dialplan, then exits 0.',
    'TimeoutStopSec=15',
    'UMask=0077',
    'NoNewPrivileges=yes',
    'CapabilityBoundingSet=',
    'ProtectSystem=strict',
    `ReadWritePaths=${STATE_DIR}`,
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'SystemCallArchitectures=native',
    '# No MemoryDenyWriteExecute: V8 compiles JavaScript to machine code at run time.',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * 12 hex digits of a hash over the loaded config without its secrets (the Twilio token and key secret, the
 * termination password, generated or not) and without where the file is: a secret never reaches the unit, and
 * a plan made before a generated password is stored sees the same digest as the one after.
 */
export function configDigest(config: Config): string {
  const { file: _file, ...rest } = config;
  const { authToken: _token, apiKey, termination, ...twilio } = config.twilio;
  const shown = {
    ...rest,
    twilio: {
      ...twilio,
      apiKeySid: apiKey?.sid ?? null,
      termination: termination ? { domain: termination.domain, username: termination.username } : null,
    },
  };
  return createHash('sha256').update(JSON.stringify(shown)).digest('hex').slice(0, 12);
}

/** A word of ExecStart: quoted when it holds a space or a character systemd would read (`$`, `%`, `"`, `\`). */
function systemdWord(word: string): string {
  if (/^[\w@+=:,./-]+$/.test(word)) return word;
  return `"${word.replace(/[\\"]/g, (c) => `\\${c}`).replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}
