import { assessServerKeypad } from '../freeswitch/keypad-assessment.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { assertFreeswitchAudio, detectFacts, type ServerFacts } from '../host/detect-facts.js';
import * as path from 'node:path';
import { readText, type Host } from '../host/host.js';
import { readState, type State } from '../apply/state.js';
import { applyConfigHook } from '../resources/apply-config-hook.js';
import { bbbWebProperties } from '../resources/bbb-web-properties.js';
import { callServiceUnit } from '../resources/call-service-unit.js';
import { dedicatedProfile } from '../resources/dedicated-profile.js';
import { dedicatedDialplan, externalDialplan } from '../resources/dialplan.js';
import { externalGateway } from '../resources/external-gateway.js';
import { externalProfile } from '../resources/external-profile.js';
import { firewall, sipPort } from '../resources/firewall.js';
import type { PlanContext, Resource } from '../resources/resource.js';
import { varsResource } from '../resources/vars.js';
import type { TwilioAccess } from '../twilio/twilio-access.js';
import { twilioOriginationUrl } from '../twilio/resources/origination-url.js';
import { twilioPhoneNumbers } from '../twilio/resources/phone-numbers.js';
import { twilioTermination } from '../twilio/resources/termination.js';
import { twilioTerminationDomain } from '../twilio/resources/termination-domain.js';
import { twilioTrunk } from '../twilio/resources/trunk.js';
import type { Plan, PlanWarning } from '../model/change.js';
import { configRisks } from './config-risks.js';
import { neededActions } from './service-actions.js';

/**
 * Every managed thing, in the order changes are made on install (files before the firewall opens the port,
 * the server before Twilio sends it calls, the numbers, then the termination domain, which may be taken and
 * must not stop dial-in). Uninstall takes the Twilio side first, in reverse:
 * numbers detached before anything they rely on goes away.
 */
export const RESOURCES: readonly Resource[] = [
  varsResource,
  externalProfile,
  externalGateway,
  dedicatedProfile,
  dedicatedDialplan,
  externalDialplan,
  applyConfigHook,
  bbbWebProperties,
  callServiceUnit,
  firewall,
  twilioTrunk,
  twilioOriginationUrl,
  twilioTermination,
  twilioPhoneNumbers,
  twilioTerminationDomain,
];

export type Side = 'host' | 'twilio';

export interface BuildPlanOptions {
  /** Which sides to plan (`--only`); default: the host only. */
  sides?: readonly Side[];
  /** The Twilio account, required for the Twilio side. */
  twilio?: TwilioAccess;
  forceNumbers?: boolean;
  /** Notes from the command about this run (e.g. the Twilio side was skipped), shown with the warnings. */
  notes?: readonly PlanWarning[];
}

function resourcesInOrder(mode: 'install' | 'uninstall', sides: readonly Side[]): Resource[] {
  const host = RESOURCES.filter((r) => (r.side ?? 'host') === 'host' && sides.includes('host'));
  const twilio = RESOURCES.filter((r) => r.side === 'twilio' && sides.includes('twilio'));
  return mode === 'install' ? [...host, ...twilio] : [...twilio.reverse(), ...host];
}

/** Ports BBB's own FreeSWITCH profiles and event socket use: the dedicated profile must not take one. */
const BBB_PORTS = new Map<number, string>([
  [5060, 'the external profile (SIP)'],
  [5062, 'the internal profile'],
  [5066, 'the external profile (WebSocket)'],
  [5090, 'the internal profile'],
  [7443, 'the external profile (secure WebSocket)'],
  [8021, 'the event socket'],
]);

export interface BuiltPlan {
  plan: Plan;
  facts: ServerFacts;
  state: State;
  context: PlanContext;
}

