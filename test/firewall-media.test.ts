// Twilio's media (168.86.128.0/18) must reach FreeSWITCH's RTP ports (switch.conf.xml's rtp-start-port..rtp-end-port,
// FreeSWITCH's 16384-32768 when unset): apply adds one tagged ufw rule unless a rule already admits it, uninstall
// removes it, and doctor's firewall-twilio-media checks it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { test } from 'node:test';
import { CONF, BASE_CONFIG, copyFixture, readTreeFile, runCli, writeConfig, assertOnlyServiceActionsPending } from './support/tree.js';

const RULES = '/etc/ufw/user.rules';
const TAG = 'comment=6262622d7477696c696f';

/** A bbb-3.0 tree without BBB's own "udp 16384:32768 from anywhere" rule, optionally with a switch.conf.xml. */
async function treeWithoutRtpRule(rtp?: { start: number; end: number }): Promise<string> {
  const root = await copyFixture('bbb-3.0');
  const file = path.join(root, RULES);
  const kept = (await fs.readFile(file, 'utf8')).split('\n').filter((l) => !l.includes('16384:32768'));
  await fs.writeFile(file, kept.join('\n'));
  if (rtp) {
    await fs.writeFile(
      path.join(root, CONF, 'autoload_configs/switch.conf.xml'),
      '<configuration name="switch.conf" description="Core Configuration">\n  <settings>\n' +
        '    <!-- <param name="rtp-start-port" value="10000"/> -->\n' +
        `    <param name="rtp-start-port" value="${rtp.start}"/>\n    <param name="rtp-end-port" value="${rtp.end}"/>\n` +
        '  </settings>\n</configuration>\n',
    );
  }
  await writeConfig(root, BASE_CONFIG);
  return root;
}

const mediaTuples = async (root: string): Promise<string[]> =>
  (await readTreeFile(root, RULES)).split('\n').filter((l) => l.includes('168.86.128.0/18'));

const doctorMedia = async (root: string): Promise<{ status: string; finding: string; fix: string }> => {
  const run = await runCli(['doctor', '--root', root, '--json', '--offline']);
  const found = (JSON.parse(run.stdout) as { checks: { id: string; status: string; finding: string; fix: string }[] }).checks.find(
    (c) => c.id === 'firewall-twilio-media',
  );
  assert.ok(found, run.stdout);
  return found;
};

test("apply admits Twilio's media to switch.conf.xml's RTP range with one tagged rule; plan is then empty; uninstall removes it", async () => {
  const root = await treeWithoutRtpRule({ start: 16384, end: 24576 });
  const before = await doctorMedia(root);
  assert.equal(before.status, 'fail');
  assert.match(before.finding, /^ufw does not admit Twilio's media from 168\.86\.128\.0\/18 to udp 16384-24576 \(FreeSWITCH's RTP ports, .*switch\.conf\.xml\)/);
  assert.match(before.fix, /ufw allow proto udp from 168\.86\.128\.0\/18 to any port 16384:24576/);

  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /\+ firewall allow udp 16384:24576 from 168\.86\.128\.0\/18 \(Twilio media to FreeSWITCH's RTP ports\)/);
  const apply = await runCli(['apply', '--root', root, '--yes']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /ufw allow proto udp from 168\.86\.128\.0\/18 to any port 16384:24576 comment bbb-twilio/);
  assert.deepEqual(await mediaTuples(root), [`### tuple ### allow udp 16384:24576 0.0.0.0/0 any 168.86.128.0/18 in ${TAG}`]);
  // No file or rule left to change; only the service actions of an apply without FreeSWITCH stay pending.
  assertOnlyServiceActionsPending(await runCli(['plan', '--root', root, '--detailed-exitcode']));
  assert.equal((await doctorMedia(root)).status, 'ok');

  const uninstall = await runCli(['uninstall', '--root', root, '--yes']);
  assert.equal(uninstall.code, 0, uninstall.stderr);
  assert.deepEqual(await mediaTuples(root), []);
});

test("without switch.conf.xml's range FreeSWITCH's default 16384-32768 is opened; a changed range replaces the rule", async () => {
  const root = await treeWithoutRtpRule();
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  assert.deepEqual(await mediaTuples(root), [`### tuple ### allow udp 16384:32768 0.0.0.0/0 any 168.86.128.0/18 in ${TAG}`]);

  await fs.writeFile(
    path.join(root, CONF, 'autoload_configs/switch.conf.xml'),
    '<configuration name="switch.conf">\n  <settings>\n    <param name="rtp-start-port" value="20000"/>\n    <param name="rtp-end-port" value="30000"/>\n  </settings>\n</configuration>\n',
  );
  const plan = JSON.parse((await runCli(['plan', '--root', root, '--json'])).stdout) as { changes: { type: string; kind: string; title: string }[] };
  assert.deepEqual(
    plan.changes.filter((c) => c.type === 'firewall').map((c) => `${c.kind} ${c.title}`),
    [
      "create allow udp 20000:30000 from 168.86.128.0/18 (Twilio media to FreeSWITCH's RTP ports)",
      'delete remove allow udp 16384:32768 from 168.86.128.0/18',
    ],
  );
});

test("a rule of the admin's that already admits the media (BBB's own RTP rule) is enough: no rule is added, doctor is OK", async () => {
  const root = await copyFixture('bbb-3.0'); // its ufw has BBB's "allow udp 16384:32768 from anywhere"
  await writeConfig(root, BASE_CONFIG);
  const plan = await runCli(['plan', '--root', root]);
  assert.doesNotMatch(plan.stdout, /168\.86\.128\.0\/18/);
  assert.equal((await runCli(['apply', '--root', root, '--yes'])).code, 0);
  assert.deepEqual(await mediaTuples(root), []);
  const media = await doctorMedia(root);
  assert.equal(media.status, 'ok');
  assert.match(media.finding, /^ufw admits udp from Twilio's media range 168\.86\.128\.0\/18 to udp 16384-32768/);
});

test('a rule that admits only part of the RTP range does not count: doctor FAILS and apply adds the rule', async () => {
  const root = await treeWithoutRtpRule();
  const file = path.join(root, RULES);
  const text = await fs.readFile(file, 'utf8');
  await fs.writeFile(file, text.replace('### END RULES ###', '### tuple ### allow udp 16384:20000 0.0.0.0/0 any 168.86.0.0/16 in\n### END RULES ###'));
  assert.equal((await doctorMedia(root)).status, 'fail');
  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /\+ firewall allow udp 16384:32768 from 168\.86\.128\.0\/18/);
});

test('firewall.backend: none: the plan says to open the media range too, and doctor WARNS', async () => {
  const root = await treeWithoutRtpRule();
  await writeConfig(root, BASE_CONFIG + 'firewall:\n  backend: none\n');
  const plan = await runCli(['plan', '--root', root]);
  assert.match(plan.stdout, /and udp 16384:32768 \(FreeSWITCH's RTP ports\) from 168\.86\.128\.0\/18 \(Twilio's media\)/);
  assert.doesNotMatch(plan.stdout, /\+ firewall/);
  const media = await doctorMedia(root);
  assert.equal(media.status, 'warn');
  assert.match(media.fix, /^allow udp 16384:32768 from 168\.86\.128\.0\/18 in your own firewall/);
});
