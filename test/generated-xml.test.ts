// Golden files for every generated file: review changes to them like code (UPDATE_GOLDEN=1 rewrites them).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { TWILIO_SIGNALING_CIDRS } from '../src/config/schema.js';
import { assertWellFormed } from '../src/edit/xml-document.js';
import { findParams } from '../src/edit/xml-params.js';
import { renderHookBlock } from '../src/resources/apply-config-hook.js';
import { renderDialplan, type DialplanInput } from '../src/resources/render-dialplan.js';
import { renderExternalGateway, renderSipProfile } from '../src/resources/render-sip-profile.js';
import { renderWelcomeFooter } from '../src/resources/bbb-web-properties.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) {
    await fs.writeFile(file, actual);
    return;
  }
  assert.equal(actual, await fs.readFile(file, 'utf8'), `${name} differs from its golden file (UPDATE_GOLDEN=1 to accept)`);
}

const dialplan: DialplanInput = {
  numbers: ['+16135550142', '+442079460018'],
  signalingCidrs: [...TWILIO_SIGNALING_CIDRS],
  pinLength: 5,
  tries: 3,
  maskCallerId: true,
  allowAnonymous: false,
  maxCallMinutes: 240,
  profile: 'dedicated',
  callService: null,
};
const termination = { domain: 'school.pstn.twilio.com', username: 'bbb-school', password: 'S3cret&"<>\'Pass' };

test('dedicated dialplan matches its golden file and is well-formed XML', async () => {
  const xml = renderDialplan(dialplan);
  assertWellFormed(xml, 'dialplan');
  await golden('dialplan-dedicated.xml', xml);
});

test('external-mode dialplan (9-digit PIN, 1 try, anonymous allowed, no masking) matches its golden file', async () => {
  const xml = renderDialplan({ ...dialplan, profile: 'external', pinLength: 9, tries: 1, allowAnonymous: true, maskCallerId: false });
  assertWellFormed(xml, 'dialplan');
  assert.doesNotMatch(xml, /<context/, 'external mode adds extensions to the public context, not a context of its own');
  assert.doesNotMatch(xml, /bbb-twilio-retry/, 'one try means no retry extension');
  await golden('dialplan-external.xml', xml);
});

test('with the call service, the dedicated dialplan hands the call to it after every check, the static flow right after', async () => {
  const xml = renderDialplan({ ...dialplan, callService: '127.0.0.1:8084' });
  assertWellFormed(xml, 'dialplan');
  const entry = /<extension name="bbb-twilio-dialin">[\s\S]*?<\/extension>/.exec(xml)?.[0] ?? '';
  const order = ['network_addr', 'destination_number', 'start_dtmf', 'caller_id_number', 'socket_resume=true', 'data="127.0.0.1:8084 async full"', 'bbb-twilio-pin XML'];
  const at = order.map((s) => entry.indexOf(s));
  assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > (at[k - 1] ?? 0))), `entry runs ${order.join(' -> ')} in that order`);
  // Everything else is the static flow, byte for byte.
  const withoutSocket = xml.replace(/\n\s*<action application="set" data="socket_resume=true"\/>\n\s*<action application="socket"[^>]*\/>/, '');
  assert.equal(withoutSocket, renderDialplan(dialplan));
  await golden('dialplan-dedicated-service.xml', xml);
});

test('with the call service, the external-mode dialplan (anonymous allowed) hands every call over, withheld ones too', async () => {
  const xml = renderDialplan({ ...dialplan, profile: 'external', pinLength: 9, tries: 1, allowAnonymous: true, maskCallerId: false, callService: '127.0.0.1:8084' });
  assertWellFormed(xml, 'dialplan');
  assert.equal((xml.match(/application="socket"/g) ?? []).length, 1);
  assert.match(xml, /application="start_dtmf"[\s\S]*application="socket" data="127\.0\.0\.1:8084 async full"\/>\s*<action application="transfer" data="bbb-twilio-pin XML public"\/>/);
  await golden('dialplan-external-service.xml', xml);
});

test('dedicated profile with termination matches its golden file; the password comes out escaped and reads back intact', async () => {
  const xml = renderSipProfile({ port: 5080, publicIp: '203.0.113.10', signalingCidrs: [...TWILIO_SIGNALING_CIDRS], termination });
  assertWellFormed(xml, 'profile');
  assert.equal(findParams(xml, 'profile', 'password')[0]?.value, termination.password);
  assert.equal(findParams(xml, 'profile', 'register')[0]?.value, 'false');
  await golden('sip-profile-termination.xml', xml);
});

