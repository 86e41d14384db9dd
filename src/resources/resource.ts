import type { Config } from '../config/schema.js';
import type { ServerFacts } from '../host/detect-facts.js';
import type { Host } from '../host/host.js';
import type { State } from '../model/state.js';
import type { Change, PlanWarning } from '../model/change.js';
import type { TwilioAccess } from '../twilio/twilio-access.js';
import type { CliLocation } from './cli-location.js';

export interface PlanContext {
  host: Host;
  config: Config;
  facts: ServerFacts;
  state: State;
  /** `install`: bring the server to the configured state; `uninstall`: remove and restore everything. */
  mode: 'install' | 'uninstall';
  /** The PIN length in force: the config's, else the server's. */
  pinLength: number;
  /** The Twilio account, when the plan covers the Twilio side (credentials present, not `--only host`). */
  twilio?: TwilioAccess;
  /** Move numbers that have a voice URL, a TwiML app or another trunk (`--force-numbers`, `twilio.forceNumbers`). */
  forceNumbers?: boolean;
  /** The CLI the call service's unit runs; default: the CLI running now (`runningCli`). */
  callServiceCli?: CliLocation;
}

export interface ResourcePlan {
  changes: Change[];
  warnings: PlanWarning[];
}

/** A managed thing: reads its current state through the host, computes its desired state purely. */
export interface Resource {
  id: string;
  /** Which side of `--only host|twilio` the resource belongs to (default: host). */
  side?: 'host' | 'twilio';
  plan(ctx: PlanContext): Promise<ResourcePlan>;
}
