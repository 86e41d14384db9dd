// Runs one call through a loaded configuration the way FreeSWITCH's state machine does: sofia's inbound
// checks, then ROUTING (hunt the dialplan) and EXECUTE (run what the hunt queued) until the call joins a
// conference or bridge, hangs up, or finds no route; `transfer` starts ROUTING again with a new destination
// (session-transfer.ts). When the last application returns with the call still up, FreeSWITCH hangs up
// NORMAL_CLEARING.

import { TargetFileError } from '../../errors.js';
import type { AppRuntime, AppStep } from './applications.js';
import { runApplication } from './applications.js';
import { callApi } from './api-functions.js';
import { Channel } from './channel.js';
import { ConferenceState } from './conference-state.js';
import type { HuntHost } from './dialplan-hunt.js';
import { huntDialplan } from './dialplan-hunt.js';
import { DtmfScript } from './dtmf-script.js';
import { expandVariables } from './expand.js';
import { checkInbound } from './inbound-check.js';
import type { LoadedConfig, SofiaProfile } from './load-config.js';
import { findSofiaProfile } from './load-config.js';
import { decideOutcome } from './outcome.js';
import { callerIdName, profileClean, varChecked } from './sofia-caller-fields.js';
import { switchTrue } from './switch-string.js';
import type { CallSpec, NotEmulated, SimulationReport, TimelineEntry, TimelineKind, Where } from './types.js';

const MAX_STEPS = 5000;
const SIM_UUID = '5151a7ed-0000-4000-8000-000000000001';

function initialChannel(config: LoadedConfig, profile: SofiaProfile, call: CallSpec, context: string): Channel {
  const user = call.from.replace(/^sip:/, '');
  const channelName = `sofia/${profile.name}/${user}@${call.fromIp}`;
  const fields: Record<string, string> = {
    context,
    dialplan: profile.dialplan,
    destination_number: call.to,
    caller_id_name: callerIdName(call.callerName, user),
    caller_id_number: user,
    ani: user,
    network_addr: call.fromIp,
    username: user,
  };
  const channel = new Channel(config.globals.clone(), {
    ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, profileClean(v)])),
    source: 'mod_sofia',
    uuid: SIM_UUID,
    chan_name: channelName,
    rdnis: '',
  });
  const vars: Record<string, string> = {
    ...varChecked({
      direction: 'inbound',
      uuid: SIM_UUID,
      channel_name: channelName,
      sip_profile_name: profile.name,
      sofia_profile_name: profile.name,
      sip_network_ip: call.fromIp,
      sip_network_port: '5060',
      sip_received_ip: call.fromIp,
      sip_received_port: '5060',
      sip_via_protocol: 'udp',
      sip_from_user: user,
      sip_from_host: call.fromIp,
      sip_from_display: call.callerName,
      sip_to_user: call.to,
      sip_req_user: call.to,
      sip_user_agent: 'Twilio Gateway',
      max_forwards: '70',
    }),
    ...call.variables,
  };
  for (const [k, v] of Object.entries(vars)) channel.vars.set(k, v);
  return channel;
}

class Simulation {
  readonly timeline: TimelineEntry[] = [];
  readonly notEmulated: NotEmulated[] = [];
  private readonly seen = new Set<string>();
  readonly rt: AppRuntime;
  readonly hunt: HuntHost;

  constructor(readonly config: LoadedConfig, readonly channel: Channel, call: CallSpec) {
    const conferences = ConferenceState.withWebAudioMembers(call.active);
    const now = call.now ?? new Date();
    const expand = (text: string, where: Where): string =>
      expandVariables(text, {
        getVariable: (name, index) => channel.getVariable(name, index),
        callApi: (name, args) => callApi(name, args, { conferences, now, modules: config.modules, report: (what, detail) => this.report(where, what, detail) }),
        apiExpansion: config.apiExpansion,
      });
    this.rt = { config, channel, dtmf: new DtmfScript(call.dtmf), expand, report: (w, what, d) => this.report(w, what, d), pinEntries: [] };
    this.hunt = {
      config,
      channel,
      expand,
      report: (w, what, d) => this.report(w, what, d),
      execInline: (app, data, where) => this.run(app, data, where, true),
    };
  }

