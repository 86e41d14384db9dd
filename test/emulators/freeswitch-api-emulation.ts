// Test code: the FreeSWITCH API commands bbb-twilio uses, answered from a mutable in-memory state with text in
// FreeSWITCH's real output formats. The formats are written from FreeSWITCH's source (signalwire/freeswitch):
//   sofia status, sofia status profile, sofia profile ... : src/mod/endpoints/mod_sofia/mod_sofia.c (cmd_status,
//     cmd_profile); columns are printf("%25s\t%s\t  %40s\t%s"), rules are 97 '=' signs
//   reloadxml, show calls count, status, version  : src/mod/applications/mod_commands/mod_commands.c
//   conference <name> list                        : src/mod/applications/mod_conference (conference_list,
//     conference_api_main_real)
//   unknown commands                              : src/mod/event_handlers/mod_event_socket/mod_event_socket.c
// Commands the emulator does not know how to answer get a loud `-ERR [esl-emulator]` line, so a test that relies
// on one fails instead of passing on invented output.

export interface EmulatedGateway {
  name: string;
  /** `register_to` as sofia prints it, e.g. sip:bbb@example.pstn.twilio.com. */
  registerTo: string;
  /** NOREG for register=false gateways (Twilio termination), REGED, FAILED, ... */
  state: string;
}

export interface EmulatedProfile {
  name: string;
  /** Stop/restart attempts still refused as too soon after the start (mod_sofia wants 5 s of uptime). */
  tooYoungFor?: number;
  /** DOWN: defined in the XML but not running. Like FreeSWITCH, `sofia status` then does not list it at all. */
  state: 'RUNNING' | 'DOWN';
  /** The bind address (sip-ip); it is what the URL column shows, not the external address. */
  sipIp: string;
  port: number;
  extSipIp?: string;
  extRtpIp?: string;
  context: string;
  /** Live channels on this profile: the number in "RUNNING (n)". */
  inUse: number;
  codecs?: string;
  gateways?: EmulatedGateway[];
  wsBindUrl?: string;
  wssBindUrl?: string;
  /** `start` answers "started successfully" yet the profile stays DOWN, as when its port is taken. */
  startFails?: boolean;
}

export interface EmulatedConferenceMember {
  id: number;
  /** Channel name, e.g. sofia/external/w_abc_1-bbbID-Alice@10.0.0.5 (web audio) or sofia/bbb-twilio/+1613...@... */
  channel: string;
  callerIdName: string;
  callerIdNumber: string;
  uuid?: string;
}

export interface ProfileAction {
  profile: string;
  action: 'start' | 'rescan' | 'restart' | 'stop' | 'killgw';
}

export interface FreeswitchState {
  hostname: string;
  version: string;
  profiles: EmulatedProfile[];
  /** What `show calls count` reports. */
  calls: number;
  /** Conference name (the meeting's voiceBridge) -> members. A conference with no members does not exist. */
  conferences: Record<string, EmulatedConferenceMember[]>;
  /** How many `reloadxml` commands arrived. */
  reloadxmlCount: number;
  /** Set to make reloadxml report an XML error: FreeSWITCH still says "+OK", with the error in the brackets. */
  xmlError: string | null;
  profileActions: ProfileAction[];
  /** Every api and bgapi command received, in order. */
  apiCommands: string[];
  uptimeSeconds: number;
}

export function defaultFreeswitchState(): FreeswitchState {
  return {
    hostname: 'bbb.example.com',
    version: '1.10.12',
    profiles: [
      {
        name: 'external',
        state: 'RUNNING',
        sipIp: '10.0.0.5',
        port: 5060,
        extSipIp: '203.0.113.10',
        extRtpIp: '203.0.113.10',
        context: 'public',
        inUse: 0,
        codecs: 'OPUS,G722,PCMU,PCMA',
        wsBindUrl: 'sip:mod_sofia@10.0.0.5:5066;transport=ws',
        wssBindUrl: 'sip:mod_sofia@10.0.0.5:7443;transport=wss',
      },
    ],
    calls: 0,
    conferences: {},
    reloadxmlCount: 0,
    xmlError: null,
    profileActions: [],
    apiCommands: [],
    uptimeSeconds: 3 * 86400 + 4 * 3600 + 12 * 60 + 9,
  };
}

const RULE = '='.repeat(97);

