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

interface InboundAcl {
  list: string;
  pass: string | null;
  fail: string | null;
}

/**
 * The profile's ACL table as sofia's config parser builds it (sofia.c, "apply-inbound-acl"): an empty value
 * is skipped, "none" empties the table, at most 100 entries; pass/fail contexts are stored only for an
 * entry with a ':' (an entry without one keeps whatever an entry cleared by "none" left in that slot).
 */
function inboundAcls(profile: SofiaProfile): InboundAcl[] {
  const table: InboundAcl[] = [];
  let count = 0;
  for (const value of profileParams(profile, 'apply-inbound-acl')) {
    if (value === '') continue;
    if (value.toLowerCase() === 'none') {
      count = 0;
      continue;
    }
    if (count >= SOFIA_MAX_ACL) continue;
    const colon = value.indexOf(':');
    const slot = table[count] ?? { list: '', pass: null, fail: null };
    slot.list = colon < 0 ? value : value.slice(0, colon);
    if (colon >= 0) {
      const rest = value.slice(colon + 1);
      const second = rest.indexOf(':');
      slot.pass = (second < 0 ? rest : rest.slice(0, second)) || null;
      slot.fail = second < 0 ? null : rest.slice(second + 1) || null;
    }
    table[count++] = slot;
  }
  return table.slice(0, count);
}

const SOFIA_MAX_ACL = 100;

export function checkInbound(config: LoadedConfig, profile: SofiaProfile, ip: string): InboundVerdict {
  const verdict: InboundVerdict = { refusal: null, context: profile.context, notes: [], undecided: [] };
  const authCalls = switchTrue(profileParams(profile, 'auth-calls').at(-1) ?? 'false');
  const acls = inboundAcls(profile);
  let approved = true;
  // sofia_handle_sip_i_invite: a failing entry sets the context to its fail context (or clears it); a passing
  // one sets its pass context if it has one, else keeps what an earlier failing entry set.
  let aclContext: string | null = null;
  for (const acl of acls) {
    const r = checkAcl(acl.list, ip, config.aclLists);
    if (!r.decided) verdict.undecided.push(`apply-inbound-acl ${acl.list}: ${r.reason}`);
    verdict.notes.push(`apply-inbound-acl: ${r.reason}${r.ok ? '' : ' (refused)'}`);
    approved = r.ok;
    if (r.ok) {
      if (acl.pass) aclContext = acl.pass;
      break;
    }
    aclContext = acl.fail;
  }
  if (!approved && !authCalls) {
    if (!aclContext) {
      verdict.refusal = '403 Forbidden';
      return verdict;
    }
    verdict.notes.push(`refused by the ACL, routed to its fail context ${aclContext}`);
  }
  if (aclContext) verdict.context = aclContext;
  if (authCalls && !(approved && acls.length > 0)) {
    verdict.refusal = '407 Proxy Authentication Required';
    verdict.notes.push('auth-calls is on and no ACL approved the source: sofia challenges the INVITE, which Twilio cannot answer');
  }
  return verdict;
}
