// Issue 2, item 6: every kind of bad input ends in one `error:` line naming the file, line or key, a `hint:`
// line saying how to fix it, exit code 1, and a tree that is byte-for-byte as it was (any apply that got
// as far as writing undid itself).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findParams } from '../src/edit/xml-params.js';
import { HostError } from '../src/errors.js';
import { DelegatingHost } from '../src/host/delegating-host.js';
import type { Host, WriteOptions } from '../src/host/host.js';
import { LocalHost } from '../src/host/local-host.js';
import { TreeUfwHost } from '../src/host/tree-ufw-host.js';
import {
  BASE_CONFIG,
  CONF,
  assertOnlyServiceActionsPending,
  copyFixture,
  diffSnapshots,
  runCli,
  snapshotTree,
  writeConfig,
  type CliRun,
  type FixtureName,
} from './support/tree.js';

const EXTERNAL = BASE_CONFIG + 'sip:\n  profile: external\n';
const STATE_DIR = 'var/lib/bbb-twilio';

type Fragment = string | RegExp;

interface Expected {
  /** What the error line must contain: the file (and line) or key, and what is wrong. */
  error: Fragment[];
  /** What the hint line must contain: how to fix it. */
  hint: Fragment[];
}

interface Case {
  root: string;
  /** Extra CLI arguments (e.g. --config). */
  args?: string[];
  makeHost?: (root: string) => Host;
}

function assertIncludes(text: string, fragment: Fragment, what: string): void {
  if (typeof fragment === 'string') assert.ok(text.includes(fragment), `${what} "${text}" should include "${fragment}"`);
  else assert.match(text, fragment, `${what} "${text}"`);
}

/** stderr is exactly one `error:` line and one `hint:` line, with what the case expects in each. */
function assertOneLineError(run: CliRun, expected: Expected): void {
  assert.equal(run.code, 1, `exit code 1 (stderr: ${run.stderr})`);
  const lines = run.stderr.split('\n');
  assert.equal(lines.pop(), '', 'stderr ends with a newline');
  assert.equal(lines.length, 2, `one error line and one hint line, got:\n${run.stderr}`);
  const [error = '', hint = ''] = lines;
  assert.match(error, /^error: \S/);
  assert.match(hint, /^hint: \S/);
  for (const f of expected.error) assertIncludes(error, f, 'error line');
  for (const f of expected.hint) assertIncludes(hint, f, 'hint line');
  assert.ok(!/\bat .+:\d+:\d+\)?$/m.test(run.stderr), 'no stack trace without --debug');
}