/** The api/response body FreeSWITCH would send for `api <command>`. Mutates the state like FreeSWITCH would. */
export function answerApi(state: FreeswitchState, command: string): string {
  const args = command.trim().split(/\s+/);
  const [name = '', ...rest] = args;
  switch (name) {
    case 'sofia':
      return answerSofia(state, rest);
    case 'reloadxml':
      state.reloadxmlCount++;
      return `+OK [${state.xmlError ?? 'Success'}]\n`;
    case 'show':
      if (rest[0] === 'calls' && rest[1] === 'count') return `\n${state.calls} total.\n`;
      return notEmulated(command);
    case 'conference':
      return answerConference(state, rest, command);
    case 'status':
      return statusText(state);
    case 'version':
      return `FreeSWITCH Version ${state.version}-release+git~20240802T210227Z~a88d069d6f~64bit (git a88d069 2024-08-02 21:02:27Z 64bit)\n`;
    default:
      return `-ERR ${name} Command not found!\n`;
  }
}

function answerSofia(state: FreeswitchState, args: string[]): string {
  if (args[0] === 'status' && args.length === 1) return sofiaStatus(state);
  if (args[0] === 'status' && args[1] === 'profile' && args[2] !== undefined && args.length === 3) {
    return sofiaStatusProfile(state, args[2]);
  }
  if (args[0] === 'profile') return sofiaProfile(state, args.slice(1));
  return notEmulated(`sofia ${args.join(' ')}`);
}

function sofiaStatus(state: FreeswitchState): string {
  const row = (a: string, b: string, c: string, d: string): string => `${a.padStart(25)}\t${b}\t  ${c.padStart(40)}\t${d}\n`;
  let out = row('Name', '   Type', 'Data', 'State') + `${RULE}\n`;
  let profiles = 0;
  for (const p of state.profiles) {
    if (p.state !== 'RUNNING') continue;
    profiles++;
    out += row(p.name, 'profile', profileUrl(p), `RUNNING (${p.inUse})`);
    for (const gw of p.gateways ?? []) out += row(`${p.name}::${gw.name}`, 'gateway', gw.registerTo, gw.state);
  }
  out += `${RULE}\n`;
  out += `${profiles} profile${profiles === 1 ? '' : 's'} 0 aliases\n`;
  return out;
}

function sofiaStatusProfile(state: FreeswitchState, name: string): string {
  const p = runningProfile(state, name);
  if (!p) return 'Invalid Profile!\n';
  const line = (label: string, value: string | number): string => `${label.padEnd(17)}\t${value}\n`;
  let out = `${RULE}\n`;
  out += line('Name', p.name);
  out += line('Domain Name', 'N/A');
  out += line('Auto-NAT', 'false');
  out += line('DBName', `sofia_reg_${p.name}`);
  out += line('Pres Hosts', '');
  out += line('Dialplan', 'XML');
  out += line('Context', p.context);
  out += line('Challenge Realm', 'auto_to');
  out += line('RTP-IP', p.sipIp);
  if (p.extRtpIp) out += line('Ext-RTP-IP', p.extRtpIp);
  out += line('SIP-IP', p.sipIp);
  if (p.extSipIp) out += line('Ext-SIP-IP', p.extSipIp);
  out += line('URL', profileUrl(p));
  out += line('BIND-URL', `${profileUrl(p)};maddr=${p.sipIp}`);
  // FreeSWITCH pads these two labels one space short; kept as it is.
  if (p.wsBindUrl) out += `WS-BIND-URL     \t${p.wsBindUrl}\n`;
  if (p.wssBindUrl) out += `WSS-BIND-URL     \t${p.wssBindUrl}\n`;
  out += line('HOLD-MUSIC', 'local_stream://moh');
  out += line('OUTBOUND-PROXY', 'N/A');
  out += line('CODECS IN', p.codecs ?? 'PCMU,PCMA');
  out += line('CODECS OUT', p.codecs ?? 'PCMU,PCMA');
  out += line('TEL-EVENT', 101);
  out += line('DTMF-MODE', 'rfc2833');
  out += line('CNG', 13);
  out += line('SESSION-TO', 0);
  out += line('MAX-DIALOG', 1000);
  out += line('NOMEDIA', 'false');
  out += line('LATE-NEG', 'true');
  out += line('PROXY-MEDIA', 'false');
  out += line('ZRTP-PASSTHRU', 'true');
  out += line('AGGRESSIVENAT', 'false');
  out += line('CALLS-IN', p.inUse);
  out += line('FAILED-CALLS-IN', 0);
  out += line('CALLS-OUT', 0);
  out += line('FAILED-CALLS-OUT', 0);
  out += line('REGISTRATIONS', 0);
  return out;
}