  report(where: Where, what: string, detail: string): void {
    const key = `${where.file}:${where.line}:${what}:${detail}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.notEmulated.push({ ...where, what, detail });
  }

  add(kind: TimelineKind, where: Partial<Where>, fields: Partial<TimelineEntry> & { result: string }): void {
    this.timeline.push({
      step: this.timeline.length + 1,
      kind,
      context: where.context ?? null,
      extension: where.extension ?? null,
      app: null,
      data: null,
      file: where.file ?? null,
      line: where.line ?? null,
      ...fields,
    });
  }

  run(app: string, rawData: string, where: Where, inline: boolean): AppStep {
    // switch_core_session_exec: data is expanded unless app_disable_expand_variables is true; "%[..]" scope variables follow.
    const expand = !switchTrue(this.channel.getVariable('app_disable_expand_variables'));
    const data = expand ? this.rt.expand(rawData, where) : rawData;
    if (expand && /^%.?\[/.test(data)) this.report(where, 'scoped variables', `${app} data starting "%[" sets variables for this application only; not emulated (the data is passed on as it is)`);
    const step = runApplication(app, data, where, this.rt, inline);
    this.add(inline ? 'inline' : 'app', where, { app, data, ...step });
    return step;
  }
}

/** Simulate `call` on the already loaded `config`. Throws TargetFileError when the profile does not exist. */
export function simulateCall(config: LoadedConfig, call: CallSpec): SimulationReport {
  const profile = findSofiaProfile(config, call.profile);
  if (!profile) {
    throw new TargetFileError(`${config.confDir}/sip_profiles/${call.profile}.xml`, `no sofia profile named "${call.profile}"`, {
      hint: `profiles found: ${config.profiles.map((p) => p.name).join(', ') || 'none'}`,
    });
  }
  const inbound = checkInbound(config, profile, call.fromIp);
  const channel = initialChannel(config, profile, call, inbound.context);
  const sim = new Simulation(config, channel, call);
  const at: Where = { file: profile.origin.file, line: profile.origin.line, context: null, extension: null };
  sim.add('arrive', at, { result: `INVITE to ${call.to} from ${call.from} "${call.callerName}" at ${call.fromIp}, on sofia profile ${profile.name} (context ${inbound.context})` });
  for (const u of inbound.undecided) sim.report(at, 'acl', `${u}; assumed to allow`);
  for (const note of inbound.notes) sim.add('acl', at, { result: note });
  let refusal: { response: string; by: string } | null = null;
  let noRoute: { destination: string; context: string; ran?: string[] } | null = null;
  if (inbound.refusal) {
    refusal = { response: inbound.refusal, by: `sofia profile ${profile.name} (${inbound.refusal.startsWith('403') ? 'apply-inbound-acl' : 'auth-calls'})` };
    channel.hangup(inbound.refusal, 'sofia', at);
  }
  while (channel.up && sim.timeline.length < MAX_STEPS) {
    const hunt = huntDialplan(sim.hunt);
    const destination = channel.getProfileField('destination_number') ?? '';
    const contextName = channel.getProfileField('context') ?? 'default';
    for (const x of hunt.extensions.filter((e) => e.matched || e.queued > 0)) {
      sim.add('match', x.where, { result: x.matched ? 'extension matched' : `conditions failed, but ${x.queued} application(s) stay queued`, conditions: x.conditions });
    }
    if (!channel.up) break;
    if (hunt.apps.length === 0) {
      noRoute = { destination, context: hunt.context ?? contextName };
      const why = hunt.context === null ? `context ${contextName} (nor "global") does not exist` : `no extension in context ${hunt.context} matched ${destination}`;
      sim.add('no-route', { context: hunt.context ?? contextName }, { result: `${why}: hangup NO_ROUTE_DESTINATION` });
      channel.hangup('NO_ROUTE_DESTINATION', 'routing', { file: null, line: null, context: contextName, extension: null });
      break;
    }
    for (const q of hunt.apps) {
      if (!channel.up || channel.transfer) break;
      sim.run(q.app, q.data, q.where, false);
    }
    const xfer = channel.transfer as Channel['transfer'];
    if (xfer) {
      channel.transfer = null;
      if (xfer.dialplan.toUpperCase() !== 'XML') {
        sim.report({ file: null, line: null, context: contextName, extension: null }, 'dialplan', `transfer to the ${xfer.dialplan} dialplan is not emulated`);
        channel.hangup('NORMAL_CLEARING', 'transfer', { file: null, line: null, context: contextName, extension: null });
        break;
      }
      channel.setProfileField('rdnis', destination);
      channel.setProfileField('destination_number', xfer.extension);
      channel.setProfileField('context', xfer.context);
      channel.setProfileField('dialplan', xfer.dialplan);
      continue;
    }
    if (channel.up) {
      const last = hunt.apps[hunt.apps.length - 1];
      channel.hangup('NORMAL_CLEARING', 'end of dialplan', last?.where ?? { file: null, line: null, context: contextName, extension: null });
      if (!hunt.terminal) {
        const ran = hunt.extensions.filter((e) => e.queued > 0).map((e) => e.name);
        noRoute = { destination, context: hunt.context ?? contextName, ran };
        sim.add('no-route', { context: hunt.context ?? contextName }, {
          result: `no extension matched ${destination}: only continue="true" extensions ran (${ran.join(', ')}); FreeSWITCH hangs up NORMAL_CLEARING`,
        });
      }
    }
  }
  const unread = sim.rt.dtmf.unread();
  if (unread !== '') sim.add('end', {}, { result: `keys never read: ${unread}` });
  const { outcome, summary } = decideOutcome({ channel, refusal, noRoute, pinEntries: sim.rt.pinEntries });
  return {
    result: { simulated: true, timeline: sim.timeline, outcome, variables: channel.vars.toObject(), notEmulated: sim.notEmulated },
    summary,
    call,
    context: inbound.context,
  };
}
