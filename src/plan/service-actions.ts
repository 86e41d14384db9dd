import { GATEWAY_NAME, PROFILE_NAME } from '../host/bbb-paths.js';
import type { Change, ServiceAction, ServiceNeed } from '../model/change.js';
import { CALL_SERVICE_NAME } from '../resources/render-call-service-unit.js';

/**
 * Order in which needs are met: the call service first (a stopped one is disabled before systemd forgets its unit,
 * a new one is loaded before it starts, and it runs before FreeSWITCH's dialplan starts handing calls to it), then
 * files are re-read before profiles start, restarts come last.
 */
const ORDER: ServiceNeed[] = [
  'call-service-disable',
  'systemd-reload',
  'call-service-enable',
  'call-service-restart',
  'reloadxml',
  'gateway-kill',
  'profile-stop',
  'profile-start',
  'profile-rescan',
  'profile-restart',
  'external-restart',
  'bbb-web-restart',
];

export function fsCommand(command: string): string[] {
  return ['fs_cli', '-x', command];
}

/** A FreeSWITCH API command: sent over the event socket, shown as the fs_cli command that does the same. */
function fsAction(need: ServiceNeed, command: string, description: string, impact: ServiceAction['impact']): ServiceAction {
  return { ...action(need, fsCommand(command), description, impact), eslCommand: command };
}

/** What each need runs and what it costs the people in meetings. */
export function describeNeed(need: ServiceNeed, profileInUse: 'dedicated' | 'external'): ServiceAction {
  const inUse = profileInUse === 'dedicated' ? PROFILE_NAME : 'external';
  switch (need) {
    case 'reloadxml':
      return fsAction(need, 'reloadxml', 'FreeSWITCH re-reads its dialplan', 'none');
    case 'profile-start':
      return fsAction(need, `sofia profile ${PROFILE_NAME} start`, `start the "${PROFILE_NAME}" SIP profile`, 'none');
    case 'profile-rescan':
      return fsAction(need, `sofia profile ${inUse} rescan`, `the "${inUse}" profile re-reads its settings and gateways`, 'none');
    case 'profile-restart':
      return fsAction(need, `sofia profile ${PROFILE_NAME} restart`, `restart the "${PROFILE_NAME}" profile (new address or port)`, 'drops-phone-calls');
    case 'profile-stop':
      return fsAction(need, `sofia profile ${PROFILE_NAME} stop`, `stop the "${PROFILE_NAME}" profile`, 'drops-phone-calls');
    case 'gateway-kill':
      // `rescan` skips a gateway the profile already has ("Ignoring duplicate gateway", sofia.c parse_gateways):
      // a changed or removed gateway is unloaded first, so the rescan that follows loads the new one.
      return fsAction(need, `sofia profile ${inUse} killgw ${GATEWAY_NAME}`, `unload the dial-out gateway from the "${inUse}" profile`, 'none');
    case 'external-restart':
      return fsAction(need, 'sofia profile external restart', 'restart the external profile (it also carries the browsers\' audio)', 'drops-web-audio');
    case 'bbb-web-restart':
      return action(need, ['systemctl', 'restart', 'bbb-web'], 'bbb-web re-reads its properties (and forgets running meetings)', 'restarts-bbb-web');
    case 'systemd-reload':
      return action(need, ['systemctl', 'daemon-reload'], 'systemd re-reads the call service\'s unit', 'none');
    case 'call-service-enable':
      return action(need, ['systemctl', 'enable', '--now', CALL_SERVICE_NAME], 'start the call service, and at every boot', 'none');
    case 'call-service-restart':
      return action(need, ['systemctl', 'restart', CALL_SERVICE_NAME], 'restart the call service (its unit or config changed)', 'hands-back-pin-callers');
    case 'call-service-disable':
      return action(need, ['systemctl', 'disable', '--now', CALL_SERVICE_NAME], 'stop the call service, and at boot', 'hands-back-pin-callers');
  }
}

function action(need: ServiceNeed, argv: string[], description: string, impact: ServiceAction['impact']): ServiceAction {
  return { need, argv, description, impact, requiresConsent: impact === 'drops-web-audio' || impact === 'restarts-bbb-web' };
}

export function neededActions(changes: readonly Pick<Change, 'needs'>[], profileInUse: 'dedicated' | 'external'): ServiceAction[] {
  const needs = new Set<ServiceNeed>(changes.flatMap((c) => c.needs));
  // A profile that starts or restarts re-reads everything: a rescan on top is redundant.
  if (profileInUse === 'dedicated' && (needs.has('profile-start') || needs.has('profile-restart'))) needs.delete('profile-rescan');
  if (needs.has('profile-start') && needs.has('profile-stop')) needs.delete('profile-stop');
  return ORDER.filter((n) => needs.has(n)).map((n) => describeNeed(n, profileInUse));
}

/** Needs that only a change of the call service's unit has. */
export function isCallServiceNeed(need: ServiceNeed): boolean {
  return need.startsWith('call-service-');
}

/** Undoing a change needs the opposite of some actions. */
export function inverseNeed(need: ServiceNeed): ServiceNeed {
  if (need === 'profile-start') return 'profile-stop';
  if (need === 'profile-stop') return 'profile-start';
  if (need === 'call-service-enable') return 'call-service-disable';
  if (need === 'call-service-disable') return 'call-service-enable';
  return need;
}

export const IMPACT_TEXT: Record<ServiceAction['impact'], string> = {
  none: 'no call dropped',
  'hands-back-pin-callers': 'no joined call dropped; callers typing a PIN go on in the static flow',
  'drops-phone-calls': 'drops phone callers on this profile (web audio unaffected)',
  'drops-web-audio': 'DROPS every web-audio user in every meeting on this server',
  'restarts-bbb-web': 'running meetings VANISH from bbb-web (its API loses them, joins fail): runs only when no meeting is running',
};
