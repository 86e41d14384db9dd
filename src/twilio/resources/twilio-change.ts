// Building blocks of the Twilio resources: their plan context, and TwilioChange values with the attribute
// lists the plan shows (every attribute for a create or a delete, only the differing ones for an update).

import type { ChangeKind, TwilioAttribute, TwilioChange } from '../../model/change.js';
import type { PlanContext } from '../../resources/resource.js';
import type { TwilioAccess } from '../twilio-access.js';
import type { TwilioOperation, TwilioResourceKind } from '../../model/twilio-operation.js';

export type TwilioPlanContext = PlanContext & { twilio: TwilioAccess };

/** The Twilio side is planned only with an account to read. */
export function hasTwilio(ctx: PlanContext): ctx is TwilioPlanContext {
  return ctx.twilio !== undefined;
}

/** Everything bbb-twilio creates in the account carries this name: how re-runs and uninstall find it. */
export function managedName(ctx: PlanContext): string {
  return ctx.config.twilio.trunkName;
}

/** Where the state remembers the hash of the credential's password. */
export function credentialStateKey(listName: string, username: string): string {
  return `twilio-credential:${listName}/${username}`;
}

/** Attribute values as the plan shows them: `null` is "absent". */
export type Shown = string | number | boolean | null;

const show = (v: Shown): string | null => (v === null ? null : String(v));

/** Rows for a thing that is created (before: absent) or deleted (after: absent); absent values are left out. */
export function allAttributes(kind: 'create' | 'delete', values: Record<string, Shown>): TwilioAttribute[] {
  return Object.entries(values)
    .filter(([, v]) => v !== null)
    .map(([name, v]) => ({
    name,
    before: kind === 'create' ? null : show(v),
    after: kind === 'create' ? show(v) : null,
  }));
}

/** Rows for the attributes that differ between what is and what should be. */
export function changedAttributes(before: Record<string, Shown>, after: Record<string, Shown>): TwilioAttribute[] {
  return Object.keys(after)
    .filter((name) => show(before[name] ?? null) !== show(after[name] ?? null))
    .map((name) => ({ name, before: show(before[name] ?? null), after: show(after[name] ?? null) }));
}

export interface TwilioChangeSpec {
  resource: string;
  kind: ChangeKind;
  twilioKind: TwilioResourceKind;
  name: string;
  sid: string | null;
  title: string;
  attributes: TwilioAttribute[];
  operation: TwilioOperation;
  secrets?: string[];
  warning?: string;
  remember?: TwilioChange['remember'];
  failsOnly?: TwilioChange['failsOnly'];
  rememberNumber?: TwilioChange['rememberNumber'];
}

export function twilioChange(spec: TwilioChangeSpec): TwilioChange {
  return {
    type: 'twilio',
    resource: spec.resource,
    kind: spec.kind,
    twilioKind: spec.twilioKind,
    name: spec.name,
    sid: spec.sid,
    title: spec.title,
    attributes: spec.attributes,
    operation: spec.operation,
    secrets: spec.secrets ?? [],
    needs: [],
    ...(spec.warning === undefined ? {} : { warning: spec.warning }),
    ...(spec.remember === undefined ? {} : { remember: spec.remember }),
    ...(spec.failsOnly === undefined ? {} : { failsOnly: spec.failsOnly }),
    ...(spec.rememberNumber === undefined ? {} : { rememberNumber: spec.rememberNumber }),
  };
}
