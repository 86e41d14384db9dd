import { getMarkedBlock, removeMarkedBlock, setMarkedBlock } from '../edit/marked-block.js';
import { readText } from '../host/host.js';
import { APPLY_CONFIG_HOOK, MANAGED } from '../host/bbb-paths.js';
import { planFile } from './file-change.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';

/** What bbb-twilio writes when it has to create the hook itself. */
export const HOOK_SKELETON = '#!/bin/bash\n';
const STATE_KEY = 'apply-config.sh#file';

/**
 * The shell lines that re-apply the external-mode edits after a BBB upgrade (bbb-conf runs the hook just before
 * BBB starts). They touch only the live lines: an indented X-PRE-PROCESS line in vars.xml, and an ext-*-ip param
 * whose value is a `$${...}` variable (the stock file's commented-out `auto-nat` example is left alone).
 */
export function renderHookBlock(confDir: string, publicIp: string): string {
  const vars = `"${confDir}/${MANAGED.vars}"`;
  const profile = `"${confDir}/${MANAGED.externalProfile}"`;
  const setVar = (name: string): string =>
    `sed -i -E 's#^([[:space:]]*<X-PRE-PROCESS cmd="set" data="${name}=)[^"]*(".*)$#\\1${publicIp}\\2#' ${vars}`;
  const setParam = (param: string, variable: string): string =>
    `sed -i -E 's#(<param name="${param}" value=")\\$\\$\\{[A-Za-z0-9_]+\\}"#\\1$\${${variable}}"#' ${profile}`;
  return [
    '# Re-apply the FreeSWITCH edits for Twilio dial-in (external profile mode) after BigBlueButton upgrades.',
    setVar('external_rtp_ip'),
    setVar('external_sip_ip'),
    setParam('ext-rtp-ip', 'external_rtp_ip'),
    setParam('ext-sip-ip', 'external_sip_ip'),
  ].join('\n');
}

export const applyConfigHook: Resource = {
  id: 'apply-config-hook',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const file = APPLY_CONFIG_HOOK;
    const before = await readText(ctx.host, file);
    const wanted = ctx.mode === 'install' && ctx.config.sip.profile === 'external';
    const originals: Record<string, string | null> = {};
    const forget: string[] = [];
    let after: string | null;
    if (wanted) {
      const base = before ?? HOOK_SKELETON;
      after = setMarkedBlock(base, file, renderHookBlock(ctx.facts.confDir, ctx.config.server.publicIp));
      if (before === null && !(STATE_KEY in ctx.state.originals)) originals[STATE_KEY] = null;
    } else {
      if (before === null || getMarkedBlock(before, file) === undefined) return { changes: [], warnings: [] };
      after = removeMarkedBlock(before, file);
      // We created the file: take it away again once nothing but our skeleton is left.
      if (ctx.state.originals[STATE_KEY] === null && after === HOOK_SKELETON) after = null;
      if (STATE_KEY in ctx.state.originals) forget.push(STATE_KEY);
    }
    return planFile(ctx, {
      resource: this.id,
      path: file,
      title: wanted
        ? 'upgrade hook: bbb-conf re-applies the external-profile edits after BigBlueButton upgrades'
        : 'remove the bbb-twilio block from the upgrade hook',
      after,
      mode: 0o755,
      owner: null,
      xml: false,
      // Created executable when missing; an existing hook keeps its mode and owner.
      managedWhole: before === null,
      needs: [],
      originals,
      forgetOriginals: forget,
    });
  },
};
