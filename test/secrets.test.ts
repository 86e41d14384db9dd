// Secrets (the termination password, the Twilio auth token) reach the files that need them and nothing else:
// not plan text, plan --json, apply/rollback/uninstall output, error messages, journals or state.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findParams } from '../src/edit/xml-params.js';
import { HostError } from '../src/errors.js';
import { DelegatingHost } from '../src/host/delegating-host.js';
import type { Host, WriteOptions } from '../src/host/host.js';
import { LocalHost } from '../src/host/local-host.js';
import { TreeUfwHost } from '../src/host/tree-ufw-host.js';
import { BASE_CONFIG, CONF, copyFixture, runCli, writeConfig, type CliRun } from './support/tree.js';

const FILE_PASSWORD = 'FilePassw0rd-5f1c';
const ENV_PASSWORD = 'EnvPassw0rd-9a3e';
const FILE_TOKEN = 'filetoken0123456789abcdef01234567';
const ENV_TOKEN = 'envtoken0123456789abcdef0123456789';
const ALL_SECRETS = [FILE_PASSWORD, ENV_PASSWORD, FILE_TOKEN, ENV_TOKEN];

const TERMINATION = 'twilio:\n  termination:\n    domain: bbb-dialout.pstn.twilio.com\n    username: bbb-server\n';
const PROFILE = `${CONF}/sip_profiles/bbb-twilio.xml`;
const STATE_DIR = 'var/lib/bbb-twilio';

function assertNoSecret(text: string, where: string, secrets: readonly string[] = ALL_SECRETS): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `${where} does not show ${secret}:\n${text}`);
}

function assertRunClean(run: CliRun, what: string): void {
  assertNoSecret(run.stdout, `${what} stdout`);
  assertNoSecret(run.stderr, `${what} stderr`);
}

/** Every file bbb-twilio keeps except the backups (which hold file bytes and are root-only). */
async function assertStateClean(root: string): Promise<void> {
  const dir = path.join(root, STATE_DIR);
  const entries = (await fs.readdir(dir, { recursive: true })).map(String);
  const checked = entries.filter((e) => !e.startsWith('backups'));
  assert.ok(checked.some((e) => e.startsWith('journal/')), 'journals were written');
  for (const entry of checked) {
    const full = path.join(dir, entry);
    if (!(await fs.stat(full)).isFile()) continue;
    assertNoSecret(await fs.readFile(full, 'utf8'), entry);
  }
  for (const entry of entries.filter((e) => e.startsWith('backups/'))) {
    const st = await fs.stat(path.join(dir, entry));
    assert.equal(st.mode & 0o777, st.isFile() ? 0o600 : 0o700, `${entry} is root-only`);
  }
}

async function passwordInProfile(root: string): Promise<string | undefined> {
  const text = await fs.readFile(path.join(root, PROFILE), 'utf8');
  return findParams(text, PROFILE, 'password')[0]?.value;
}

describe('secrets never leave the files that need them', () => {
  it('a password from the config file: absent from every command output, journal and state', async () => {
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, BASE_CONFIG + TERMINATION + `    password: ${FILE_PASSWORD}\n  authToken: ${FILE_TOKEN}\n`);
    const runs: [string, CliRun][] = [];
    const run = async (args: string[]): Promise<CliRun> => {
      const result = await runCli([...args, '--root', root]);
      runs.push([args.join(' '), result]);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      return result;
    };

    await run(['plan']);
    await run(['plan', '--json']);
    await run(['apply', '--yes']);
    assert.equal(await passwordInProfile(root), FILE_PASSWORD, 'the profile holds the password');
    assert.equal((await fs.stat(path.join(root, PROFILE))).mode & 0o007, 0, 'the profile is not world readable');
    assert.match((await run(['apply', '--yes'])).stdout, /No changes/);
    await run(['rollback', '--yes']);
    await run(['apply', '--yes']);
    await run(['uninstall', '--yes']);

    for (const [what, result] of runs) assertRunClean(result, what);
    await assertStateClean(root);
  });

  it('a password and auth token from the environment override the file and are never shown', async () => {
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, BASE_CONFIG + TERMINATION + `    password: ${FILE_PASSWORD}\n  authToken: ${FILE_TOKEN}\n`);
    const env = { BBB_TWILIO_TERMINATION_PASSWORD: ENV_PASSWORD, TWILIO_AUTH_TOKEN: ENV_TOKEN };
    const runs: CliRun[] = [];
    for (const args of [['plan'], ['plan', '--json'], ['apply', '--yes'], ['plan', '--detailed-exitcode']]) {
      const result = await runCli([...args, '--root', root], { env });
      // The second plan exits 2 for the FreeSWITCH commands the apply could not send (the tree has no FreeSWITCH).
      assert.equal(result.code, args.includes('--detailed-exitcode') ? 2 : 0, `${args.join(' ')}: ${result.stderr}`);
      runs.push(result);
    }
    assert.equal(await passwordInProfile(root), ENV_PASSWORD, 'the environment wins over the file');
    runs.forEach((r, i) => assertRunClean(r, `run ${i}`));
    await assertStateClean(root);
  });
});

