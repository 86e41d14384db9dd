// One Twilio change during apply: registered in the journal before the SDK call, marked done with its SID
// after it, and its secret's hash remembered in the next state. Forward only: a failed apply leaves what was
// done in the account (listed in the error), and the next apply adopts it by name and finishes.

import { HostError } from '../errors.js';
import { maskSecrets } from '../plan/mask-secrets.js';
import { TwilioError } from '../twilio/twilio-error.js';
import type { TwilioChange } from '../model/change.js';
import { twilioHeading } from '../plan/render-twilio-change.js';
import type { TwilioAccess } from '../twilio/twilio-access.js';
import { type CreatedSids, executeTwilioOperation, trunkSidOf } from '../twilio/execute-operation.js';
import type { Journal } from './journal.js';
import type { State } from './state.js';

/** `create twilio trunk "bbb-twilio"`: how progress lines and error messages name a change. */
export function describeTwilioChange(change: TwilioChange): string {
  return `${change.kind} ${twilioHeading(change)}`;
}

export async function applyTwilioChange(
  access: TwilioAccess | undefined,
  journal: Journal,
  change: TwilioChange,
  created: CreatedSids,
  next: State,
): Promise<void> {
  if (access === undefined) {
    throw new HostError(`${describeTwilioChange(change)}: the plan has Twilio changes but this run has no Twilio credentials`, {
      hint: 'set TWILIO_AUTH_TOKEN (or twilio.authToken) and twilio.accountSid, or run with --only host',
    });
  }
  const entry = await journal.registerTwilio({
    resource: change.resource,
    kind: change.kind,
    twilioKind: change.twilioKind,
    operation: change.operation.op,
    name: change.name,
    sid: change.sid,
    ...(change.rememberNumber?.attached ? { previous: change.rememberNumber.attached.previous } : {}),
  });
  let sid: string | null;
  try {
    sid = await executeTwilioOperation(access, change.operation, created);
  } catch (err) {
    throw withoutSecrets(err, change.secrets);
  }
  entry.sid = sid ?? change.sid;
  entry.status = 'done';
  await journal.save();
  rememberTwilio(change, created, next);
  const remember = change.remember;
  if (remember === undefined) return;
  if (remember.key.endsWith('/*')) {
    const prefix = remember.key.slice(0, -1);
    for (const key of Object.keys(next.secretHashes)) if (key.startsWith(prefix)) delete next.secretHashes[key];
  } else if (remember.hash === null) {
    delete next.secretHashes[remember.key];
  } else {
    next.secretHashes[remember.key] = remember.hash;
  }
}

/** The state keeps the SID of bbb-twilio's trunk and the numbers it attached (with where they went before). */
function rememberTwilio(change: TwilioChange, created: CreatedSids, next: State): void {
  if (change.operation.op === 'delete-trunk') {
    // Twilio detaches whatever was still on it.
    next.twilio = { numbers: {} };
  } else {
    const trunkSid = trunkSidOf(change.operation, created);
    if (trunkSid !== undefined) next.twilio.trunkSid = trunkSid;
  }
  const number = change.rememberNumber;
  if (number === undefined) return;
  if (number.attached === null) delete next.twilio.numbers[number.sid];
  else next.twilio.numbers[number.sid] = number.attached;
}

/** Twilio's answer to a call that carried a secret must not repeat it in an error message. */
function withoutSecrets(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof TwilioError) || secrets.length === 0) return err;
  const message = maskSecrets(err.message, secrets);
  const hint = err.hint === undefined ? undefined : maskSecrets(err.hint, secrets);
  if (message === err.message && hint === err.hint) return err;
  return new TwilioError(message, {
    failure: err.failure,
    ...(err.code === undefined ? {} : { code: err.code }),
    ...(err.status === undefined ? {} : { status: err.status }),
    ...(err.moreInfo === undefined ? {} : { moreInfo: err.moreInfo }),
    ...(hint === undefined ? {} : { hint }),
  });
}
