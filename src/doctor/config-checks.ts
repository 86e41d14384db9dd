// config-valid, audio-bridge-freeswitch, files-in-desired-state: what can be told from the files alone.

import * as path from 'node:path';
import { readPendingNeeds } from '../apply/pending-actions.js';
import { interruptedRuns } from '../apply/rollback.js';
import { formatCommand } from '../host/host.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Change } from '../model/change.js';
import { neededActions } from '../plan/service-actions.js';
import { hintOf, messageOf, type DoctorCheck } from './check.js';
import type { DoctorContext } from './doctor-context.js';

export const configValid: DoctorCheck<DoctorContext> = {
  id: 'config-valid',
  title: 'configuration file is valid',
  run(ctx, c) {
    const config = ctx.config;
    if (!config) return c.fail(messageOf(ctx.configError), hintOf(ctx.configError, 'see examples/config.yml for every key'));
    const numbers = config.numbers.map((n) => n.display).join(', ');
    const mode = config.sip.profile === 'dedicated' ? `dedicated profile on port ${config.sip.port}` : 'external profile';
    const twilio = !config.twilio.accountSid
      ? 'no Twilio credentials'
      : config.twilio.apiKey
        ? 'Twilio API key set'
        : config.twilio.authToken
          ? 'Twilio credentials set'
          : 'no Twilio credentials';
    return c.ok(`${ctx.configFile}: ${config.numbers.length === 1 ? 'number' : 'numbers'} ${numbers}; ${mode}; ${twilio}`);
  },
};

export const audioBridgeFreeswitch: DoctorCheck<DoctorContext> = {
  id: 'audio-bridge-freeswitch',
  title: 'meeting audio goes through FreeSWITCH',
  run(ctx, c) {
    if (!ctx.facts) return c.skip(`cannot tell: ${messageOf(ctx.factsError)}`);
    const bridge = ctx.facts.audioBridge;
    if (bridge.value === 'livekit') {
      return c.fail(
        `meeting audio goes through LiveKit (${bridge.source ?? 'audioBridge=livekit'}): FreeSWITCH dial-in does not reach these meetings`,
        'switch audio back to FreeSWITCH (remove audioBridge=livekit, restart BBB), or use LiveKit SIP for dial-in',
      );
    }
    return c.ok('FreeSWITCH carries meeting audio (no LiveKit audio bridge configured)');
  },
};

export const filesInDesiredState: DoctorCheck<DoctorContext> = {
  id: 'files-in-desired-state',
  title: 'managed files and firewall rules match the config',
  async run(ctx, c) {
    if (!ctx.config) return c.skip('needs a valid config (see config-valid)');
    if (!ctx.facts) return c.fail(messageOf(ctx.factsError), hintOf(ctx.factsError, 'point --root at the server\'s files'));
    if (ctx.facts.audioBridge.value === 'livekit') return c.skip('not applicable: audio goes through LiveKit (see audio-bridge-freeswitch)');
    let built;
    try {
      built = await buildPlan(ctx.host, ctx.config);
    } catch (err) {
      return c.fail(messageOf(err), hintOf(err, 'run bbb-twilio plan for details'));
    }
    const { plan, state } = built;
    // A run cut short left its changes on the server: whatever the plan says, apply first undoes them.
    const stuck = (await interruptedRuns(ctx.host)).at(-1);
    if (stuck) {
      const what = stuck.status === 'undo-failed' ? 'failed and could not be fully undone' : 'was interrupted';
      return c.fail(
        `an earlier ${stuck.command} (${stuck.id}) ${what}: its changes are still on the server`,
        'bbb-twilio plan shows what apply undoes first; then run bbb-twilio apply',
      );
    }
    if (plan.changes.length === 0) {
      // Files in place but never loaded (FreeSWITCH was down, --no-reload, a postponed restart) is drift too.
      const pending = neededActions([{ needs: await readPendingNeeds(ctx.host) }], ctx.config.sip.profile);
      if (pending.length === 0) return c.ok('the plan is empty: every managed file and firewall rule is as the config wants');
      const commands = pending.map((a) => formatCommand(a.argv)).join('; ');
      const finding = `the files are in place, but ${pending.length} service action(s) from an earlier apply are not done: ${commands}`;
      const fix = `run ${commands}, or bbb-twilio apply (it runs them${pending.some((a) => a.requiresConsent) ? '; --when-idle for a restart that drops web audio' : ''})`;
      // Only bbb-web left: calls work, the dial number shown may be old. Anything of FreeSWITCH's: it runs the old files.
      return pending.every((a) => a.eslCommand === undefined) ? c.warn(finding, fix) : c.fail(finding, fix);
    }
    const confDir = ctx.facts.confDir;
    const shown = plan.changes.slice(0, 4).map((ch) => describeChange(ch, confDir));
    const more = plan.changes.length > shown.length ? `, and ${plan.changes.length - shown.length} more` : '';
    // bbb-twilio remembers a hash of every file it wrote: none means it never ran here.
    const neverApplied = Object.keys(state.files).length === 0;
    const lead = neverApplied ? 'bbb-twilio has not been applied yet' : `${plan.changes.length} difference(s) from the config`;
    const conflict = plan.blocked ? ' (a managed file was edited by hand: apply needs --force)' : '';
    return c.fail(
      `${lead}: ${shown.join(', ')}${more}${conflict}`,
      plan.blocked ? 'review with bbb-twilio plan, then bbb-twilio apply --force' : 'review with bbb-twilio plan, then run bbb-twilio apply',
    );
  },
};

function describeChange(change: Change, confDir: string): string {
  const symbol = change.kind === 'create' ? '+' : change.kind === 'delete' ? '-' : '~';
  if (change.type === 'file') {
    const shown = change.path.startsWith(confDir + '/') ? path.posix.relative(confDir, change.path) : change.path;
    return `${symbol} ${shown}`;
  }
  return `${symbol} ${change.title}`;
}