describe('config errors never show a secret', () => {
  const cases: { name: string; yaml: string; error: string }[] = [
    {
      name: 'a password YAML reads as a number',
      yaml: BASE_CONFIG + TERMINATION + '    password: 2718281828459045\n',
      error: 'twilio.termination.password',
    },
    {
      name: 'an auth token YAML reads as a number',
      yaml: BASE_CONFIG + 'twilio:\n  authToken: 1414213562373095\n',
      error: 'twilio.authToken',
    },
    {
      name: 'a bad username next to a password',
      yaml: BASE_CONFIG + TERMINATION.replace('bbb-server', 'bbb server') + `    password: ${FILE_PASSWORD}\n`,
      error: 'twilio.termination.username',
    },
    {
      name: 'an unknown key next to a password',
      yaml: BASE_CONFIG + TERMINATION + `    password: ${FILE_PASSWORD}\n    passwrd: ${FILE_PASSWORD}\n`,
      error: 'unknown key "twilio.termination.passwrd"',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const root = await copyFixture('bbb-3.0');
      await writeConfig(root, c.yaml);
      const run = await runCli(['plan', '--root', root]);
      assert.equal(run.code, 1);
      assert.ok(run.stderr.includes(c.error), run.stderr);
      assertNoSecret(run.stderr, 'the error', [...ALL_SECRETS, '2718281828459045', '1414213562373095']);
    });
  }

  it('refusing a world-readable config file does not show the secret in it', async () => {
    const root = await copyFixture('bbb-3.0');
    const file = await writeConfig(root, BASE_CONFIG + TERMINATION + `    password: ${FILE_PASSWORD}\n`);
    await fs.chmod(file, 0o644);
    const run = await runCli(['plan', '--root', root]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /readable by others/);
    assertRunClean(run, 'plan');
  });
});

class FailingWriteHost extends DelegatingHost {
  constructor(
    inner: Host,
    private readonly failing: string,
  ) {
    super(inner);
  }
  override async writeFileAtomic(serverPath: string, data: Buffer, opts: WriteOptions): Promise<void> {
    if (serverPath === this.failing) throw new HostError(`cannot write ${serverPath}: read-only file system`, { path: serverPath });
    return super.writeFileAtomic(serverPath, data, opts);
  }
}

describe('a failed apply does not show the secret it was writing', () => {
  it('the profile with the password is written, the next file fails, the undo removes the profile', async () => {
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, BASE_CONFIG + TERMINATION + `    password: ${FILE_PASSWORD}\n`);
    const run = await runCli(['apply', '--yes', '--root', root, '--debug'], {
      makeHost: (r) => new FailingWriteHost(new TreeUfwHost(new LocalHost(r)), `${CONF}/dialplan/bbb-twilio.xml`),
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /undone/);
    assert.match(run.stdout, /writing \/opt\/freeswitch\/etc\/freeswitch\/sip_profiles\/bbb-twilio\.xml/);
    assertRunClean(run, 'the failed apply (with --debug)');
    await assert.rejects(fs.stat(path.join(root, PROFILE)), { code: 'ENOENT' }, 'the profile was removed again');
    await assertStateClean(root);
  });
});

// A password that looks like XML (issue 9): FreeSWITCH must read back exactly this value, and no output may show it
// in any form (raw, XML-escaped, JSON-escaped); PWMARK finds each of them.
const ENTITY_PASSWORD = 'Abc"&amp;defghijk1PWMARK';
const ENTITY_TERMINATION = TERMINATION + `    password: '${ENTITY_PASSWORD}'\n`;
const EXTERNAL_GATEWAY = `${CONF}/sip_profiles/external/bbb-twilio.xml`;

async function passwordIn(root: string, file: string): Promise<string | undefined> {
  return findParams(await fs.readFile(path.join(root, file), 'utf8'), file, 'password')[0]?.value;
}

describe('a password that looks like an XML entity', () => {
  for (const [mode, sip, file] of [
    ['dedicated', '', PROFILE],
    ['external', 'sip:\n  profile: external\n', EXTERNAL_GATEWAY],
  ] as const) {
    it(`${mode} mode: plan, plan --json and apply never show it; the written file parses back to it exactly`, async () => {
      const root = await copyFixture('bbb-3.0');
      await writeConfig(root, BASE_CONFIG + sip + ENTITY_TERMINATION);
      for (const args of [['plan'], ['plan', '--json'], ['apply', '--yes', '--no-reload'], ['plan', '--json']]) {
        const run = await runCli([...args, '--root', root]);
        assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
        assertNoSecret(run.stdout + run.stderr, args.join(' '), ['PWMARK']);
      }
      assert.equal(await passwordIn(root, file), ENTITY_PASSWORD, 'FreeSWITCH reads the configured password');
      await assertStateClean(root);
    });
  }

  it('a current file that writes the password with other character references is masked in the diff too', async () => {
    const root = await copyFixture('bbb-3.0');
    await writeConfig(root, BASE_CONFIG + ENTITY_TERMINATION);
    assert.equal((await runCli(['apply', '--yes', '--no-reload', '--root', root])).code, 0);
    const written = await fs.readFile(path.join(root, PROFILE), 'utf8');
    // The same password, escaped by hand another way: &#65; is "A", &#34; is '"', &#38; is '&'.
    const handEdited = written.replace('value="Abc&quot;&amp;amp;', 'value="&#65;bc&#34;&#38;amp;').replace('tls" value="false', 'tls" value="true');
    assert.notEqual(handEdited, written);
    await fs.writeFile(path.join(root, PROFILE), handEdited);
    assert.equal(await passwordIn(root, PROFILE), ENTITY_PASSWORD);
    for (const args of [['plan'], ['plan', '--json']]) {
      const run = await runCli([...args, '--root', root]);
      assert.match(run.stdout, /edited by hand/);
      assertNoSecret(run.stdout + run.stderr, args.join(' '), ['PWMARK']);
    }
  });
});
