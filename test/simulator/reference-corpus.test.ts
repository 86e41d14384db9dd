import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simulateCall } from '../../src/freeswitch/simulator/call-simulator.js';
import { findDialplanContext, findSofiaProfile, loadFreeswitchConfig } from '../../src/freeswitch/simulator/load-config.js';
import { LocalHost } from '../../src/host/local-host.js';

// Real upstream BBB files, kept out of the project (../shared/reference/bbb/<version>).
const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/reference/bbb');

for (const version of ['3.0', '2.7']) {
  const root = path.join(CORPUS, version);
  const missing = existsSync(root) ? false : `reference tree ${root} is not on this machine`;

  describe(`the simulator on BBB ${version}'s own FreeSWITCH files`, () => {
    it('loads them, following opt/freeswitch/conf (a plain file holding "etc/freeswitch" in the corpus)', { skip: missing }, async () => {
      const config = await loadFreeswitchConfig(new LocalHost(root));
      assert.equal(config.confDir, '/opt/freeswitch/etc/freeswitch');
      assert.ok(findDialplanContext(config, 'public'));
      assert.ok(findDialplanContext(config, 'default'));
      assert.equal(findSofiaProfile(config, 'external')?.context, 'public');
      assert.equal(config.globals.get('external_sip_port'), '5060');
      assert.ok(config.globalInfo.get('external_rtp_ip')?.unresolved, 'stun: value marked unresolved');
    });

    it('routes a browser\'s WebSocket call into the meeting\'s conference', { skip: missing }, async () => {
      const config = await loadFreeswitchConfig(new LocalHost(root));
      const report = simulateCall(config, {
        to: '12345',
        from: 'w_abc_1-bbbID-Alice',
        callerName: 'Alice',
        fromIp: '127.0.0.1',
        dtmf: '',
        active: [],
        profile: 'external',
        variables: { sip_via_protocol: 'wss', sip_user_agent: 'bbb-webrtc-sfu' },
      });
      assert.equal(report.result.outcome.kind, 'conference');
      assert.equal(report.result.outcome.target, '12345@cdquality');
      assert.equal(report.result.variables.bbb_authorized, 'true');
    });

    it('finds no route for a phone call to an unconfigured number, without refusing to run', { skip: missing }, async () => {
      const config = await loadFreeswitchConfig(new LocalHost(root));
      const report = simulateCall(config, {
        to: '+16135551234',
        from: '+16135550142',
        callerName: '+16135550142',
        fromIp: '54.172.60.1',
        dtmf: '12345#',
        active: ['12345'],
        profile: 'external',
      });
      assert.equal(report.result.outcome.kind, 'no-match');
      assert.equal(report.result.timeline.some((e) => e.app === 'answer'), false);
    });
  });
}