test('dedicated profile without termination has no gateway at all', async () => {
  const xml = renderSipProfile({ port: 5080, publicIp: '203.0.113.10', signalingCidrs: ['54.172.60.0/30'], termination: undefined });
  assert.doesNotMatch(xml, /gateway/);
  assert.equal(findParams(xml, 'p', 'apply-inbound-acl')[0]?.value, '54.172.60.0/30');
  await golden('sip-profile.xml', xml);
});

test('external gateway matches its golden file', async () => {
  const xml = renderExternalGateway(termination);
  assertWellFormed(xml, 'gateway');
  await golden('gateway-external.xml', xml);
});

test('entity-like passwords are escaped exactly once: the profile and the external gateway read back each one exactly', () => {
  const passwords = ['Abc"&amp;defghijk1PWMARK', 'Pw&#65;bcdefgh1', 'Pw&#x41;&lt;&gt;&quot;1x', "Tab\there1&apos;Ab", 'Line\nbreak1Abc\r'];
  for (const password of passwords) {
    const t = { ...termination, password };
    for (const [what, xml] of [
      ['profile', renderSipProfile({ port: 5080, publicIp: '203.0.113.10', signalingCidrs: ['54.172.60.0/30'], termination: t })],
      ['gateway', renderExternalGateway(t)],
    ] as const) {
      assertWellFormed(xml, what);
      assert.equal(findParams(xml, what, 'password')[0]?.value, password, `${what} reads back ${JSON.stringify(password)}`);
    }
  }
});

test('the welcome footer lists every number as a tel: link with %%CONFNUM%%', () => {
  const footer = renderWelcomeFooter([
    { e164: '+16135550142', display: '+1 613 555 0142', label: undefined },
    { e164: '+442079460018', display: '+44 20 7946 0018', label: 'UK <London>' },
  ]);
  assert.equal(
    footer,
    'To join this meeting by phone, dial <a href="tel:+16135550142">+1 613 555 0142</a> or ' +
      '<a href="tel:+442079460018">+44 20 7946 0018</a> (UK &lt;London&gt;), then enter %%CONFNUM%% followed by # as the conference PIN.',
  );
});

test('the dialplan never runs a shell and never passes caller-controlled text unvalidated to ${regex()}', () => {
  for (const mask of [true, false]) {
    const xml = renderDialplan({ ...dialplan, maskCallerId: mask, allowAnonymous: !mask });
    assert.doesNotMatch(xml, /\$\{system|application="system"|bgsystem|\$\{shell/);
    if (mask) assert.match(xml, /field="caller_id_number" expression="\^\\\+\?\(\?!266696687\$\)\\d\{4,15\}\$" break="never">\s*<action application="set_profile_var" data="caller_id_name=\$\{regex\(\$\{caller_id_number\}/);
  }
});

test('the upgrade hook re-applies the external-mode edits to freshly upgraded files, and only to live lines', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bbb-twilio-hook-'));
  await fs.mkdir(path.join(dir, 'sip_profiles'));
  // What a FreeSWITCH package upgrade leaves behind: stock values again.
  await fs.writeFile(
    path.join(dir, 'vars.xml'),
    '<include>\n  <X-PRE-PROCESS cmd="set" data="external_rtp_ip=stun:stun.freeswitch.org"/>\n  <X-PRE-PROCESS cmd="set" data="external_sip_ip=stun:stun.freeswitch.org"/>\n</include>\n',
  );
  await fs.writeFile(
    path.join(dir, 'sip_profiles/external.xml'),
    '<profile name="external"><settings>\n    <!--\n    <param name="ext-rtp-ip" value="auto-nat"/>\n    -->\n' +
      '    <param name="ext-rtp-ip" value="$${local_ip_v4}"/>\n    <param name="ext-sip-ip" value="$${local_ip_v4}"/>\n</settings></profile>\n',
  );
  const script = path.join(dir, 'hook.sh');
  await fs.writeFile(script, `#!/bin/bash\nset -e\n${renderHookBlock(dir, '203.0.113.10')}\n`);
  for (let i = 0; i < 2; i++) execFileSync('bash', [script]); // twice: the hook is idempotent
  const vars = await fs.readFile(path.join(dir, 'vars.xml'), 'utf8');
  assert.match(vars, /data="external_rtp_ip=203\.0\.113\.10"\/>/);
  assert.match(vars, /data="external_sip_ip=203\.0\.113\.10"\/>/);
  const profile = await fs.readFile(path.join(dir, 'sip_profiles/external.xml'), 'utf8');
  assert.match(profile, /<param name="ext-rtp-ip" value="\$\$\{external_rtp_ip\}"\/>/);
  assert.match(profile, /<param name="ext-sip-ip" value="\$\$\{external_sip_ip\}"\/>/);
  assert.match(profile, /value="auto-nat"/, 'the commented-out example is left alone');
  await fs.rm(dir, { recursive: true, force: true });
});
