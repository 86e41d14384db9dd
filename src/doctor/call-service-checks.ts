// call-service-dialplan, call-service-active, call-service-listening, call-service-healthy: the call service
// (`bbb-twilio serve`) that the dialplan hands each call to. Without it every call still works, in the static flow
// (the fallback after the dialplan's `socket`), but without its features: these checks say which link is missing.

import * as path from 'node:path';
import { formatHostPort, type CallServiceConfig, type Config } from '../config/schema.js';
import { MANAGED } from '../host/bbb-paths.js';
import { readText } from '../host/host.js';
import { CALL_SERVICE_NAME, CALL_SERVICE_UNIT } from '../resources/render-call-service-unit.js';
import { assessServerKeypad } from '../freeswitch/keypad-assessment.js';
import type { CheckMaker, CheckResult, DoctorCheck } from './check.js';
import type { DoctorContext } from './doctor-context.js';
import { parseProcNetTcpListeners, type UdpSocket } from './proc-net-udp.js';

const OFF = 'the call service is off (callService.enabled: false): calls take the static PIN dialplan';
const LOGS = `journalctl -u ${CALL_SERVICE_NAME} -n 50`;
const HEALTH_TIMEOUT_MS = 2000;

/** A check that runs only while the call service is on; otherwise it skips, saying so in one line. */
function callServiceCheck(
  id: string,
  title: string,
  run: (ctx: DoctorContext & { config: Config }, c: CheckMaker, service: CallServiceConfig) => Promise<CheckResult>,
): DoctorCheck<DoctorContext> {
  return {
    id,
    title,
    run(ctx, c) {
      const config = ctx.config;
      if (!config) return c.skip('needs a valid config (see config-valid)');
      if (!config.callService.enabled) return c.skip(OFF);
      return run({ ...ctx, config }, c, config.callService);
    },
  };
}

export const callServiceDialplan = callServiceCheck('call-service-dialplan', 'the dialplan hands calls to the call service\'s address', async (ctx, c, service) => {
  if (!ctx.facts) return c.skip('needs the FreeSWITCH configuration (see files-in-desired-state)');
  const rel = ctx.config.sip.profile === 'dedicated' ? MANAGED.dedicatedDialplan : MANAGED.externalDialplan;
  const file = path.posix.join(ctx.facts.confDir, rel);
  const text = await readText(ctx.host, file);
  const want = formatHostPort(service.listen);
  if (text === null) return c.fail(`${file} does not exist: no dial-in dialplan is installed`, 'bbb-twilio apply installs it');
  const dialled = /<action\s+application="socket"\s+data="([^"\s]*)[^"]*"/.exec(text)?.[1];
  if (dialled === undefined) {
    return c.fail(`${file} does not hand calls to the call service (no socket action): every call takes the static flow`, 'bbb-twilio apply writes the dialplan with the hand-over');
  }
  if (dialled !== want) {
    return c.fail(`${file} hands calls to ${dialled}, but the call service listens on ${want} (callService.listen)`, 'bbb-twilio apply rewrites the dialplan, then FreeSWITCH re-reads it (reloadxml)');
  }
  return c.ok(`${file} hands each call to ${want}, then falls back to the static PIN flow`);
});

export const callServiceActive = callServiceCheck('call-service-active', 'the call service (systemd unit bbb-twilio) is running', async (ctx, c) => {
  if ((await ctx.host.lstat(CALL_SERVICE_UNIT)) === null) {
    return c.fail(`${CALL_SERVICE_UNIT} is not installed`, 'bbb-twilio apply installs and starts it');
  }
  if (!ctx.host.runsCommands) {
    return c.skip(`cannot be checked under --root ${ctx.host.root}: systemctl is not run there`, 'run doctor on the server itself (without --root)');
  }
  const result = await ctx.host.run(['systemctl', 'is-active', CALL_SERVICE_NAME]);
  const state = result.stdout.trim() || result.stderr.trim() || `exit ${result.code}`;
  if (result.code === 0 && state === 'active') return c.ok(`systemctl is-active ${CALL_SERVICE_NAME}: active`);
  return c.fail(
    `systemctl is-active ${CALL_SERVICE_NAME}: ${state}: calls take the static PIN flow`,
    `systemctl enable --now ${CALL_SERVICE_NAME}; if it stops again, see ${LOGS}`,
  );
});

