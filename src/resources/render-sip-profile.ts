import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { forXmlBuilderAttribute } from '../edit/xml-escape.js';
import { GATEWAY_NAME, PROFILE_NAME } from '../host/bbb-paths.js';
import { MANAGED_HEADER } from './render-dialplan.js';

export interface Termination {
  domain: string;
  username: string;
  password: string;
}

export interface ProfileInput {
  port: number;
  publicIp: string;
  signalingCidrs: string[];
  termination: Termination | undefined;
}


/** The dedicated sofia profile (design.md section 3, way 1): own port, Twilio-only, G.711, RFC 2833. */
export function renderSipProfile(input: ProfileInput): string {
  const doc = create({ version: '1.0', encoding: 'utf-8' }).com(MANAGED_HEADER);
  const profile = doc.ele('profile', { name: PROFILE_NAME });
  if (input.termination) {
    addGateway(profile.ele('gateways'), input.termination, PROFILE_NAME);
  }
  const settings = profile.ele('settings');
  const params: [string, string][] = [
    ['debug', '0'],
    ['sip-trace', 'no'],
    ['sip-port', String(input.port)],
    ['sip-ip', '$${local_ip_v4}'],
    ['rtp-ip', '$${local_ip_v4}'],
    ['ext-sip-ip', input.publicIp],
    ['ext-rtp-ip', input.publicIp],
    ['dialplan', 'XML'],
    ['context', PROFILE_NAME],
    ['inbound-codec-prefs', 'PCMU,PCMA'],
    ['outbound-codec-prefs', 'PCMU,PCMA'],
    ['inbound-codec-negotiation', 'generous'],
    ['dtmf-type', 'rfc2833'],
    ['rfc2833-pt', '101'],
    ['auth-calls', 'false'],
    // Twilio delivers calls as plain INVITEs from these ranges; anyone else gets 403 Forbidden.
    ['apply-inbound-acl', input.signalingCidrs.join(',')],
    ['local-network-acl', 'localnet.auto'],
    ['disable-register', 'true'],
    ['accept-blind-reg', 'false'],
    ['accept-blind-auth', 'false'],
    ['manage-presence', 'false'],
    ['rtp-timer-name', 'soft'],
    ['rtp-timeout-sec', '300'],
    ['rtp-hold-timeout-sec', '1800'],
    ['tls', 'false'],
  ];
  addParams(settings, params);
  return doc.end({ prettyPrint: true, indent: '  ' }) + '\n';
}

/** A gateway for the external profile's `sip_profiles/external/` directory (way 2). */
export function renderExternalGateway(termination: Termination): string {
  const doc = create({ version: '1.0', encoding: 'utf-8' }).com(MANAGED_HEADER).ele('include');
  addGateway(doc, termination, 'public');
  return doc.end({ prettyPrint: true, indent: '  ' }) + '\n';
}

/** Dial-out through Twilio's termination domain. No registration: Twilio needs none for inbound calls. */
function addGateway(parent: XMLBuilder, t: Termination, context: string): void {
  const gw = parent.ele('gateway', { name: GATEWAY_NAME });
  const params: [string, string][] = [
    ['proxy', t.domain],
    ['realm', t.domain],
    ['username', t.username],
    ['password', t.password],
    ['register', 'false'],
    ['caller-id-in-from', 'true'],
    ['context', context],
  ];
  addParams(gw, params);
}

/** `<param>` children; values escaped exactly once, so FreeSWITCH reads back each value as given. */
function addParams(parent: XMLBuilder, params: readonly [string, string][]): void {
  for (const [name, value] of params) parent.ele('param', { name, value: forXmlBuilderAttribute(value) }).up();
}
