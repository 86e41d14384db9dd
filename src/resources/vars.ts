import * as path from 'node:path';
import { getPreprocessedVar, setPreprocessedVar } from '../edit/preprocessed-vars.js';
import { TargetFileError } from '../errors.js';
import { readText } from '../host/host.js';
import { MANAGED } from '../host/bbb-paths.js';
import { planFile } from './file-change.js';
import { targetValue } from './edited-values.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';

const VARS = ['external_rtp_ip', 'external_sip_ip'] as const;

/** External mode: FreeSWITCH's external profile must advertise the public IP, not a STUN lookup. */
export const varsResource: Resource = {
  id: 'vars',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const file = path.posix.join(ctx.facts.confDir, MANAGED.vars);
    const before = await readText(ctx.host, file);
    if (before === null) throw new TargetFileError(file, 'missing', { hint: 'restore FreeSWITCH\'s vars.xml first' });
    const wanted = ctx.mode === 'install' && ctx.config.sip.profile === 'external';
    let after = before;
    const originals: Record<string, string | null> = {};
    const forgetOriginals: string[] = [];
    for (const name of VARS) {
      const stateKey = `${MANAGED.vars}#${name}`;
      const current = getPreprocessedVar(after, file, name);
      const target = targetValue({ stateKey, current, desired: ctx.config.server.publicIp }, wanted, ctx.state.originals);
      if ('original' in target) originals[stateKey] = target.original ?? null;
      if (target.restores) forgetOriginals.push(stateKey);
      if (target.value !== undefined && target.value !== current) after = setPreprocessedVar(after, file, name, target.value);
    }
    if (after !== before) {
      // FreeSWITCH parses the file as XML after pre-processing: refuse to edit one that would not load.
      const { assertWellFormed } = await import('../edit/xml-document.js');
      assertWellFormed(before, file);
    }
    return planFile(ctx, {
      resource: this.id,
      path: file,
      title: wanted
        ? `external_rtp_ip and external_sip_ip = ${ctx.config.server.publicIp} (the public IP Twilio sends media to)`
        : 'restore external_rtp_ip and external_sip_ip',
      after,
      mode: 0o644,
      owner: null,
      xml: true,
      managedWhole: false,
      needs: ['reloadxml', 'external-restart'],
      originals,
      forgetOriginals,
    });
  },
};