async function listStateDir(root: string): Promise<string[] | null> {
  try {
    return (await fs.readdir(path.join(root, STATE_DIR), { recursive: true })).map(String).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * After a refused or undone apply: no lock left behind, no state written, and every journal says its apply
 * was undone (none in progress or complete). Backups may remain, readable by root only.
 */
async function assertNoAppliedState(root: string): Promise<void> {
  const entries = (await listStateDir(root)) ?? [];
  assert.ok(!entries.includes('lock'), 'the lock is released');
  assert.ok(!entries.includes('state.json'), 'no state was recorded');
  for (const entry of entries.filter((e) => e.startsWith('journal/') && e.endsWith('.json'))) {
    const record = JSON.parse(await fs.readFile(path.join(root, STATE_DIR, entry), 'utf8')) as { status: string };
    assert.equal(record.status, 'undone', `${entry} records an undone apply`);
  }
  for (const entry of entries.filter((e) => e.startsWith('backups/'))) {
    const st = await fs.stat(path.join(root, STATE_DIR, entry));
    if (st.isFile()) assert.equal(st.mode & 0o777, 0o600, `${entry} is readable by root only`);
  }
}

async function readConfigBytes(root: string): Promise<Buffer | null> {
  return fs.readFile(path.join(root, 'etc/bbb-twilio/config.yml')).catch(() => null);
}

/** Run `plan` on the case: refused as expected, nothing written anywhere (not even bbb-twilio's state dir). */
async function expectPlanRefused(c: Case, expected: Expected): Promise<void> {
  const before = await snapshotTree(c.root);
  const stateBefore = await listStateDir(c.root);
  const configBefore = await readConfigBytes(c.root);
  const run = await runCli(['plan', '--root', c.root, ...(c.args ?? [])], c.makeHost ? { makeHost: c.makeHost } : {});
  assertOneLineError(run, expected);
  assert.equal(run.stdout, '', 'a refused plan prints no plan');
  assert.deepEqual(diffSnapshots(before, await snapshotTree(c.root)), [], 'plan changed no file');
  assert.deepEqual(await listStateDir(c.root), stateBefore, 'plan wrote nothing under /var/lib/bbb-twilio');
  assert.deepEqual(await readConfigBytes(c.root), configBefore, 'the config file is untouched');
}

/** Run `apply --yes` on the case: refused as expected and the tree byte-for-byte as it was. */
async function expectApplyRefused(c: Case, expected: Expected): Promise<CliRun> {
  const before = await snapshotTree(c.root);
  const configBefore = await readConfigBytes(c.root);
  const run = await runCli(['apply', '--yes', '--root', c.root, ...(c.args ?? [])], c.makeHost ? { makeHost: c.makeHost } : {});
  assertOneLineError(run, expected);
  assert.deepEqual(diffSnapshots(before, await snapshotTree(c.root)), [], 'the tree is byte-for-byte as it was');
  assert.deepEqual(await readConfigBytes(c.root), configBefore, 'the config file is untouched');
  assert.doesNotMatch(run.stdout, /Apply complete/);
  await assertNoAppliedState(c.root);
  return run;
}

async function expectBothRefused(c: Case, expected: Expected): Promise<void> {
  await expectPlanRefused(c, expected);
  await expectApplyRefused(c, expected);
}

async function treeWithConfig(yaml: string, fixture: FixtureName = 'bbb-3.0'): Promise<{ root: string; configFile: string }> {
  const root = await copyFixture(fixture);
  const configFile = await writeConfig(root, yaml);
  return { root, configFile };
}

async function editTreeFile(root: string, serverPath: string, edit: (text: string) => string): Promise<void> {
  const file = path.join(root, serverPath);
  const before = await fs.readFile(file, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, `the edit of ${serverPath} changed it`);
  await fs.writeFile(file, after);
}

const FIXTURES: FixtureName[] = ['bbb-3.0', 'bbb-2.7'];

describe('bad config values: plan and apply refuse, naming file, line and key', () => {
  const cases: { name: string; yaml: string; error: (file: string) => Fragment[]; hint: Fragment[] }[] = [
    {
      name: 'an invalid phone number',
      yaml: BASE_CONFIG.replace('"+1 613-555-0142"', '"+1 555"'),
      error: (file) => [`${file}:4: `, 'numbers.0', '"+1 555"', 'not a valid phone number'],
      hint: ['country code'],
    },
    {
      name: 'the same number twice',
      yaml: BASE_CONFIG + '  - "+16135550142"\n',
      error: (file) => [`${file}:7: `, 'numbers.2', 'listed twice'],
      hint: ['once'],
    },
    {
      name: 'an invalid IP address',
      yaml: BASE_CONFIG.replace('203.0.113.10', '203.0.113.999'),
      error: (file) => [`${file}:2: `, 'server.publicIp', '"203.0.113.999"', 'not an IPv4 address'],
      hint: ['examples/config.yml'],
    },
    ...(
      [
        ['0.0.0.0', 'an unspecified ("this network") address'],
        ['224.0.0.1', 'a multicast address'],
        ['255.255.255.255', 'the broadcast address'],
      ] as const
    ).map(([ip, what]) => ({
      name: `a publicIp no server takes calls at: ${ip}`,
      yaml: BASE_CONFIG.replace('203.0.113.10', ip),
      error: (file: string) => [`${file}:2: `, 'server.publicIp', `"${ip}"`, what],
      hint: ['examples/config.yml'],
    })),
    {
      name: 'a CIDR without /bits',
      yaml: BASE_CONFIG + 'twilio:\n  signalingCidrs:\n    - 54.172.60.0\n',
      error: (file) => [`${file}:9: `, 'twilio.signalingCidrs.0', '"54.172.60.0"', 'not an IPv4 CIDR', '/bits'],
      hint: ['examples/config.yml'],
    },
    {
      name: 'a CIDR with /33',
      yaml: BASE_CONFIG + 'twilio:\n  signalingCidrs:\n    - 54.172.60.0/33\n',
      error: (file) => [`${file}:9: `, 'twilio.signalingCidrs.0', '"54.172.60.0/33"', 'not an IPv4 CIDR'],
      hint: ['examples/config.yml'],
    },
    {
      name: 'a PIN length of 4, which BBB cannot join',
      yaml: BASE_CONFIG + 'dialin:\n  pinLength: 4\n',
      error: (file) => [`${file}:8: `, 'dialin.pinLength', '5 to 11', 'got 4'],
      hint: ['examples/config.yml'],
    },
    {
      name: 'a PIN length of 12',
      yaml: BASE_CONFIG + 'dialin:\n  pinLength: 12\n',
      error: (file) => [`${file}:8: `, 'dialin.pinLength', '5 to 11', 'got 12'],
      hint: ['examples/config.yml'],
    },
    {
      name: 'a country code that is no country, blamed on server.country rather than on the numbers',
      yaml: BASE_CONFIG.replace('  publicIp: 203.0.113.10\n', '  publicIp: 203.0.113.10\n  country: XX\n'),
      error: (file) => [`${file}:3: `, 'server.country', '"XX"', 'not a country code'],
      hint: ['examples/config.yml'],
    },
    {
      name: 'a number with an extension',
      yaml: BASE_CONFIG.replace('"+1 613-555-0142"', '"+1 613 555 0142 ext. 99"'),
      error: (file) => [`${file}:4: `, 'numbers.0', '"+1 613 555 0142 ext. 99"', 'extension'],
      hint: ['remove the extension'],
    },
    {
      name: 'a number with markup after it',
      yaml: BASE_CONFIG.replace('"+1 613-555-0142"', '"+16135550142</condition><x>"'),
      error: (file) => [`${file}:4: `, 'numbers.0', '"+16135550142</condition><x>"', 'not part of a phone number'],
      hint: ['the number alone'],
    },
    {
      name: "a termination password that breaks Twilio's rules, even without a Twilio account to refuse it",
      yaml: BASE_CONFIG + 'twilio:\n  termination:\n    domain: bbb.pstn.twilio.com\n    username: bbb\n    password: "weakpass"\n',
      error: (file) => [`${file}:11: `, 'twilio.termination.password', "Twilio's rules"],
      hint: ['another password'],
    },
    {
      name: 'a termination password holding "$${", which FreeSWITCH\'s pre-processor would rewrite',
      yaml: BASE_CONFIG + 'twilio:\n  termination:\n    domain: bbb.pstn.twilio.com\n    username: bbb\n    password: "Abcdef1234$${x}"\n',
      error: (file) => [`${file}:11: `, 'twilio.termination.password', '"$${"', 'pre-processor'],
      hint: ['another password'],
    },
    {
      name: 'an unknown top-level key',
      yaml: BASE_CONFIG + 'dial-in:\n  tries: 3\n',
      error: (file) => [`${file}:7: `, 'unknown key "dial-in"'],
      hint: ['remove it', 'spelling'],
    },
    {
      name: 'an unknown nested key',
      yaml: BASE_CONFIG + 'sip:\n  prot: 5080\n',
      error: (file) => [`${file}:8: `, 'unknown key "sip.prot"'],
      hint: ['remove it', 'spelling'],
    },
    {
      name: 'a YAML syntax error',
      yaml: BASE_CONFIG.replace('numbers:', ' numbers:'),
      error: (file) => [`${file}:3: `, 'not valid YAML'],
      hint: ['YAML syntax'],
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const { root, configFile } = await treeWithConfig(c.yaml);
      await expectBothRefused({ root }, { error: c.error(configFile), hint: c.hint });
    });
  }
});

describe('values that clash with the server: plan and apply refuse, naming the key and what it clashes with', () => {
  const SWITCH_CONF = `${CONF}/autoload_configs/switch.conf.xml`;
  /** A switch.conf.xml the way BBB ships it: the RTP range among other core settings. */
  const switchConf = (start: string, end: string): string =>
    '<configuration name="switch.conf" description="Core Configuration">\n  <settings>\n' +
    '    <param name="max-sessions" value="1000"/>\n' +
    `    <!-- RTP ports for calls' audio -->\n    <param name="rtp-start-port" value="${start}"/>\n` +
    `    <param name="rtp-end-port" value="${end}"/>\n  </settings>\n</configuration>\n`;
  const atPort = (port: number): string => BASE_CONFIG + `sip:\n  port: ${port}\n`;

  it("sip.port inside the RTP range that switch.conf.xml sets", async () => {
    const { root, configFile } = await treeWithConfig(atPort(20000));
    await fs.mkdir(path.join(root, CONF, 'autoload_configs'), { recursive: true });
    await fs.writeFile(path.join(root, SWITCH_CONF), switchConf('16384', '24576'));
    await expectBothRefused(
      { root },
      { error: [configFile, 'sip.port 20000', "FreeSWITCH's RTP port range 16384-24576", SWITCH_CONF], hint: ['outside 16384-24576'] },
    );
  });

  it("sip.port inside FreeSWITCH's default RTP range when switch.conf.xml sets none", async () => {
    const { root, configFile } = await treeWithConfig(atPort(30000));
    await expectBothRefused({ root }, { error: [configFile, 'sip.port 30000', 'RTP port range 16384-32768', "FreeSWITCH's default"], hint: ['5080'] });
  });

  it('sip.port inside an RTP range set through a vars.xml variable', async () => {
    const { root } = await treeWithConfig(atPort(12000));
    await fs.mkdir(path.join(root, CONF, 'autoload_configs'), { recursive: true });
    await fs.writeFile(path.join(root, SWITCH_CONF), switchConf('$${rtp_low}', '14000'));
    await editTreeFile(root, `${CONF}/vars.xml`, (t) => t.replace('</include>', '  <X-PRE-PROCESS cmd="set" data="rtp_low=10000"/>\n</include>'));
    await expectBothRefused({ root }, { error: ['sip.port 12000', 'RTP port range 10000-14000'], hint: ['outside 10000-14000'] });
  });

  it('sip.port above the RTP range BBB sets is taken', async () => {
    const { root } = await treeWithConfig(atPort(30000));
    await fs.mkdir(path.join(root, CONF, 'autoload_configs'), { recursive: true });
    await fs.writeFile(path.join(root, SWITCH_CONF), switchConf('16384', '24576'));
    const plan = await runCli(['plan', '--root', root]);
    assert.equal(plan.code, 0, plan.stderr);
  });

  it("a server whose PIN length (defaultNumDigitsForTelVoice) BBB's bbb_conferences cannot join", async () => {
    const { root, configFile } = await treeWithConfig(BASE_CONFIG);
    await editTreeFile(root, '/etc/bigbluebutton/bbb-web.properties', (t) => `${t}defaultNumDigitsForTelVoice=4\n`);
    await expectBothRefused({ root }, { error: [configFile, 'dialin.pinLength', '4-digit PINs', 'bbb-web.properties', '5- to 11-digit'], hint: ['defaultNumDigitsForTelVoice', 'dialin.pinLength (5 to 11)'] });
  });
});

describe('a config file that cannot be read', () => {
  it('is missing', async () => {
    const root = await copyFixture('bbb-3.0');
    const file = path.join(root, 'etc/bbb-twilio/config.yml');
    await expectBothRefused({ root }, { error: [`config file not found: ${file}`], hint: ['examples/config.yml', '--config'] });
  });

  it('is missing at the path given with --config', async () => {
    const { root } = await treeWithConfig(BASE_CONFIG);
    const file = path.join(root, 'etc/bbb-twilio/other.yml');
    await expectBothRefused({ root, args: ['--config', file] }, { error: [`config file not found: ${file}`], hint: ['--config'] });
  });

  it('is a directory', async () => {
    const root = await copyFixture('bbb-3.0');
    const file = path.join(root, 'etc/bbb-twilio/config.yml');
    await fs.mkdir(file, { recursive: true });
    await expectBothRefused({ root }, { error: [`cannot read config file ${file}`, 'directory'], hint: ['--config'] });
  });

  it('has a parent that is a file, not a directory', async () => {
    const { root, configFile } = await treeWithConfig(BASE_CONFIG);
    const file = path.join(configFile, 'config.yml');
    await expectBothRefused({ root, args: ['--config', file] }, { error: [`cannot read config file ${file}`, 'not a directory'], hint: ['path'] });
  });

  it('holds a secret and is readable by others', async () => {
    const { root, configFile } = await treeWithConfig(
      BASE_CONFIG + 'twilio:\n  termination:\n    domain: bbb.pstn.twilio.com\n    username: bbb\n    password: NotForOthers-42\n',
    );
    await fs.chmod(configFile, 0o644);
    await expectBothRefused({ root }, { error: [configFile, 'readable by others', '644'], hint: [`chmod 600 ${configFile}`] });
  });
});

// Issue 9, items 3 and 14: root acts on what the config says, so others must not be able to change it; and a
// config that is not a sane YAML file ends in one line with a real hint, never a hang or "this is a bug".
describe('a config file others could change, or that is no sane YAML file', () => {
  for (const mode of [0o666, 0o620]) {
    it(`is writable by group or others (mode ${mode.toString(8)}), even without a secret`, async () => {
      const { root, configFile } = await treeWithConfig(BASE_CONFIG);
      await fs.chmod(configFile, mode);
      await expectBothRefused({ root }, { error: [configFile, 'group or world writable', mode.toString(8)], hint: [`chmod go-w ${configFile}`] });
    });
  }

  it('is owned by another user who is not root', async (t) => {
    const { root, configFile } = await treeWithConfig(BASE_CONFIG);
    if (process.getuid?.() !== 0) return t.skip('needs root to give the file to another user');
    await fs.chown(configFile, 4321, 4321);
    await expectBothRefused({ root }, { error: [configFile, 'owned by another user', 'uid 4321'], hint: [`chown root: ${configFile}`] });
  });

  it('is a YAML alias bomb', async () => {
    const levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (const name of 'bcdefghi') {
      const prev = String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const { root, configFile } = await treeWithConfig(levels.join('\n') + '\n' + BASE_CONFIG);
    await expectBothRefused({ root }, { error: [configFile, 'aliases', 'alias bomb'], hint: ['no anchors or aliases'] });
  });

  it('is /dev/zero', async () => {
    const { root } = await treeWithConfig(BASE_CONFIG);
    await expectBothRefused({ root, args: ['--config', '/dev/zero'] }, { error: ['/dev/zero', 'not a regular file'], hint: ['regular file only'] });
  });

  it('is a FIFO', { timeout: 60_000 }, async () => {
    const { root, configFile } = await treeWithConfig(BASE_CONFIG);
    // Beside the default config, which the helpers read to prove it unchanged (reading a FIFO would block them).
    const fifo = path.join(path.dirname(configFile), 'fifo.yml');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    await expectBothRefused({ root, args: ['--config', fifo] }, { error: [fifo, 'not a regular file', 'FIFO'], hint: ['regular file only'] });
  });

  it('is larger than any config (256 KiB)', async () => {
    const { root, configFile } = await treeWithConfig(BASE_CONFIG + '#'.repeat(300 * 1024) + '\n');
    await expectBothRefused({ root }, { error: [configFile, '256 KiB'], hint: ['--config', 'at most 256 KiB'] });
  });

  it('is immutable when apply stores a generated password: EPERM explained, nothing changed', async (t) => {
    const { root, configFile } = await treeWithConfig(BASE_CONFIG + 'twilio:\n  termination:\n    domain: bbb.pstn.twilio.com\n    username: bbb\n');
    try {
      execFileSync('chattr', ['+i', configFile], { stdio: 'ignore' });
    } catch {
      return t.skip('chattr +i is not available here (needs root and a file system with attributes)');
    }
    try {
      await expectApplyRefused({ root }, { error: [configFile, 'EPERM', 'immutable'], hint: [`chattr -i ${configFile}`, 'BBB_TWILIO_TERMINATION_PASSWORD'] });
    } finally {
      execFileSync('chattr', ['-i', configFile]);
    }
  });
});

describe('a directory where a file of bbb-twilio belongs', () => {
  it('the dedicated profile path is a directory: EISDIR explained, nothing changed', async () => {
    const { root } = await treeWithConfig(BASE_CONFIG);
    const file = `${CONF}/sip_profiles/bbb-twilio.xml`;
    await fs.mkdir(path.join(root, file));
    await expectBothRefused({ root }, { error: [file, 'is a directory', 'EISDIR'], hint: ['move the directory away'] });
  });
});

describe('FreeSWITCH files bbb-twilio edits, in a state it must not guess about', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture}: external.xml with an XML syntax error (external mode) names the file and line`, async () => {
      const { root } = await treeWithConfig(EXTERNAL, fixture);
      const file = `${CONF}/sip_profiles/external.xml`;
      await editTreeFile(root, file, (t) => t.replace('</settings>', '</setting>'));
      const line = (await fs.readFile(path.join(root, file), 'utf8')).split('\n').findIndex((l) => l.includes('</setting>')) + 1;
      await expectBothRefused(
        { root },
        { error: [`${file}:${line}: `, 'XML syntax error', '</setting>'], hint: ['fix the file by hand', 'backup'] },
      );
    });

    it(`${fixture}: duplicate ext-rtp-ip params in external.xml name both lines`, async () => {
      const { root } = await treeWithConfig(EXTERNAL, fixture);
      const file = `${CONF}/sip_profiles/external.xml`;
      await editTreeFile(root, file, (t) => t.replace('  <settings>\n', '  <settings>\n    <param name="ext-rtp-ip" value="198.51.100.7"/>\n'));
      const lines = (await fs.readFile(path.join(root, file), 'utf8')).split('\n');
      const live = lines.flatMap((l, i) => (/^\s*<param name="ext-rtp-ip"/.test(l) && !isInComment(lines, i) ? [i + 1] : []));
      assert.equal(live.length, 2, 'the tree now has two live ext-rtp-ip params');
      await expectBothRefused(
        { root },
        { error: [file, 'duplicate <param name="ext-rtp-ip">', `lines ${live[0]} and ${live[1]}`], hint: ['remove one', `line ${live[1]}`] },
      );
    });

    it(`${fixture}: two live definitions of external_rtp_ip in vars.xml name both lines`, async () => {
      const { root } = await treeWithConfig(EXTERNAL, fixture);
      const file = `${CONF}/vars.xml`;
      await editTreeFile(root, file, (t) =>
        t.replace('</include>', '  <X-PRE-PROCESS cmd="set" data="external_rtp_ip=198.51.100.7"/>\n</include>'),
      );
      const lines = await definitionLines(root, file, 'external_rtp_ip');
      await expectBothRefused(
        { root },
        { error: [file, 'external_rtp_ip', 'defined 2 times', `lines ${lines.join(', ')}`], hint: ['remove the extra X-PRE-PROCESS line'] },
      );
    });

    it(`${fixture}: a second external_rtp_ip inside an XML comment still counts as live`, async () => {
      const { root } = await treeWithConfig(EXTERNAL, fixture);
      const file = `${CONF}/vars.xml`;
      await editTreeFile(root, file, (t) =>
        t.replace('</include>', '  <!-- <X-PRE-PROCESS cmd="set" data="external_rtp_ip=198.51.100.7"/> -->\n</include>'),
      );
      const lines = await definitionLines(root, file, 'external_rtp_ip');
      await expectBothRefused(
        { root },
        { error: [file, 'external_rtp_ip', 'defined 2 times', `lines ${lines.join(', ')}`], hint: ['commenting it out does not disable it'] },
      );
    });
  }

  it('vars.xml with an XML syntax error: plan and apply refuse before editing it, naming the line', async () => {
    const { root } = await treeWithConfig(EXTERNAL);
    const file = `${CONF}/vars.xml`;
    await editTreeFile(root, file, (t) => t.replace('</include>', '</includes>'));
    await expectBothRefused({ root }, { error: [`${file}:`, 'XML syntax error', '</includes>'], hint: ['fix the file by hand'] });
  });

  it('a managed dialplan broken by hand since the last apply is not overwritten without --force', async () => {
    const { root } = await treeWithConfig(BASE_CONFIG);
    const first = await runCli(['apply', '--yes', '--root', root]);
    assert.equal(first.code, 0, first.stderr);
    const file = `${CONF}/dialplan/bbb-twilio.xml`;
    await editTreeFile(root, file, (t) => t.replace('</context>', '</contxt>'));
    // A different config, so apply has something to write.
    await writeConfig(root, BASE_CONFIG + 'dialin:\n  tries: 4\n');
    const before = await snapshotTree(root);
    const stateBefore = await fs.readFile(path.join(root, STATE_DIR, 'state.json'));
    const run = await runCli(['apply', '--yes', '--root', root]);
    assertOneLineError(run, { error: [file, 'edited by hand', 'nothing was changed'], hint: ['--force'] });
    assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
    assert.deepEqual(await fs.readFile(path.join(root, STATE_DIR, 'state.json')), stateBefore, 'state unchanged');
  });
});

/** Fault injection: the file system refuses writes to one path, as a read-only mount would (EROFS). */
class ReadOnlyPathHost extends DelegatingHost {
  constructor(
    inner: Host,
    private readonly readOnly: string,
  ) {
    super(inner);
  }
  override async writeFileAtomic(serverPath: string, data: Buffer, opts: WriteOptions): Promise<void> {
    if (serverPath === this.readOnly) {
      throw new HostError(`cannot write ${serverPath}: read-only file system`, {
        path: serverPath,
        hint: 'remount the file system read-write (mount -o remount,rw), then run apply again',
      });
    }
    return super.writeFileAtomic(serverPath, data, opts);
  }
}

function readOnlyAt(serverPath: string): (root: string) => Host {
  return (root) => new ReadOnlyPathHost(new TreeUfwHost(new LocalHost(root)), serverPath);
}

describe('a read-only target: apply fails, undoes what it had written, and says so', () => {
  it('dedicated mode: the dialplan cannot be written after the SIP profile was', async () => {
    const { root } = await treeWithConfig(BASE_CONFIG);
    const file = `${CONF}/dialplan/bbb-twilio.xml`;
    const run = await expectApplyRefused(
      { root, makeHost: readOnlyAt(file) },
      { error: [`cannot write ${file}`, 'read-only file system', 'undone', 'as it was'], hint: ['remount'] },
    );
    assert.match(run.stdout, /writing \/opt\/freeswitch\/etc\/freeswitch\/sip_profiles\/bbb-twilio\.xml/, 'an earlier write happened');
    assert.match(run.stdout, /undoing this run/);
  });

  it('external mode: vars.xml and external.xml are restored when the public dialplan cannot be written', async () => {
    const { root } = await treeWithConfig(EXTERNAL);
    const file = `${CONF}/dialplan/public/bbb-twilio.xml`;
    const run = await expectApplyRefused(
      { root, makeHost: readOnlyAt(file) },
      { error: [`cannot write ${file}`, 'read-only file system', 'undone'], hint: ['remount'] },
    );
    assert.match(run.stdout, /writing \/opt\/freeswitch\/etc\/freeswitch\/vars\.xml/);
    assert.match(run.stdout, /writing \/opt\/freeswitch\/etc\/freeswitch\/sip_profiles\/external\.xml/);
  });

  it('plan does not write, so a read-only target does not stop it', async () => {
    const { root } = await treeWithConfig(BASE_CONFIG);
    const before = await snapshotTree(root);
    const run = await runCli(['plan', '--root', root], { makeHost: readOnlyAt(`${CONF}/dialplan/bbb-twilio.xml`) });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(diffSnapshots(before, await snapshotTree(root)), []);
  });
});

describe('a termination password with XML metacharacters is valid', () => {
  const PASSWORD = `Tw&l"o<p>a'ss-42`;
  const ESCAPED = 'Tw&amp;l&quot;o&lt;p&gt;a';

  const configWith = (extra = ''): string =>
    BASE_CONFIG +
    extra +
    `twilio:\n  termination:\n    domain: bbb-dialout.pstn.twilio.com\n    username: bbb-server\n    password: ${JSON.stringify(PASSWORD)}\n`;

  const modes = [
    { mode: 'dedicated', extra: '', file: `${CONF}/sip_profiles/bbb-twilio.xml` },
    { mode: 'external', extra: 'sip:\n  profile: external\n', file: `${CONF}/sip_profiles/external/bbb-twilio.xml` },
  ];

  for (const { mode, extra, file } of modes) {
    it(`${mode} mode: written XML-escaped, parses back to the same password, never printed or journaled`, async () => {
      const { root } = await treeWithConfig(configWith(extra));
      const outputs: string[] = [];
      const record = (run: CliRun): CliRun => {
        outputs.push(run.stdout, run.stderr);
        return run;
      };

      const plan = record(await runCli(['plan', '--root', root]));
      assert.equal(plan.code, 0, plan.stderr);
      assert.match(plan.stdout, /<param name="password" value="\*{8}"\/>/, 'the plan shows the password masked');
      assert.equal(record(await runCli(['plan', '--json', '--root', root])).code, 0);

      const apply = record(await runCli(['apply', '--yes', '--root', root]));
      assert.equal(apply.code, 0, apply.stderr);
      assert.match(apply.stdout, /Apply complete/);

      const text = await fs.readFile(path.join(root, file), 'utf8');
      assert.ok(text.includes(`value="${ESCAPED}`), 'the password is XML-escaped in the file');
      assert.ok(!text.includes(PASSWORD), 'the raw password is not in the file');
      const params = findParams(text, file, 'password');
      assert.equal(params.length, 1);
      assert.equal(params[0]?.value, PASSWORD, 'the file parses back to the same password');
      const st = await fs.stat(path.join(root, file));
      assert.equal(st.mode & 0o007, 0, 'the file with the password is not world readable');

      assertOnlyServiceActionsPending(record(await runCli(['plan', '--detailed-exitcode', '--root', root])));
      record(await runCli(['rollback', '--yes', '--root', root]));

      for (const output of outputs) {
        assert.ok(!output.includes(PASSWORD), 'the password is not in any output');
        assert.ok(!output.includes(ESCAPED), 'the escaped password is not in any output');
      }
      await assertSecretOnlyInBackups(root, [PASSWORD, ESCAPED]);
    });
  }
});

