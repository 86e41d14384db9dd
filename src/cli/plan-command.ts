import pc from 'picocolors';
import { recoveryOf, renderRecoveries } from '../apply/describe-recovery.js';
import { readPendingNeeds } from '../apply/pending-actions.js';
import { interruptedRuns } from '../apply/rollback.js';
import { formatCommand } from '../host/host.js';
import { neededActions } from '../plan/service-actions.js';
import type { Config } from '../config/schema.js';
import type { ServerFacts } from '../host/detect-facts.js';
import type { Host } from '../host/host.js';
import { buildPlan } from '../plan/build-plan.js';
import { renderPlanJson, renderPlanText } from '../plan/render-plan.js';
import { firewallBackend } from '../resources/firewall.js';
import type { PlanContext } from '../resources/resource.js';
import { loadConfig, openHost, useColor, type CliIo } from './io.js';
import { generatedPasswordNotes } from './generated-password.js';
import { describeTwilioTarget, selectSides } from './twilio-side.js';

export interface PlanOptions {
  root?: string;
  config?: string;
  json?: boolean;
  detailedExitcode?: boolean;
  /** `host` or `twilio`: plan one side only. */
  only?: string;
  forceNumbers?: boolean;
}

/** One line about what the plan is for, so nobody mistakes a test tree for the server. */
export function planHeader(host: Host, config: Config, facts: ServerFacts, ctx: PlanContext, color: boolean): string {
  const c = pc.createColors(color);
  const bbb = facts.bbbVersion ? `BigBlueButton ${facts.bbbVersion}` : 'BigBlueButton (version unknown)';
  const mode =
    config.sip.profile === 'dedicated'
      ? `dedicated profile on port ${config.sip.port}`
      : `external profile on port ${facts.externalSipPort}`;
  // "from bbb-web.properties" is enough here; the full path is in plan --json.
  const pinSource = facts.pinLength.source.split(' ')[0]?.split('/').pop() ?? facts.pinLength.source;
  const pin = `${ctx.pinLength}-digit PIN (${config.dialin.pinLength === undefined ? `from ${pinSource}` : 'config'})`;
  const twilio = describeTwilioTarget(ctx.twilio);
  return [
    c.bold(`bbb-twilio plan for ${host.root === '/' ? 'this server' : host.root}`),
    c.dim(`  ${bbb} · FreeSWITCH conf ${facts.confDir} · ${mode} · ${pin} · firewall ${firewallBackend(ctx)}`),
    ...(twilio === undefined ? [] : [twilio.sandbox ? c.bold(c.yellow(`  !! ${twilio.text}`)) : c.dim(`  ${twilio.text}`)]),
    '',
    '',
  ].join('\n');
}

export async function runPlan(opts: PlanOptions, io: CliIo): Promise<number> {
  const host = openHost(io, opts.root);
  const config = await loadConfig(host, opts.config, io, { generateMissingPassword: true });
  const side = selectSides(opts.only, config, io.env);
  const { plan, facts, context } = await buildPlan(host, config, 'install', {
    sides: side.sides,
    ...(side.twilio === undefined ? {} : { twilio: side.twilio }),
    forceNumbers: Boolean(opts.forceNumbers),
    notes: [...side.notes, ...generatedPasswordNotes(config)],
  });
  // Service actions an earlier apply left undone: not file changes, but the next apply runs them.
  const pending = neededActions([{ needs: await readPendingNeeds(host) }], config.sip.profile);
  // A run cut short left its changes on the server: this plan is measured against them, and apply undoes them first.
  const recoveries = (await interruptedRuns(host)).map(recoveryOf);
  if (opts.json) {
    const twilio = {
      planned: side.twilio !== undefined,
      accountSid: side.twilio?.accountSid ?? null,
      /** BBB_TWILIO_API_URL: requests go there, not to Twilio. */
      apiUrl: side.twilio?.apiUrl ?? null,
    };
    const pendingActions = pending.map((a) => ({ need: a.need, argv: a.argv, impact: a.impact }));
    const extra = { root: host.root, profile: config.sip.profile, pinLength: context.pinLength, sides: side.sides, twilio, pendingActions, interruptedRuns: recoveries };
    io.stdout.write(JSON.stringify(renderPlanJson(plan, facts, extra), null, 2) + '\n');
  } else {
    const color = useColor(io);
    if (recoveries.length > 0) io.stdout.write(renderRecoveries(recoveries, color));
    io.stdout.write(planHeader(host, config, facts, context, color));
    io.stdout.write(renderPlanText(plan, facts, { color }));
    if (pending.length > 0) {
      const c = pc.createColors(color);
      io.stdout.write(c.yellow('\nStill to do from an earlier apply (the next apply runs them):\n'));
      for (const a of pending) io.stdout.write(`  ${formatCommand(a.argv)}\n`);
    }
  }
  // Actions still to send and a run to recover are drift too: the server is not yet what the config says
  // (FreeSWITCH runs the old files). A Twilio-only plan does not cover them.
  const hostDrift = side.sides.includes('host') && (pending.length > 0 || recoveries.length > 0);
  if (opts.detailedExitcode && (plan.changes.length > 0 || hostDrift)) return 2;
  return 0;
}
