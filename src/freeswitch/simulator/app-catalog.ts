// Which module provides an application, and which applications may run inline (SAF_ROUTING_EXEC in
// SWITCH_ADD_APP, mod_dptools.c). An application whose module modules.conf.xml does not load does not
// exist: FreeSWITCH logs "Invalid Application" and hangs up with DESTINATION_OUT_OF_ORDER.

const DPTOOLS = [
  'answer', 'pre_answer', 'ring_ready', 'sleep', 'start_dtmf', 'stop_dtmf', 'start_dtmf_generate', 'stop_dtmf_generate',
  'set', 'export', 'unset', 'multiset', 'multiunset', 'push', 'unshift', 'set_global', 'set_profile_var', 'set_name',
  'set_user', 'log', 'info', 'event', 'eval', 'presence', 'privacy', 'check_acl', 'verbose_events', 'early_hangup',
  'playback', 'endless_playback', 'loop_playback', 'gentones', 'phrase', 'say', 'speak', 'read', 'play_and_get_digits',
  'sched_hangup', 'sched_transfer', 'sched_broadcast', 'sched_cancel', 'respond', 'redirect', 'deflect', 'hangup',
  'transfer', 'execute_extension', 'bridge', 'echo', 'park', 'record', 'record_session', 'stop_record_session',
  'displace_session', 'stop_displace_session', 'system', 'bgsystem', 'capture', 'queue_dtmf', 'send_dtmf', 'flush_dtmf',
  'hold', 'unhold', 'intercept', 'eavesdrop', 'three_way', 'tone_detect', 'fax_detect', 'wait_for_silence',
  'session_loglevel', 'send_display', 'remove_bugs', 'break', 'delay_echo', 'strftime', 'bind_meta_app', 'unbind_meta_app',
  'limit', 'limit_hash', 'limit_execute', 'att_xfer', 'soft_hold', 'mkdir', 'sound_test', 'detect_speech', 'ivr',
  'bridge_export', 'novideo', 'cng_plc', 'set_media_stats', 'stop', 'set_zombie_exec',
];

const OTHER: Record<string, string> = {
  conference: 'mod_conference',
  socket: 'mod_event_socket',
  lua: 'mod_lua',
  luarun: 'mod_lua',
  voicemail: 'mod_voicemail',
  hash: 'mod_hash',
  fifo: 'mod_fifo',
  valet_park: 'mod_valet_parking',
  callcenter: 'mod_callcenter',
  httapi: 'mod_httapi',
  curl: 'mod_curl',
  db: 'mod_db',
  group: 'mod_db',
  txfax: 'mod_spandsp',
  rxfax: 'mod_spandsp',
  t38_gateway: 'mod_spandsp',
  spandsp_start_dtmf: 'mod_spandsp',
  python: 'mod_python3',
  javascript: 'mod_v8',
  perl: 'mod_perl',
};

/** Applications that may run with inline="true" (SAF_ROUTING_EXEC). */
export const ROUTING_EXEC = new Set([
  'set', 'export', 'bridge_export', 'unset', 'multiset', 'multiunset', 'push', 'unshift', 'set_global', 'set_profile_var',
  'set_user', 'log', 'info', 'event', 'eval', 'presence', 'check_acl', 'verbose_events', 'early_hangup', 'novideo',
  'cng_plc', 'set_media_stats', 'stop', 'set_zombie_exec',
]);

/** The module that provides `app`, or null when the simulator does not know it. */
export function moduleOf(app: string): string | null {
  const a = app.toLowerCase();
  if (DPTOOLS.includes(a)) return 'mod_dptools';
  return OTHER[a] ?? null;
}

/** Playback URL schemes served by a module. */
export function moduleOfSound(file: string): string | null {
  const scheme = /^([a-z_]+):\/\//i.exec(file)?.[1]?.toLowerCase();
  if (scheme === 'tone_stream') return 'mod_tone_stream';
  if (scheme === 'local_stream') return 'mod_local_stream';
  if (scheme === 'shout' || scheme === 'http' || scheme === 'https') return 'mod_shout or mod_httapi';
  return null;
}

const CAUSES: Record<number, string> = {
  1: 'UNALLOCATED_NUMBER', 3: 'NO_ROUTE_DESTINATION', 16: 'NORMAL_CLEARING', 17: 'USER_BUSY', 18: 'NO_USER_RESPONSE',
  19: 'NO_ANSWER', 21: 'CALL_REJECTED', 25: 'EXCHANGE_ROUTING_ERROR', 27: 'DESTINATION_OUT_OF_ORDER',
  31: 'NORMAL_UNSPECIFIED', 34: 'NORMAL_CIRCUIT_CONGESTION', 41: 'NORMAL_TEMPORARY_FAILURE', 487: 'ORIGINATOR_CANCEL',
  602: 'ALLOTTED_TIMEOUT',
};

/** switch_channel_str2cause for the common causes: a name (any case) or a Q.850 number. */
export function hangupCause(data: string): string {
  const t = data.trim();
  if (t === '') return 'NORMAL_CLEARING';
  if (/^\d+$/.test(t)) return CAUSES[Number(t)] ?? t;
  return t.toUpperCase();
}

/** Causes that mean "refused", as opposed to an ordinary end of call. */
export const REJECTING_CAUSES = new Set(['CALL_REJECTED', 'USER_BUSY', 'UNALLOCATED_NUMBER']);
