import * as path from 'node:path';
import { TargetFileError } from '../errors.js';
import { readText } from '../host/host.js';
import { MANAGED } from '../host/bbb-paths.js';
import { planFile } from './file-change.js';
import { targetValue } from './edited-values.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';

const PARAMS: [string, string][] = [
  ['ext-rtp-ip', '$${external_rtp_ip}'],
  ['ext-sip-ip', '$${external_sip_ip}'],
];

/** External mode: make the external profile advertise the vars (which hold the public IP). */
export const externalProfile: Resource = {
  id: 'external-profile',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const file = path.posix.join(ctx.facts.confDir, MANAGED.externalProfile);
    const before = await readText(ctx.host, file);
    const wanted = ctx.mode === 'install' && ctx.config.sip.profile === 'external';
    if (before === null) {
      if (!wanted) return { changes: [], warnings: [] };
      throw new TargetFileError(file, 'missing', { hint: 'reinstall bbb-freeswitch-core to restore the external profile' });
    }
    if (!wanted && !Object.keys(ctx.state.originals).some((k) => k.startsWith(`${MANAGED.externalProfile}#`))) {
      return { changes: [], warnings: [] }; // never edited by us: nothing to restore, no need to parse it
    }
    const { findParams, setParamValue } = await import('../edit/xml-params.js');
    let after = before;
    const originals: Record<string, string | null> = {};
    const forgetOriginals: string[] = [];
    for (const [name, desired] of PARAMS) {
      const stateKey = `${MANAGED.externalProfile}#${name}`;
      const found = findParams(after, file, name);
      if (found.length > 1) setParamValue(after, file, name, desired); // throws the duplicate error, with lines
      const current = found[0]?.value;
      const target = targetValue({ stateKey, current, desired }, wanted, ctx.state.originals);
      if ('original' in target) originals[stateKey] = target.original ?? null;
      if (target.restores) forgetOriginals.push(stateKey);
      if (target.value !== undefined && target.value !== current) after = setParamValue(after, file, name, target.value);
    }
    return planFile(ctx, {
      resource: this.id,
      path: file,
      title: wanted
        ? 'external profile advertises $${external_rtp_ip} / $${external_sip_ip} (restart drops web audio)'
        : 'restore ext-rtp-ip and ext-sip-ip of the external profile',
      after,
      mode: 0o644,
      owner: null,
      xml: true,
      managedWhole: false,
      needs: ['external-restart'],
      originals,
      forgetOriginals,
    });
  },
};
