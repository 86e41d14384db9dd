import * as path from 'node:path';
import type { ServiceNeed } from '../model/change.js';
import { runningCli } from './cli-location.js';
import { planFile } from './file-change.js';
import { CALL_SERVICE_UNIT, configDigest, renderCallServiceUnit } from './render-call-service-unit.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';

/** What a change of the unit asks of systemd: load it and start it, restart it, or stop it and forget it. */
const NEEDS: Record<'create' | 'update' | 'delete', ServiceNeed[]> = {
  create: ['systemd-reload', 'call-service-enable'],
  update: ['systemd-reload', 'call-service-restart'],
  delete: ['call-service-disable', 'systemd-reload'],
};

/** `/etc/systemd/system/bbb-twilio.service`: runs `bbb-twilio serve` while callService.enabled (the default). */
export const callServiceUnit: Resource = {
  id: 'call-service-unit',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const { config } = ctx;
    const active = ctx.mode === 'install' && config.callService.enabled;
    const cli = active ? (ctx.callServiceCli ?? runningCli()) : null;
    const after = cli
      ? renderCallServiceUnit({ ...cli, configFile: serverPath(ctx.host.root, config.file), configDigest: configDigest(config) })
      : null;
    const result = await planFile(ctx, {
      resource: this.id,
      path: CALL_SERVICE_UNIT,
      title: active
        ? 'call service (bbb-twilio serve): FreeSWITCH hands each call to it, the static PIN dialplan is its fallback'
        : 'remove the call service',
      after,
      mode: 0o644,
      owner: null,
      xml: false,
      managedWhole: true,
      needs: [],
    });
    for (const change of result.changes) change.needs = NEEDS[change.kind];
    return result;
  },
};

/** The config file as the server sees it: a file under a test --root is named by its path inside the tree. */
function serverPath(root: string, file: string): string {
  const inside = path.relative(root, file);
  return inside.startsWith('..') || path.isAbsolute(inside) ? file : path.posix.join('/', ...inside.split(path.sep));
}
