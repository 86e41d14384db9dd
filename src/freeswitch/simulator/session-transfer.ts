// switch_ivr_session_transfer (src/switch_ivr.c), which the transfer application and play_and_get_digits'
// transfer-on-failure both call: it spends one of max_session_transfers (or, when that is unset, max_forwards;
// 70 when neither is set) and hangs up EXCHANGE_ROUTING_ERROR when none is left; force_transfer_dialplan and
// force_transfer_context apply only when the caller gave no dialplan or context; then the caller profile's own
// dialplan ("inline" does not count) and context, else XML and "default"; no extension means "service". The
// session reset flushes DTMF already queued.

import type { AppRuntime, AppStep } from './app-runtime.js';
import { atoi } from './switch-string.js';
import type { Where } from './types.js';

export function sessionTransfer(extension: string | undefined, dialplan: string | undefined, context: string | undefined, where: Where, rt: AppRuntime): AppStep {
  const ch = rt.channel;
  let forwardName = 'max_session_transfers';
  let forward = ch.getVariable(forwardName);
  if (!forward) {
    forwardName = 'max_forwards';
    forward = ch.getVariable(forwardName);
  }
  const left = forward ? atoi(forward) - 1 : 70;
  if (left <= 0) {
    ch.hangup('EXCHANGE_ROUTING_ERROR', 'transfer', where);
    return { result: `${forwardName} is used up: hangup EXCHANGE_ROUTING_ERROR` };
  }
  ch.vars.set(forwardName, String(left));
  let useDialplan = dialplan || ch.getVariable('force_transfer_dialplan') || '';
  let useContext = context || ch.getVariable('force_transfer_context') || '';
  if (!useDialplan) {
    useDialplan = ch.getProfileField('dialplan') ?? '';
    if (useDialplan.toLowerCase() === 'inline') useDialplan = '';
  }
  if (!useContext) useContext = ch.getProfileField('context') ?? '';
  const request = { extension: extension || 'service', dialplan: useDialplan || 'XML', context: useContext || 'default' };
  const flushed = rt.dtmf.flushQueued();
  ch.transfer = request;
  const details = flushed ? [`queued keypresses ${flushed} flushed by the transfer`] : undefined;
  return {
    result: `transfer to ${request.extension} in context ${request.context} (${request.dialplan}); ${forwardName} now ${left}`,
    variables: { [forwardName]: String(left) },
    ...(details ? { details } : {}),
  };
}
