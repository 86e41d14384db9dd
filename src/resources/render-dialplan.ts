import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { PROFILE_NAME } from '../host/bbb-paths.js';
import { cidrsToRegex } from './cidr-regex.js';

export interface DialplanInput {
  /** E.164 numbers with their `+`. */
  numbers: string[];
  signalingCidrs: string[];
  pinLength: number;
  tries: number;
  maskCallerId: boolean;
  allowAnonymous: boolean;
  maxCallMinutes: number;
  /** `dedicated`: own context `bbb-twilio`; `external`: extensions included into the `public` context. */
  profile: 'dedicated' | 'external';
  /**
   * `HOST:PORT` of the call service (`callService.listen`) the call is handed to first; null: the static flow only
   * (`callService.enabled: false`).
   */
  callService: string | null;
}

export const MANAGED_HEADER =
  ' Managed by bbb-twilio. Do not edit: change /etc/bbb-twilio/config.yml and run "bbb-twilio apply". ';

/** Sounds from the stock FreeSWITCH set that BBB ships (no say/tone_stream: those modules are not loaded). */
const SOUND_PIN = 'conference/conf-pin.wav';
const SOUND_INVALID = 'ivr/ivr-that_was_an_invalid_entry.wav';
const SOUND_BAD_PIN = 'conference/conf-bad-pin.wav';
const SOUND_GOODBYE = 'voicemail/vm-goodbye.wav';

/** A caller ID that is a plain number. +266696687 spells ANONYMOUS: it is how Twilio presents a withheld number. */
const KNOWN_NUMBER = '^\\+?(?!266696687$)\\d{4,15}$';

/** Digits the caller has to enter the PIN (first digit to last), and after the last digit. */
const PIN_TIMEOUT_MS = 10_000;
const DIGIT_TIMEOUT_MS = 3_000;

/**
 * The dial-in dialplan (design.md section 3). Flow: answer a configured number from Twilio, collect the PIN,
 * join if that conference has a web-audio member, else re-prompt until `tries`, then say goodbye.
 * Branching needs a new hunt after each prompt (variables set while running are invisible to conditions
 * already evaluated), so each step transfers to a private pseudo-extension guarded by `bbb_twilio_dialin`,
 * which only the first extension sets; a SIP caller cannot set channel variables.
 */
