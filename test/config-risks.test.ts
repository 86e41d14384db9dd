// Issue 9, items 9 and 10: config values that are valid but that Twilio cannot use or that open SIP to far more
// than Twilio are risks in the plan, in text and in --json (a lab may mean them); nothing is refused for them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_CONFIG, copyFixture, runCli, writeConfig } from './support/tree.js';

interface PlanJson {
  warnings: { level: string; message: string; hint?: string }[];
}

async function planRisks(yaml: string): Promise<{ text: string; risks: string[] }> {
  const root = await copyFixture('bbb-3.0');
  await writeConfig(root, yaml);
  const plan = await runCli(['plan', '--root', root]);
  assert.equal(plan.code, 0, plan.stderr);
  const json = await runCli(['plan', '--json', '--root', root]);
  assert.equal(json.code, 0, json.stderr);
  const risks = (JSON.parse(json.stdout) as PlanJson).warnings.filter((w) => w.level === 'risk').map((w) => w.message);
  return { text: plan.stdout, risks };
}

const unreachable: [string, string][] = [
  ['10.0.0.5', 'a private address'],
  ['127.0.0.1', 'a loopback address'],
  ['100.64.1.2', 'a shared (carrier-grade NAT) address'],
];
for (const [ip, what] of unreachable) {
  test(`server.publicIp ${ip} (${what}) is a risk in plan and plan --json: Twilio cannot reach it`, async () => {
    const { text, risks } = await planRisks(BASE_CONFIG.replace('203.0.113.10', ip));
    const message = `server.publicIp ${ip} is ${what}: Twilio cannot send calls or audio to it`;
    assert.ok(text.includes(`risk: ${message}`), text);
    assert.deepEqual(risks, [message]);
  });
}

test('a public server.publicIp is no risk', async () => {
  assert.deepEqual((await planRisks(BASE_CONFIG)).risks, []);
});

for (const cidr of ['0.0.0.0/0', '54.0.0.0/15']) {
  test(`twilio.signalingCidrs with ${cidr} (wider than /16) is a risk in plan and plan --json, naming the key`, async () => {
    const { text, risks } = await planRisks(`${BASE_CONFIG}twilio:\n  signalingCidrs:\n    - 54.172.60.0/30\n    - ${cidr}\n`);
    assert.equal(risks.length, 1, risks.join('\n'));
    assert.ok(risks[0]?.startsWith(`twilio.signalingCidrs has ${cidr} (wider than /16)`), risks[0]);
    assert.match(risks[0] ?? '', cidr === '0.0.0.0/0' ? /anyone on the internet send calls to port 5080/ : /that whole range send calls to port 5080/);
    assert.ok(text.includes(`risk: ${risks[0] ?? ''}`), text);
  });
}

test('a /16 in twilio.signalingCidrs is the widest range taken without a word', async () => {
  assert.deepEqual((await planRisks(`${BASE_CONFIG}twilio:\n  signalingCidrs:\n    - 54.172.0.0/16\n`)).risks, []);
});
