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
import type { ServiceOptions } from './simulated-service.js';
import type { CallSpec, NotEmulated, Outcome, SimulationReport, TimelineEntry, TimelineKind, Where } from './types.js';

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

/** Where the call service's own steps and applications are placed: not in any dialplan file. */
const SERVICE_WHERE: Where = { file: null, line: null, context: null, extension: null };

/** A `socket` the call service takes: where it ran, and its data as expanded. */
interface SocketHandOff {
  where: Where;
  data: string;
}

class Simulation {
  readonly timeline: TimelineEntry[] = [];
  readonly notEmulated: NotEmulated[] = [];
  private readonly seen = new Set<string>();
  readonly rt: AppRuntime;
  readonly hunt: HuntHost;
  /** Set by a `socket` the call service takes; the call loop hands the call over. */
  handOff: SocketHandOff | null = null;
  /** The call service's outcome, once `socket` handed the call to it. */
  serviceOutcome: Outcome['service'];
  private readonly withService: boolean;
  readonly api: (name: string, args: string, where: Where) => string | null;

  constructor(readonly config: LoadedConfig, readonly channel: Channel, call: CallSpec) {
    const conferences = ConferenceState.withWebAudioMembers(call.active);
    const now = call.now ?? new Date();
    this.withService = (call.meetings ?? []).length > 0;
    this.api = (name, args, where) => callApi(name, args, { conferences, now, modules: config.modules, report: (what, detail) => this.report(where, what, detail) });
    const expand = (text: string, where: Where): string =>
      expandVariables(text, {
        getVariable: (name, index) => channel.getVariable(name, index),
        callApi: (name, args) => this.api(name, args, where),
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

  /** Run an application; `serviceMs` when the call service runs it (over its socket), at that simulated time. */
  run(app: string, rawData: string, where: Where, inline: boolean, serviceMs?: number): AppStep {
    // switch_core_session_exec: data is expanded unless app_disable_expand_variables is true; "%[..]" scope variables follow.
    const expand = !switchTrue(this.channel.getVariable('app_disable_expand_variables'));
    const data = expand ? this.rt.expand(rawData, where) : rawData;
    if (expand && /^%.?\[/.test(data)) this.report(where, 'scoped variables', `${app} data starting "%[" sets variables for this application only; not emulated (the data is passed on as it is)`);
    let step = runApplication(app, data, where, this.rt, inline);
    if (app.toLowerCase() === 'socket' && this.withService && !inline && this.channel.up && serviceMs === undefined) {
      step = { result: `outbound event socket to ${data.split(' ')[0]}: the call service (in-process, --meeting) takes the call` };
      this.handOff = { where, data };
    }
    const kind: TimelineKind = serviceMs !== undefined ? 'service' : inline ? 'inline' : 'app';
    this.add(kind, where, { app, data, ...step, ...(serviceMs !== undefined ? { seconds: serviceMs / 1000 } : {}) });
    return step;
  }
}

/**
 * The call from INVITE to its end. It yields at a `socket` the call service takes (only with call.meetings) and
 * goes on once the service has let go of the call, so the same loop serves the synchronous simulation and the
 * one that runs the service (simulateCallWithService).
 */
function* callSteps(config: LoadedConfig, call: CallSpec): Generator<{ sim: Simulation; handOff: SocketHandOff }, SimulationReport, void> {
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
      if (sim.handOff) {
        const handOff = sim.handOff;
        sim.handOff = null;
        yield { sim, handOff };
      }
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
  const service = sim.serviceOutcome;
  return {
    result: { simulated: true, timeline: sim.timeline, outcome: service ? { ...outcome, service } : outcome, variables: channel.vars.toObject(), notEmulated: sim.notEmulated },
    summary: service ? `call service: ${service}; ${summary}` : summary,
    call,
    context: inbound.context,
  };
}

/** Simulate `call` on the already loaded `config`. Throws TargetFileError when the profile does not exist. */
export function simulateCall(config: LoadedConfig, call: CallSpec): SimulationReport {
  const steps = callSteps(config, { ...call, meetings: [] });
  const end = steps.next();
  // Without meetings no `socket` is taken, so the loop never yields.
  if (!end.done) throw new Error('simulateCall cannot run the call service: use simulateCallWithService');
  return end.value;
}

/**
 * Simulate `call`; with call.meetings a `socket` hands the call to the real call service, run in-process on a
 * virtual clock against those meetings (simulated-service.ts), and the dialplan goes on as FreeSWITCH's would when
 * the service lets go: after a hand-back (`resume`), after a transfer at its new destination.
 */
export async function simulateCallWithService(config: LoadedConfig, call: CallSpec, opts: Omit<ServiceOptions, 'meetings'> = {}): Promise<SimulationReport> {
  const steps = callSteps(config, call);
  let next = steps.next();
  while (!next.done) {
    await serveSocket(next.value.sim, next.value.handOff, { meetings: call.meetings ?? [], ...opts });
    next = steps.next();
  }
  return next.value;
}

async function serveSocket(sim: Simulation, handOff: SocketHandOff, opts: ServiceOptions): Promise<void> {
  // Loaded only when needed: it brings the service's logging and metrics along.
  const { runCallService } = await import('./simulated-service.js');
  const { channel } = sim;
  const run = await runCallService(
    {
      channel,
      dtmf: sim.rt.dtmf,
      execute: (app, data, ms) => sim.run(app, data, SERVICE_WHERE, false, ms),
      api: (name, args) => sim.api(name, args, SERVICE_WHERE),
      note: (result, ms) => sim.add('service', SERVICE_WHERE, { result, seconds: ms / 1000 }),
    },
    opts,
  );
  sim.serviceOutcome = run.outcome ?? 'stopped';
  // A hang-up the service asked for is the service's, not that of a dialplan extension.
  if (channel.end?.kind === 'hangup' && channel.end.where === SERVICE_WHERE) channel.end = { ...channel.end, by: 'the call service' };
  const at = { ...handOff.where };
  const resume = switchTrue(channel.getVariable('socket_resume'));
  if (run.socketEnd === 'handed-back') {
    sim.add('service', at, { result: 'the service sent resume and closed the socket: the dialplan goes on after socket' });
  } else if (channel.up && !channel.transfer && !(run.socketEnd === 'released' && resume)) {
    // mod_event_socket: a socket that closes without resume (or socket_resume=true) ends the call.
    channel.hangup('NORMAL_CLEARING', 'socket', at);
    sim.add('service', at, { result: 'the socket closed without resume: FreeSWITCH hangs up NORMAL_CLEARING' });
  }
}
