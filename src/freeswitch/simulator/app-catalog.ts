// Which module provides an application, and which applications may run inline (SAF_ROUTING_EXEC in
// SWITCH_ADD_APP, mod_dptools.c). An application whose module modules.conf.xml does not load does not
// exist: FreeSWITCH logs "Invalid Application" and hangs up with DESTINATION_OUT_OF_ORDER.

import { atoi } from './switch-string.js';

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

// switch_channel.c's CAUSE_CHART: every cause name FreeSWITCH knows, by number.
const CAUSES: Record<number, string> = {
  0: 'NONE', 1: 'UNALLOCATED_NUMBER', 2: 'NO_ROUTE_TRANSIT_NET', 3: 'NO_ROUTE_DESTINATION',
  6: 'CHANNEL_UNACCEPTABLE', 7: 'CALL_AWARDED_DELIVERED', 16: 'NORMAL_CLEARING', 17: 'USER_BUSY',
  18: 'NO_USER_RESPONSE', 19: 'NO_ANSWER', 20: 'SUBSCRIBER_ABSENT', 21: 'CALL_REJECTED', 22: 'NUMBER_CHANGED',
  23: 'REDIRECTION_TO_NEW_DESTINATION', 25: 'EXCHANGE_ROUTING_ERROR', 27: 'DESTINATION_OUT_OF_ORDER',
  28: 'INVALID_NUMBER_FORMAT', 29: 'FACILITY_REJECTED', 30: 'RESPONSE_TO_STATUS_ENQUIRY', 31: 'NORMAL_UNSPECIFIED',
  34: 'NORMAL_CIRCUIT_CONGESTION', 38: 'NETWORK_OUT_OF_ORDER', 41: 'NORMAL_TEMPORARY_FAILURE',
  42: 'SWITCH_CONGESTION', 43: 'ACCESS_INFO_DISCARDED', 44: 'REQUESTED_CHAN_UNAVAIL', 45: 'PRE_EMPTED',
  50: 'FACILITY_NOT_SUBSCRIBED', 52: 'OUTGOING_CALL_BARRED', 54: 'INCOMING_CALL_BARRED',
  57: 'BEARERCAPABILITY_NOTAUTH', 58: 'BEARERCAPABILITY_NOTAVAIL', 63: 'SERVICE_UNAVAILABLE',
  65: 'BEARERCAPABILITY_NOTIMPL', 66: 'CHAN_NOT_IMPLEMENTED', 69: 'FACILITY_NOT_IMPLEMENTED',
  79: 'SERVICE_NOT_IMPLEMENTED', 81: 'INVALID_CALL_REFERENCE', 88: 'INCOMPATIBLE_DESTINATION',
  95: 'INVALID_MSG_UNSPECIFIED', 96: 'MANDATORY_IE_MISSING', 97: 'MESSAGE_TYPE_NONEXIST', 98: 'WRONG_MESSAGE',
  99: 'IE_NONEXIST', 100: 'INVALID_IE_CONTENTS', 101: 'WRONG_CALL_STATE', 102: 'RECOVERY_ON_TIMER_EXPIRE',
  103: 'MANDATORY_IE_LENGTH_ERROR', 111: 'PROTOCOL_ERROR', 127: 'INTERWORKING', 142: 'SUCCESS',
  487: 'ORIGINATOR_CANCEL', 700: 'CRASH', 701: 'SYSTEM_SHUTDOWN', 702: 'LOSE_RACE', 703: 'MANAGER_REQUEST',
  800: 'BLIND_TRANSFER', 801: 'ATTENDED_TRANSFER', 802: 'ALLOTTED_TIMEOUT', 803: 'USER_CHALLENGE',
  804: 'MEDIA_TIMEOUT', 805: 'PICKED_OFF', 806: 'USER_NOT_REGISTERED', 807: 'PROGRESS_TIMEOUT',
  808: 'INVALID_GATEWAY', 809: 'GATEWAY_DOWN', 810: 'INVALID_URL', 811: 'INVALID_PROFILE', 812: 'NO_PICKUP',
  813: 'SRTP_READ_ERROR', 814: 'BOWOUT', 815: 'BUSY_EVERYWHERE', 816: 'DECLINE', 817: 'DOES_NOT_EXIST_ANYWHERE',
  818: 'NOT_ACCEPTABLE', 819: 'UNWANTED', 820: 'NO_IDENTITY', 821: 'BAD_IDENTITY_INFO',
  822: 'UNSUPPORTED_CERTIFICATE', 823: 'INVALID_IDENTITY', 824: 'STALE_DATE', 825: 'REJECT_ALL',
};

/**
 * switch_channel_str2cause then switch_channel_cause2str: empty is NORMAL_CLEARING; a leading digit reads a
 * number (atoi), shown by its name or "UNKNOWN"; otherwise a name matched case-insensitively, and an unknown
 * name (or one with a leading blank) is NORMAL_CLEARING.
 */
export function hangupCause(data: string): string {
  if (data === '') return 'NORMAL_CLEARING';
  if (/^[0-9]/.test(data)) return CAUSES[atoi(data)] ?? 'UNKNOWN';
  const upper = data.toUpperCase();
  return Object.values(CAUSES).find((name) => name === upper) ?? 'NORMAL_CLEARING';
}

/** Causes that mean "refused", as opposed to an ordinary end of call. */
export const REJECTING_CAUSES = new Set(['CALL_REJECTED', 'USER_BUSY', 'UNALLOCATED_NUMBER']);
