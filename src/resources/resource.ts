import type { Config } from '../config/schema.js';
import type { ServerFacts } from '../host/detect-facts.js';
import type { Host } from '../host/host.js';
import type { State } from '../apply/state.js';
import type { Change, PlanWarning } from '../plan/change.js';

export interface PlanContext {
  host: Host;
  config: Config;
  facts: ServerFacts;
  state: State;
  /** `install`: bring the server to the configured state; `uninstall`: remove and restore everything. */
  mode: 'install' | 'uninstall';
  /** The PIN length in force: the config's, else the server's. */
  pinLength: number;
}

export interface ResourcePlan {
  changes: Change[];
  warnings: PlanWarning[];
}

/** A managed thing: reads its current state through the host, computes its desired state purely. */
export interface Resource {
  id: string;
  plan(ctx: PlanContext): Promise<ResourcePlan>;
}
