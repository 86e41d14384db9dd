// Where FreeSWITCH's event socket listens and with which password, read from
// <conf>/autoload_configs/event_socket.conf.xml under the host's root, so a test tree can point at an emulator.
// The password is read, never assumed: admins change it, and FreeSWITCH's built-in default is public knowledge.
// Defaults for a missing listen-ip / listen-port are mod_event_socket's own (127.0.0.1, 8021).

import * as path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TargetFileError } from '../errors.js';
import { readText, type Host } from '../host/host.js';
import type { EslOptions } from './esl-client.js';

export interface EventSocketConfig {
  /** Address to connect to (a wildcard listen-ip becomes loopback). */
  host: string;
  port: number;
  password: string;
  /** Server path of the file the settings came from (symlinks resolved). */
  file: string;
}

export const EVENT_SOCKET_CONF = 'autoload_configs/event_socket.conf.xml';
const DEFAULT_LISTEN_IP = '127.0.0.1';
const DEFAULT_LISTEN_PORT = 8021;

/** Read the event socket's address and password from the FreeSWITCH conf dir `confDir` (a server path). */
export async function readEventSocketConfig(host: Host, confDir: string): Promise<EventSocketConfig> {
  const file = await host.realpath(path.posix.join(confDir, EVENT_SOCKET_CONF));
  const text = await readText(host, file);
  if (text === null) {
    throw new TargetFileError(file, `${file} does not exist, so bbb-twilio cannot find FreeSWITCH's event socket`, {
      hint: 'is FreeSWITCH installed under this --root? BBB ships this file with bbb-freeswitch-core',
    });
  }
  const params = parseSettings(text, file);

  const password = params.get('password');
  if (password === undefined || password.value === '') {
    throw new TargetFileError(file, `${file} sets no event-socket password`, {
      hint: 'add <param name="password" value="..."/> to its <settings> and restart FreeSWITCH; ' +
        'bbb-twilio will not guess the well-known default',
    });
  }
  const listenIp = params.get('listen-ip');
  const listenPort = params.get('listen-port');
  for (const param of [password, listenIp, listenPort]) {
    if (param && param.value.includes('$${')) {
      throw new TargetFileError(file, `${file}: ${param.name} uses a FreeSWITCH variable bbb-twilio cannot resolve`, {
        line: param.line,
        hint: `write the ${param.name} value literally in this file`,
      });
    }
  }
  const port = listenPort === undefined ? DEFAULT_LISTEN_PORT : Number(listenPort.value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TargetFileError(file, `${file}: listen-port "${listenPort?.value ?? ''}" is not a TCP port`, {
      line: listenPort?.line,
      hint: 'set listen-port to a number between 1 and 65535 (FreeSWITCH uses 8021)',
    });
  }
  return { host: resolveEslTarget(listenIp?.value ?? DEFAULT_LISTEN_IP), port, password: password.value, file };
}

/** The address a local client connects to for a listen-ip: a wildcard (`::`, `0.0.0.0`) means loopback. */
export function resolveEslTarget(listenIp: string): string {
  const ip = listenIp.trim().replace(/^\[(.*)\]$/, '$1');
  if (ip === '' || ip === '::' || ip === '0.0.0.0' || ip === '::0' || ip === '0:0:0:0:0:0:0:0') return '127.0.0.1';
  return ip;
}

/** Client options for a config read from a file: the messages then name the file, never the password. */
export function eslOptionsFromConfig(config: EventSocketConfig, timeoutMs?: number): EslOptions {
  return {
    host: config.host,
    port: config.port,
    password: config.password,
    passwordFrom: config.file,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
}

interface Param {
  name: string;
  value: string;
  line: number | undefined;
}

/** `<configuration><settings><param name= value=/>...` as a map; the first definition of a name wins. */
function parseSettings(text: string, file: string): Map<string, Param> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new TargetFileError(file, `${file}:${valid.err.line}: not well-formed XML: ${valid.err.msg}`, {
      line: valid.err.line,
      hint: 'FreeSWITCH cannot read this file either; fix the XML and restart FreeSWITCH',
    });
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => name === 'param' || name === 'settings',
  });
  const doc: unknown = parser.parse(text);
  const settings = field(field(doc, 'configuration'), 'settings');
  const params = new Map<string, Param>();
  const settingsList = Array.isArray(settings) ? settings : [];
  for (const block of settingsList) {
    const list = field(block, 'param');
    for (const param of Array.isArray(list) ? list : []) {
      const name = field(param, 'name');
      const value = field(param, 'value');
      if (typeof name !== 'string' || typeof value !== 'string' || params.has(name)) continue;
      params.set(name, { name, value, line: lineOfParam(text, name) });
    }
  }
  if (settingsList.length === 0) {
    throw new TargetFileError(file, `${file} has no <configuration><settings> block`, {
      hint: 'restore the file from the FreeSWITCH package (bbb-freeswitch-core) and set its password again',
    });
  }
  return params;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** 1-based line of `<param name="<name>"`, for messages; undefined when it cannot be told. */
function lineOfParam(text: string, name: string): number | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const live = text.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ' '));
  const match = new RegExp(`<param\\s+name\\s*=\\s*["']${escaped}["']`).exec(live);
  return match ? live.slice(0, match.index).split('\n').length : undefined;
}