export async function buildPlan(
  host: Host,
  config: Config,
  mode: 'install' | 'uninstall' = 'install',
  opts: BuildPlanOptions = {},
): Promise<BuiltPlan> {
  const sides = opts.sides ?? ['host'];
  const facts = await detectFacts(host);
  if (mode === 'install') assertFreeswitchAudio(facts);
  const state = await readState(host);
  const pinLength = config.dialin.pinLength ?? facts.pinLength.value;
  if (mode === 'install') checkConsistency(config, facts, pinLength);

  const context: PlanContext = {
    host,
    config,
    facts,
    state,
    mode,
    pinLength,
    ...(opts.twilio === undefined ? {} : { twilio: opts.twilio }),
    forceNumbers: Boolean(opts.forceNumbers),
  };
  const plan: Plan = { changes: [], actions: [], warnings: [...(opts.notes ?? [])], blocked: false };
  for (const resource of resourcesInOrder(mode, sides)) {
    const result = await resource.plan(context);
    plan.changes.push(...result.changes);
    plan.warnings.push(...result.warnings);
  }
  if (mode === 'install') plan.warnings.push(...configRisks(config, sipPort(context)));
  if (mode === 'install' && sides.includes('host')) {
    plan.warnings.push(...pinWarnings(config, facts, pinLength));
    plan.warnings.push(...(await keypadNotes(host, config)));
  }
  plan.warnings = dedupe(plan.warnings);
  plan.actions = neededActions(plan.changes, config.sip.profile);
  plan.blocked = plan.changes.some((c) => c.type === 'file' && c.conflict !== undefined);
  return { plan, facts, state, context };
}

function checkConsistency(config: Config, facts: ServerFacts, pinLength: number): void {
  if (pinLength < 5 || pinLength > 11) {
    // Only the server's value gets here: the config's was checked against the same rule when it was loaded.
    throw new ConfigError(
      `${config.file}: dialin.pinLength: this server generates ${pinLength}-digit PINs, set in ${facts.pinLength.source}, ` +
        "but BBB's bbb_conferences joins only 5- to 11-digit PINs",
      {
        file: config.file,
        key: 'dialin.pinLength',
        hint: 'set defaultNumDigitsForTelVoice to 5..11 in /etc/bigbluebutton/bbb-web.properties, or dialin.pinLength (5 to 11) to the length of the PINs your meetings get',
      },
    );
  }
  if (config.sip.profile === 'dedicated') {
    const used = config.sip.port === facts.externalSipPort ? 'the external profile (SIP)' : BBB_PORTS.get(config.sip.port);
    if (used) {
      throw new ConfigError(`${config.file}: sip.port ${config.sip.port} is already used by ${used}`, {
        file: config.file,
        key: 'sip.port',
        hint: 'keep the default 5080, or pick a free port',
      });
    }
    // FreeSWITCH hands these ports to calls' audio: a SIP profile there collides with a call sooner or later.
    const rtp = facts.rtpPorts;
    if (config.sip.port >= rtp.start && config.sip.port <= rtp.end) {
      throw new ConfigError(
        `${config.file}: sip.port ${config.sip.port} is inside FreeSWITCH's RTP port range ${rtp.start}-${rtp.end} (${rtp.source})`,
        { file: config.file, key: 'sip.port', hint: `pick a port outside ${rtp.start}-${rtp.end}, like the default 5080` },
      );
    }
  }
}

function pinWarnings(config: Config, facts: ServerFacts, pinLength: number): PlanWarning[] {
  if (config.dialin.pinLength === undefined || config.dialin.pinLength === facts.pinLength.value) return [];
  return [
    {
      level: 'risk',
      message:
        `dial-in asks for ${pinLength}-digit PINs but this server generates ${facts.pinLength.value}-digit ones ` +
        `(${facts.pinLength.source})`,
      hint: 'fine behind Scalelite (which sets its own PINs); otherwise remove dialin.pinLength from the config',
    },
  ];
}

function dedupe(warnings: PlanWarning[]): PlanWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => (seen.has(w.message) ? false : (seen.add(w.message), true)));
}

/** Keys of callService.keys.toggleMute the service leaves to the conference profile's own caller-controls. */
async function keypadNotes(host: Host, config: Config): Promise<PlanWarning[]> {
  if (!config.callService.enabled) return [];
  const keypad = await assessServerKeypad(host, config.callService.keys.toggleMute);
  const left = keypad?.keys.filter((k) => k.by === 'freeswitch') ?? [];
  if (!keypad || left.length === 0) return [];
  return [
    {
      level: 'note',
      message: `in-meeting keypad: ${left.map((k) => k.text).join('; ')}`,
      hint: keypad.usable
        ? `phone callers mute with the other keys; "caller-controls" "none" on the ${keypad.profile} profile (conference.conf.xml) gives every key to the service`
        : `no key mutes a phone caller: change callService.keys.toggleMute, or set caller-controls "none" on the ${keypad.profile} profile`,
    },
  ];
}
