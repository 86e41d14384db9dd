// Small in-memory FreeSWITCH trees for engine tests: one freeswitch.xml holding a sofia profile "external"
// (context "test" unless told otherwise) and the dialplan contexts given.

import { simulateCall } from '../../../src/freeswitch/simulator/call-simulator.js';
import { loadFreeswitchConfig } from '../../../src/freeswitch/simulator/load-config.js';
import type { LoadedConfig } from '../../../src/freeswitch/simulator/load-config.js';
import { MemoryTree } from '../../../src/freeswitch/simulator/memory-tree.js';
import type { CallSpec, SimulationReport } from '../../../src/freeswitch/simulator/types.js';

export const CONF = '/opt/freeswitch/etc/freeswitch';

export interface TreeOptions {
  context?: string;
  /** Extra <configuration> elements (modules.conf, switch.conf, ...). */
  configuration?: string;
  /** Extra <param> lines for the external profile. */
  profileParams?: string;
  /** Lines before the sections (X-PRE-PROCESS set lines, for instance). */
  preamble?: string;
  /** More files, by path relative to the conf dir. */
  files?: Record<string, string>;
}

export function dialplanTree(contexts: string, opts: TreeOptions = {}): MemoryTree {
  const freeswitchXml = `<?xml version="1.0"?>
<document type="freeswitch/xml">
${opts.preamble ?? ''}
  <section name="configuration">
    <configuration name="sofia.conf">
      <profiles>
        <profile name="external">
          <settings>
            <param name="context" value="${opts.context ?? 'test'}"/>
            <param name="auth-calls" value="false"/>
${opts.profileParams ?? ''}
          </settings>
        </profile>
      </profiles>
    </configuration>
${opts.configuration ?? ''}
  </section>
  <section name="dialplan">
${contexts}
  </section>
</document>
`;
  const files: Record<string, string> = { [`${CONF}/freeswitch.xml`]: freeswitchXml };
  for (const [rel, text] of Object.entries(opts.files ?? {})) files[`${CONF}/${rel}`] = text;
  return new MemoryTree(files);
}

export async function loadTree(contexts: string, opts: TreeOptions = {}): Promise<LoadedConfig> {
  return loadFreeswitchConfig(dialplanTree(contexts, opts));
}

/** Simulate a call to `to` (default "1000") through the given contexts. */
export async function simulate(contexts: string, call: Partial<CallSpec> = {}, opts: TreeOptions = {}): Promise<SimulationReport> {
  const config = await loadTree(contexts, opts);
  return simulateCall(config, {
    to: '1000',
    from: '+16135550142',
    callerName: 'Alice',
    fromIp: '54.172.60.1',
    dtmf: '',
    active: [],
    profile: 'external',
    now: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    ...call,
  });
}

/** The applications that ran, as "app data" strings. */
export function ran(report: SimulationReport): string[] {
  return report.result.timeline.filter((e) => e.kind === 'app' || e.kind === 'inline').map((e) => `${e.app}${e.data ? ` ${e.data}` : ''}`);
}

/** Names of the extensions that matched, in order. */
export function matched(report: SimulationReport): string[] {
  return report.result.timeline.filter((e) => e.kind === 'match' && e.result === 'extension matched').map((e) => `${e.context}/${e.extension}`);
}
