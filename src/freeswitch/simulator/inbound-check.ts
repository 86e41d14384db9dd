// What sofia does with an INVITE before any dialplan runs: apply-inbound-acl (each entry "list[:pass
// context[:fail context]]"; the first list that allows the source wins) and auth-calls. A source no list
// allows gets 403 Forbidden, unless auth-calls is on, when sofia challenges it instead (which Twilio's
// origination cannot answer). A pass or fail context in the ACL entry replaces the profile's context.

import { checkAcl } from './acl.js';
import type { LoadedConfig, SofiaProfile } from './load-config.js';
import { profileParams } from './load-config.js';
import { switchTrue } from './switch-string.js';

export interface InboundVerdict {
  /** null: the INVITE reaches the dialplan; otherwise the SIP response that ends it. */
  refusal: string | null;
  /** Context the call is routed to (the profile's, or an ACL pass/fail context). */
  context: string;
  /** One line per check made. */
  notes: string[];
  /** Checks the simulator could not decide (assumed to allow). */
  undecided: string[];
}

export function checkInbound(config: LoadedConfig, profile: SofiaProfile, ip: string): InboundVerdict {
  const verdict: InboundVerdict = { refusal: null, context: profile.context, notes: [], undecided: [] };
  const authCalls = switchTrue(profileParams(profile, 'auth-calls').at(-1) ?? 'false');
  const acls = profileParams(profile, 'apply-inbound-acl');
  let approved = false;
  let failContext: string | null = null;
  for (const entry of acls) {
    const [list = '', pass = '', fail = ''] = entry.split(':');
    const r = checkAcl(list, ip, config.aclLists);
    if (!r.decided) verdict.undecided.push(`apply-inbound-acl ${list}: ${r.reason}`);
    verdict.notes.push(`apply-inbound-acl: ${r.reason}${r.ok ? '' : ' (refused)'}`);
    if (r.ok) {
      approved = true;
      if (pass) verdict.context = pass;
      break;
    }
    failContext = fail || null;
  }
  if (acls.length > 0 && !approved) {
    if (failContext) {
      verdict.context = failContext;
      verdict.notes.push(`refused by the ACL, routed to its fail context ${failContext}`);
    } else if (!authCalls) {
      verdict.refusal = '403 Forbidden';
      return verdict;
    }
  }
  if (authCalls && !approved) {
    verdict.refusal = '407 Proxy Authentication Required';
    verdict.notes.push('auth-calls is on and no ACL approved the source: sofia challenges the INVITE, which Twilio cannot answer');
  }
  return verdict;
}