export function renderDialplan(input: DialplanInput): string {
  const context = input.profile === 'dedicated' ? PROFILE_NAME : 'public';
  const to = (ext: string): string => `${ext} XML ${context}`;
  const n = input.pinLength;
  const digits = input.numbers.map((e164) => e164.replace(/^\+/, '')).join('|');

  const doc = create({ version: '1.0', encoding: 'utf-8' }).com(MANAGED_HEADER).ele('include');
  const parent: XMLBuilder = input.profile === 'dedicated' ? doc.ele('context', { name: context }) : doc;

  const guard = (ext: XMLBuilder, step: string): void => {
    ext.ele('condition', { field: '${bbb_twilio_dialin}', expression: '^true$' }).up();
    ext.ele('condition', { field: 'destination_number', expression: `^${step}$` }).up();
  };
  const act = (cond: XMLBuilder, application: string, data?: string): void => {
    cond.ele('action', data === undefined ? { application } : { application, data }).up();
  };

  // 1. Entry: one of our numbers (+E164, E164 or 00E164), from Twilio's signalling addresses only.
  parent.com(' A call to a configured number from Twilio: answer it and ask for the conference PIN. ');
  const entry = parent.ele('extension', { name: 'bbb-twilio-dialin' });
  entry.ele('condition', { field: 'network_addr', expression: cidrsToRegex(input.signalingCidrs) }).up();
  const entryCond = entry.ele('condition', { field: 'destination_number', expression: `^(?:\\+|00)?(?:${digits})$` });
  act(entryCond, 'set', 'bbb_twilio_dialin=true');
  act(entryCond, 'set', 'bbb_twilio_attempts=');
  act(entryCond, 'sched_hangup', `+${input.maxCallMinutes * 60} ALLOTTED_TIMEOUT`);
  act(entryCond, 'start_dtmf');
  act(entryCond, 'answer');
  act(entryCond, 'sleep', '500');
  // Hand the call to the call service, then the static flow. FreeSWITCH goes on with the next action when the
  // connect fails (nothing listens) and, with socket_resume=true, when the service closes the socket (it hands the
  // caller back, or dies). The service clears socket_resume before it transfers a caller into a meeting: with resume
  // in force, closing the socket would throw a joined caller out of the conference.
  const toPin = (cond: XMLBuilder): void => {
    if (input.callService !== null) {
      act(cond, 'set', 'socket_resume=true');
      act(cond, 'socket', `${input.callService} async full`);
    }
    act(cond, 'transfer', to('bbb-twilio-pin'));
  };
  if (input.allowAnonymous) {
    toPin(entryCond);
  } else {
    // A withheld number is turned away here, before any PIN: the stock 2.7 and 3.0 conference dialplans have no
    // reject_anonymous of their own to rely on.
    const known = entry.ele('condition', { field: 'caller_id_number', expression: KNOWN_NUMBER });
    toPin(known);
    known.ele('anti-action', { application: 'playback', data: SOUND_GOODBYE }).up();
    known.ele('anti-action', { application: 'hangup', data: 'CALL_REJECTED' }).up();
  }

  // 2. One PIN entry per pass; `x` marks count the passes without needing mod_expr.
  const pin = parent.ele('extension', { name: 'bbb-twilio-pin' });
  guard(pin, 'bbb-twilio-pin');
  const pinCond = pin.ele('condition');
  act(pinCond, 'set', 'bbb_twilio_attempts=${bbb_twilio_attempts}x');
  act(pinCond, 'unset', 'bbb_twilio_pin');
  act(
    pinCond,
    'play_and_get_digits',
    `${n} ${n} 1 ${PIN_TIMEOUT_MS} # ${SOUND_PIN} ${SOUND_INVALID} bbb_twilio_pin ^\\d{${n}}$ ${DIGIT_TIMEOUT_MS}`,
  );
  act(pinCond, 'transfer', to('bbb-twilio-check'));

  // 3. A well-formed PIN whose conference has a web-audio (sofia) member: join it through BBB's own dialplan.
  const join = parent.ele('extension', { name: 'bbb-twilio-join' });
  guard(join, 'bbb-twilio-check');
  join.ele('condition', { field: '${bbb_twilio_pin}', expression: `^\\d{${n}}$` }).up();
  join.ele('condition', { field: '${conference ${bbb_twilio_pin} list}', expression: '/sofia/' }).up();
  // The caller controls caller_id_name and FreeSWITCH expands variable values again when they are read
  // (BBB's own reject_anonymous reads ${caller_id_name}), so no caller-chosen name ever reaches BBB's context:
  // it becomes the masked or plain *validated* number, or a fixed text. Only a plain number reaches ${regex()}:
  // a `|` could not re-split it.
  const cid = join.ele('condition', { field: 'caller_id_number', expression: KNOWN_NUMBER, break: 'never' });
  act(
    cid,
    'set_profile_var',
    input.maskCallerId ? 'caller_id_name=${regex(${caller_id_number}|^.*(\\d{4})$|xxx-xxx-%1)}' : 'caller_id_name=${caller_id_number}',
  );
  if (input.allowAnonymous) {
    // A withheld number would meet BBB's reject_anonymous; give it a neutral identity instead.
    cid.ele('anti-action', { application: 'set_profile_var', data: 'caller_id_number=0000000000' }).up();
    cid.ele('anti-action', { application: 'set_profile_var', data: 'caller_id_name=Phone caller' }).up();
  } else {
    // Withheld numbers were turned away at the entry; should one get here, no caller text is left.
    cid.ele('anti-action', { application: 'set_profile_var', data: 'caller_id_name=' }).up();
  }
  const joinCond = join.ele('condition');
  act(joinCond, 'set', 'bbb_authorized=true');
  act(joinCond, 'transfer', '${bbb_twilio_pin} XML default');

  // 4. Not joined and passes left: say why (a PIN with no running meeting), then ask again.
  if (input.tries > 1) {
    const passes = `^x{1,${input.tries - 1}}$`;
    const inactive = parent.ele('extension', { name: 'bbb-twilio-retry-inactive' });
    guard(inactive, 'bbb-twilio-check');
    inactive.ele('condition', { field: '${bbb_twilio_attempts}', expression: passes }).up();
    const inactiveCond = inactive.ele('condition', { field: '${bbb_twilio_pin}', expression: `^\\d{${n}}$` });
    act(inactiveCond, 'playback', SOUND_BAD_PIN);
    act(inactiveCond, 'transfer', to('bbb-twilio-pin'));

    const retry = parent.ele('extension', { name: 'bbb-twilio-retry' });
    guard(retry, 'bbb-twilio-check');
    const retryCond = retry.ele('condition', { field: '${bbb_twilio_attempts}', expression: passes });
    act(retryCond, 'transfer', to('bbb-twilio-pin'));
  }

  // 5. Out of tries.
  const giveUp = parent.ele('extension', { name: 'bbb-twilio-give-up' });
  guard(giveUp, 'bbb-twilio-check');
  const giveUpCond = giveUp.ele('condition');
  act(giveUpCond, 'playback', SOUND_BAD_PIN);
  act(giveUpCond, 'playback', SOUND_GOODBYE);
  act(giveUpCond, 'hangup', 'NORMAL_CLEARING');

  return doc.end({ prettyPrint: true, indent: '  ' }) + '\n';
}