function sofiaProfile(state: FreeswitchState, args: string[]): string {
  const [name, action] = args;
  if (name === undefined || action === undefined) return 'Invalid Args!\n';
  const defined = state.profiles.find((p) => p.name === name);
  if (action === 'start') {
    // cmd_profile re-reads the XML, then starts the profile if the XML defines it.
    if (!defined) return `Reload XML [Success]\nFailure starting ${name}\n`;
    state.profileActions.push({ profile: name, action: 'start' });
    if (!defined.startFails) defined.state = 'RUNNING';
    return `Reload XML [Success]\n${name} started successfully\n`;
  }
  const running = runningProfile(state, name);
  if (!running) return `Invalid Profile [${name}]`;
  if ((action === 'stop' || action === 'restart') && (running.tooYoungFor ?? 0) > 0) {
    running.tooYoungFor = (running.tooYoungFor ?? 0) - 1;
    return `Reload XML [Success]\nProfile ${name} must be up for at least 5 seconds to stop/restart.\nPlease wait 1 second\n`;
  }
  switch (action) {
    case 'rescan':
      state.profileActions.push({ profile: name, action: 'rescan' });
      return 'Reload XML [Success]\n+OK scan complete\n';
    case 'restart':
      state.profileActions.push({ profile: name, action: 'restart' });
      dropProfileCalls(state, running);
      return `Reload XML [Success]\nrestarting: ${name}`;
    case 'stop':
      state.profileActions.push({ profile: name, action: 'stop' });
      dropProfileCalls(state, running);
      running.state = 'DOWN';
      return `Reload XML [Success]\nstopping: ${name}`;
    case 'killgw': {
      // cmd_profile: "+OK gateway marked for deletion." or "-ERR no such gateway."
      const gateway = args[2];
      if (gateway === undefined) return '-ERR missing gw name\n';
      state.profileActions.push({ profile: name, action: 'killgw' });
      const gateways = running.gateways ?? [];
      if (!gateways.some((g) => g.name === gateway)) return '-ERR no such gateway.\n';
      running.gateways = gateways.filter((g) => g.name !== gateway);
      return '+OK gateway marked for deletion.\n';
    }
    default:
      return notEmulated(`sofia profile ${args.join(' ')}`);
  }
}

/** A restart hangs up every channel on the profile: the reason bbb-twilio avoids restarting `external`. */
function dropProfileCalls(state: FreeswitchState, profile: EmulatedProfile): void {
  state.calls = Math.max(0, state.calls - profile.inUse);
  profile.inUse = 0;
  for (const [conf, members] of Object.entries(state.conferences)) {
    const left = members.filter((m) => !m.channel.startsWith(`sofia/${profile.name}/`));
    if (left.length === 0) delete state.conferences[conf];
    else state.conferences[conf] = left;
  }
}

function answerConference(state: FreeswitchState, args: string[], command: string): string {
  const [conf, sub] = args;
  if (conf === undefined) return notEmulated(command);
  const members = state.conferences[conf];
  // mod_conference answers this for any sub-command of a conference that does not exist. (No "-ERR": older
  // write-ups quote one, the current source has none; match on "/sofia/" or "not found", not on "-ERR".)
  if (!members || members.length === 0) return `Conference ${conf} not found\n`;
  if (sub !== 'list' || args.length !== 2) return notEmulated(command);
  // id;channel;uuid;caller_id_name;caller_id_number;flags;volume_in;agc_volume_in;volume_out;energy_level
  return members
    .map((m) => {
      const uuid = m.uuid ?? fakeUuid(conf, m.id);
      return `${m.id};${m.channel};${uuid};${m.callerIdName};${m.callerIdNumber};hear|speak;0;0;0;100\n`;
    })
    .join('');
}

function statusText(state: FreeswitchState): string {
  let s = state.uptimeSeconds;
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return (
    `UP ${plural(0, 'year')}, ${plural(days, 'day')}, ${plural(hours, 'hour')}, ${plural(minutes, 'minute')}, ` +
    `${plural(s, 'second')}, 420 milliseconds, 117 microseconds\n` +
    `FreeSWITCH (Version ${state.version} -release git a88d069 2024-08-02 21:02:27Z 64bit) is ready\n` +
    `${state.calls + 57} session(s) since startup\n` +
    `${state.calls} session(s) - peak ${Math.max(state.calls, 4)}, last 5min ${state.calls} \n` +
    `0 session(s) per Sec out of max 30, peak 2, last 5min 0 \n` +
    `1000 session(s) max\n` +
    `min idle cpu 0.00/99.60\n` +
    `Current Stack Size/Max 240K/8192K\n`
  );
}

function runningProfile(state: FreeswitchState, name: string): EmulatedProfile | undefined {
  return state.profiles.find((p) => p.name === name && p.state === 'RUNNING');
}

function profileUrl(p: EmulatedProfile): string {
  return `sip:mod_sofia@${p.sipIp}:${p.port}`;
}

function fakeUuid(conf: string, id: number): string {
  const hex = Buffer.from(`${conf}:${id}`).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function notEmulated(command: string): string {
  return `-ERR [esl-emulator] not emulated: ${command}\n`;
}
