import pc from 'picocolors';
import { createDoctorContext } from '../doctor/doctor-context.js';
import { renderDoctorJson, renderDoctorLine, renderSummary } from '../doctor/render-doctor.js';
import { CHECKS, runDoctor } from '../doctor/run-doctor.js';
import { BbbTwilioError } from '../errors.js';
import { configPath, loadConfig, openHost, useColor, type CliIo } from './io.js';

export interface DoctorCommandOptions {
  root?: string;
  config?: string;
  json?: boolean;
  offline?: boolean;
}

/** Check the whole dial-in chain; exit 1 when any check fails. A broken config is a finding, not an error. */
export async function runDoctorCommand(opts: DoctorCommandOptions, io: CliIo): Promise<number> {
  const host = openHost(io, opts.root);
  const configFile = configPath(host, opts.config);
  let config = null;
  let configError: unknown = null;
  try {
    config = await loadConfig(host, opts.config, io);
  } catch (err) {
    if (!(err instanceof BbbTwilioError)) throw err;
    configError = err;
  }
  const ctx = await createDoctorContext(host, { configFile, config, configError }, { offline: Boolean(opts.offline), env: io.env });
  try {
    if (opts.json) {
      const report = await runDoctor(ctx);
      io.stdout.write(renderDoctorJson(report));
      return report.fail > 0 ? 1 : 0;
    }
    const color = useColor(io);
    const c = pc.createColors(color);
    const where = host.root === '/' ? 'this server' : host.root;
    const facts = ctx.facts;
    const about = [
      facts?.bbbVersion ? `BigBlueButton ${facts.bbbVersion}` : 'BigBlueButton (version unknown)',
      config ? (config.sip.profile === 'dedicated' ? `dedicated profile on port ${config.sip.port}` : 'external profile') : null,
      opts.offline ? 'offline: Twilio not asked' : null,
    ].filter(Boolean);
    io.stdout.write(`${c.bold(`bbb-twilio doctor for ${where}`)}\n${c.dim(`  ${about.join(' · ')}`)}\n\n`);
    const idWidth = Math.max(...CHECKS.map((k) => k.id.length));
    const report = await runDoctor(ctx, (result) => io.stdout.write(renderDoctorLine(result, { color, idWidth })));
    io.stdout.write(renderSummary(report, color));
    return report.fail > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