export const callServiceListening = callServiceCheck('call-service-listening', 'the call service listens where the dialplan connects (TCP)', async (ctx, c, service) => {
  const { host, port } = service.listen;
  const v4 = await readText(ctx.host, '/proc/net/tcp');
  const v6 = await readText(ctx.host, '/proc/net/tcp6');
  if (v4 === null && v6 === null) {
    return c.skip(`no /proc/net/tcp under ${ctx.host.root}: a copied tree has no live sockets`, 'run doctor on the server itself (without --root)');
  }
  const sockets: UdpSocket[] = [...parseProcNetTcpListeners(v4 ?? '', 4), ...parseProcNetTcpListeners(v6 ?? '', 6)].filter((s) => s.port === port);
  const want = formatHostPort(service.listen);
  if (sockets.length === 0) {
    return c.fail(
      `nothing listens on TCP ${want}: FreeSWITCH's connection fails and every call takes the static PIN flow`,
      `systemctl restart ${CALL_SERVICE_NAME}; if it does not bind, see ${LOGS} (is the port taken?)`,
    );
  }
  const bound = [...new Set(sockets.map((s) => s.address))];
  if (!bound.some((a) => a === host || a === '0.0.0.0' || a === '::' || a === `::ffff:${host}`)) {
    return c.warn(
      `TCP port ${port} is bound on ${bound.join(', ')}, not on ${host}: the dialplan connects to ${want}`,
      `stop whatever else holds port ${port} (ss -ltnp 'sport = :${port}'), or set callService.listen to a free port and run bbb-twilio apply`,
    );
  }
  return c.ok(`TCP ${want} is listening`);
});

export const callServiceHealthy = callServiceCheck('call-service-healthy', 'the call service says it is healthy (/healthz)', async (ctx, c, service) => {
  const url = `http://${urlHost(service.metrics.host)}:${service.metrics.port}/healthz`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(ctx.options.httpTimeoutMs ?? HEALTH_TIMEOUT_MS) });
  } catch (err) {
    const why = (err as Error).name === 'TimeoutError' ? 'no answer in time' : causeOf(err);
    if (!ctx.live && why === 'connection refused') {
      return c.skip(`nothing answers at ${url}: this --root tree has no running call service`, 'run doctor on the server itself (without --root)');
    }
    return c.fail(`${url}: ${why}`, `systemctl status ${CALL_SERVICE_NAME}; see ${LOGS}`);
  }
  const body = await response.text().catch(() => '');
  const reason = healthReason(body);
  if (response.status === 200 && reason.status === 'ok') return c.ok(`${url} answers 200 ok`);
  return c.fail(
    `${url} answers ${response.status}${reason.status ? ` ${reason.status}` : ''}${reason.detail ? `: ${reason.detail}` : ''}`,
    reason.bbbApiFailing
      ? 'the service cannot use BBB\'s API (see bbb-api-reachable); calls fall back to the static rule meanwhile'
      : `see ${LOGS}`,
  );
});

/** What a /healthz body says: `{"status":"ok"|"unhealthy", "bbbApi": {"ok": false, ...}, ...}`. */
function healthReason(body: string): { status: string; detail: string; bbbApiFailing: boolean } {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { status: '', detail: body.trim().slice(0, 120) || 'an empty body', bbbApiFailing: false };
  }
  const record = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const status = typeof record.status === 'string' ? record.status : '';
  const api = (typeof record.bbbApi === 'object' && record.bbbApi !== null ? record.bbbApi : {}) as Record<string, unknown>;
  const bbbApiFailing = api.ok === false;
  const said = [record.reason, record.error, api.error, api.reason].find((v): v is string => typeof v === 'string' && v !== '');
  const detail = said ?? (bbbApiFailing ? 'BBB API not ok' : '');
  return { status, detail, bbbApiFailing };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** fetch wraps the socket error: name the cause people know. */
function causeOf(err: unknown): string {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code) return code;
  return (err as Error).message;
}

export const callServiceKeypad = callServiceCheck('call-service-keypad', 'phone callers can mute and unmute from the keypad', async (ctx, c, service) => {
  const keypad = await assessServerKeypad(ctx.host, service.keys.toggleMute);
  if (!keypad) return c.skip("needs FreeSWITCH's configuration (conference.conf.xml) to be readable");
  const summary = `${keypad.keys.map((k) => k.text).join('; ')} (conference profile ${keypad.profile}, caller-controls ${keypad.group ?? 'none found'})`;
  if (!keypad.usable) {
    return c.warn(`no key mutes a phone caller: ${summary}`, `set callService.keys.toggleMute to keys the ${keypad.profile} profile does not bind, or give it caller-controls "none" in conference.conf.xml`);
  }
  return c.ok(summary);
});