/** Under /var/lib/bbb-twilio only the backups may hold file bytes (and so the secret); they are 0600. */
async function assertSecretOnlyInBackups(root: string, forms: string[]): Promise<void> {
  const entries = (await listStateDir(root)) ?? [];
  let backups = 0;
  for (const entry of entries) {
    const full = path.join(root, STATE_DIR, entry);
    const st = await fs.stat(full);
    if (!st.isFile()) continue;
    if (entry.startsWith('backups/')) {
      backups += 1;
      assert.equal(st.mode & 0o777, 0o600, `${entry} is readable by root only`);
      continue;
    }
    const text = await fs.readFile(full, 'utf8');
    for (const form of forms) assert.ok(!text.includes(form), `${entry} does not hold the password`);
  }
  assert.ok(entries.some((e) => e.startsWith('journal/')), 'there are journal files to check');
  assert.ok(backups > 0, 'there are backups to check');
}

/** 1-based lines of every X-PRE-PROCESS that sets `name` (live or commented out). */
async function definitionLines(root: string, serverPath: string, name: string): Promise<number[]> {
  const lines = (await fs.readFile(path.join(root, serverPath), 'utf8')).split('\n');
  return lines.flatMap((l, i) => (l.includes(`data="${name}=`) ? [i + 1] : []));
}

/** True when line i (0-based) is inside a multi-line XML comment. */
function isInComment(lines: string[], i: number): boolean {
  const before = lines.slice(0, i).join('\n');
  return before.lastIndexOf('<!--') > before.lastIndexOf('-->');
}
