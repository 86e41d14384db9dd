import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors.js';
import { parseConfig } from './load-config.js';

const FILE = '/etc/bbb-twilio/config.yml';

const MINIMAL = `server:
  publicIp: 203.0.113.10
numbers:
  - "+1 613-555-0142"
`;

const TERMINATION = `twilio:
  termination:
    domain: bbb.pstn.twilio.com
    username: bbb-server
`;

function parse(yaml: string, opts: Parameters<typeof parseConfig>[2] = {}) {
  return parseConfig(yaml, FILE, { env: {}, ...opts });
}

/** Parse, expect exactly one ConfigError, and return it for checks. */
function configError(yaml: string, opts: Parameters<typeof parseConfig>[2] = {}): ConfigError {
  let caught: unknown;
  try {
    parse(yaml, opts);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.equal(caught.file, FILE);
  assert.ok(caught.hint, 'every config error has a hint');
  return caught;
}

/** The error names the file, the line and the key, in `file:line: ...` form. */
function assertNames(err: ConfigError, where: { line: number; key: string }, ...fragments: string[]): void {
  assert.ok(err.message.startsWith(`${FILE}:${where.line}: `), `"${err.message}" starts with ${FILE}:${where.line}: `);
  assert.equal(err.key, where.key);
  assert.ok(err.message.includes(where.key), `"${err.message}" names ${where.key}`);
  for (const fragment of fragments) assert.ok(err.message.includes(fragment), `"${err.message}" includes ${fragment}`);
  assert.ok(!err.message.includes('\n'), 'the message is one line');
}

describe('parseConfig: defaults', () => {
  it('fills every default from a config with only server.publicIp and numbers', () => {
    const config = parse(MINIMAL);
    assert.equal(config.file, FILE);
    assert.deepEqual(config.server, { publicIp: '203.0.113.10', country: undefined });
    assert.deepEqual(config.sip, { profile: 'dedicated', port: 5080 });
    assert.deepEqual(config.dialin, {
      pinLength: undefined,
      tries: 3,
      maskCallerId: true,
      maxCallMinutes: 240,
      allowAnonymous: false,
    });
    assert.equal(config.twilio.termination, undefined);
    assert.equal(config.twilio.authToken, undefined);
    assert.equal(config.twilio.trunkName, 'bbb-twilio');
    assert.equal(config.firewall.backend, undefined);
  });

  it("defaults twilio.signalingCidrs to Twilio's eight published signalling ranges", () => {
    assert.deepEqual(parse(MINIMAL).twilio.signalingCidrs, [
      '54.172.60.0/30',
      '54.244.51.0/30',
      '54.171.127.192/30',
      '35.156.191.128/30',
      '54.65.63.192/30',
      '54.169.127.128/30',
      '54.252.254.64/30',
      '177.71.206.192/30',
    ]);
  });

  it('keeps values that are given instead of the defaults', () => {
    const config = parse(
      MINIMAL +
        `sip:
  profile: external
dialin:
  pinLength: 9
  tries: 5
  maskCallerId: false
  maxCallMinutes: 60
  allowAnonymous: true
twilio:
  signalingCidrs:
    - 198.51.100.0/24
firewall:
  backend: none
`,
    );
    assert.deepEqual(config.sip, { profile: 'external', port: 5080 });
    assert.deepEqual(config.dialin, { pinLength: 9, tries: 5, maskCallerId: false, maxCallMinutes: 60, allowAnonymous: true });
    assert.deepEqual(config.twilio.signalingCidrs, ['198.51.100.0/24']);
    assert.equal(config.firewall.backend, 'none');
  });
});

describe('parseConfig: phone numbers', () => {
  it('normalises "+1 613-555-0142" to E.164 and keeps a display form', () => {
    const [number] = parse(MINIMAL).numbers;
    assert.deepEqual(number, { e164: '+16135550142', display: '+1 613 555 0142', label: undefined });
  });

  it('accepts { number, label } entries', () => {
    const config = parse(`server:
  publicIp: 203.0.113.10
numbers:
  - number: "+44 20 7946 0018"
    label: London
  - number: "+1 (613) 555-0142"
`);
    assert.deepEqual(
      config.numbers.map((n) => [n.e164, n.label]),
      [
        ['+442079460018', 'London'],
        ['+16135550142', undefined],
      ],
    );
  });

  it('reads a national number in the country of server.country', () => {
    const config = parse(`server:
  publicIp: 203.0.113.10
  country: GB
numbers:
  - "020 7946 0018"
`);
    assert.equal(config.numbers[0]?.e164, '+442079460018');
  });

  it('refuses a national number when no server.country says which country it is in', () => {
    const err = configError(`server:
  publicIp: 203.0.113.10
numbers:
  - "020 7946 0018"
`);
    assertNames(err, { line: 4, key: 'numbers.0' }, '"020 7946 0018"');
    assert.match(err.hint ?? '', /country code/);
  });
});

describe('parseConfig: secrets', () => {
  const withPassword = MINIMAL + TERMINATION + '    password: FromTheFile-42x\n  authToken: token-from-the-file\n';

  it('takes the termination password and auth token from the file', () => {
    const config = parse(withPassword, { fileMode: 0o600 });
    assert.deepEqual(config.twilio.termination, {
      domain: 'bbb.pstn.twilio.com',
      username: 'bbb-server',
      password: 'FromTheFile-42x',
    });
    assert.equal(config.twilio.authToken, 'token-from-the-file');
  });

  it('lets BBB_TWILIO_TERMINATION_PASSWORD and TWILIO_AUTH_TOKEN override the file', () => {
    const config = parse(withPassword, {
      fileMode: 0o600,
      env: { BBB_TWILIO_TERMINATION_PASSWORD: 'FromTheEnv-42xy', TWILIO_AUTH_TOKEN: 'token-from-the-env' },
    });
    assert.equal(config.twilio.termination?.password, 'FromTheEnv-42xy');
    assert.equal(config.twilio.authToken, 'token-from-the-env');
  });

  it('accepts a termination whose password is only in the environment', () => {
    const config = parse(MINIMAL + TERMINATION, { env: { BBB_TWILIO_TERMINATION_PASSWORD: 'OnlyInEnv-42xyz' }, fileMode: 0o644 });
    assert.equal(config.twilio.termination?.password, 'OnlyInEnv-42xyz');
  });

  it('refuses a termination without any password, naming twilio.termination.password', () => {
    const err = configError(MINIMAL + TERMINATION);
    assertNames(err, { line: 6, key: 'twilio.termination.password' }, 'missing');
    assert.match(err.hint ?? '', /BBB_TWILIO_TERMINATION_PASSWORD/);
  });

  for (const mode of [0o644, 0o640, 0o604]) {
    it(`refuses a config file holding a secret with mode 0${mode.toString(8)}, with a chmod hint`, () => {
      const err = configError(withPassword, { fileMode: mode });
      assert.ok(err.message.startsWith(`${FILE}: `));
      assert.match(err.message, new RegExp(`readable by others \\(mode ${mode.toString(8)}\\)`));
      assert.equal(err.hint, `run: chmod 600 ${FILE}`);
      assert.ok(!err.message.includes('FromTheFile-42x') && !err.message.includes('token-from-the-file'));
    });
  }

  it('accepts a world-readable config file that holds no secret', () => {
    assert.equal(parse(MINIMAL, { fileMode: 0o644 }).server.publicIp, '203.0.113.10');
  });

  const weak: [string, string][] = [
    ['11 characters', 'Abcdefgh1jk'],
    ['no digit', 'Abcdefghijklmn'],
    ['no upper-case letter', 'abcdefgh1jklmn'],
    ['no lower-case letter', 'ABCDEFGH1JKLMN'],
  ];
  for (const [why, password] of weak) {
    it(`refuses a termination password with ${why} (Twilio's rules), naming the key but never the password`, () => {
      const err = configError(MINIMAL + TERMINATION + `    password: "${password}"\n`, { fileMode: 0o600 });
      assertNames(err, { line: 9, key: 'twilio.termination.password' }, "does not meet Twilio's rules", 'at least 12 characters');
      assert.ok(!err.message.includes(password) && !(err.hint ?? '').includes(password), err.message);
    });
  }

  it('refuses a termination password holding "$${", which FreeSWITCH\'s pre-processor would rewrite', () => {
    const password = 'Abcdef$${x}123';
    const err = configError(MINIMAL + TERMINATION + `    password: "${password}"\n`, { fileMode: 0o600 });
    assertNames(err, { line: 9, key: 'twilio.termination.password' }, '"$${"', "FreeSWITCH's pre-processor");
    assert.ok(!err.message.includes(password), err.message);
  });

  it('blames a weak password from BBB_TWILIO_TERMINATION_PASSWORD on that variable, not on the file', () => {
    const err = configError(MINIMAL + TERMINATION + '    password: FromTheFile-42x\n', {
      fileMode: 0o600,
      env: { BBB_TWILIO_TERMINATION_PASSWORD: 'weak-from-env' },
    });
    assert.equal(err.key, 'BBB_TWILIO_TERMINATION_PASSWORD');
    assert.match(err.message, /^BBB_TWILIO_TERMINATION_PASSWORD does not meet Twilio's rules/);
    assert.ok(!err.message.includes('weak-from-env'), err.message);
  });

  it('a generated password meets the rules', () => {
    const config = parse(MINIMAL + TERMINATION, { generateMissingPassword: true });
    assert.equal(config.twilio.termination?.passwordGenerated, true);
  });

  it('never shows a secret in an error about its value', () => {
    const err = configError(MINIMAL + TERMINATION + '    password: 31415926535\n', { fileMode: 0o600 });
    assertNames(err, { line: 9, key: 'twilio.termination.password' }, 'must be text');
    assert.ok(!err.message.includes('31415926535'), err.message);
    assert.match(err.hint ?? '', /quotes/);
  });
});

describe('parseConfig: one error per bad value, naming file, line and key', () => {
  it('an invalid phone number', () => {
    const err = configError(MINIMAL + '  - "+1 555"\n');
    assertNames(err, { line: 5, key: 'numbers.1' }, '"+1 555"', 'is not a valid phone number');
  });

  it('text that is no phone number at all', () => {
    const err = configError(MINIMAL.replace('"+1 613-555-0142"', 'call-me-maybe'));
    assertNames(err, { line: 4, key: 'numbers.0' }, '"call-me-maybe"', 'is not a phone number');
  });

  it('a country code that is no country: blamed on server.country, not on the numbers', () => {
    const err = configError('server:\n  publicIp: 203.0.113.10\n  country: XX\nnumbers:\n  - "020 7946 0018"\n');
    assertNames(err, { line: 3, key: 'server.country' }, '"XX"', 'not a country code');
    assert.ok(!err.message.includes('numbers'), err.message);
  });

  it('a number with an extension, which callers could never dial and BBB would show', () => {
    const err = configError(MINIMAL.replace('"+1 613-555-0142"', '"+1 613 555 0142 ext. 99"'));
    assertNames(err, { line: 4, key: 'numbers.0' }, '"+1 613 555 0142 ext. 99"', 'has an extension');
    assert.match(err.hint ?? '', /remove the extension/);
  });

  for (const junk of ['"+16135550142</condition><x>"', '"+1 613 555 0142 (main office)"', '"tel:+16135550142"']) {
    it(`a number with text around it: ${junk}`, () => {
      const err = configError(MINIMAL.replace('"+1 613-555-0142"', junk));
      assertNames(err, { line: 4, key: 'numbers.0' }, junk, 'not part of a phone number');
    });
  }

  it('human formats of a number are still accepted', () => {
    const yaml = MINIMAL + '  - "+44 (20) 7946.0018"\n  - "+49 30/1234567"\n';
    assert.deepEqual(parse(yaml).numbers.map((n) => n.e164), ['+16135550142', '+442079460018', '+49301234567']);
  });

  it('a number listed twice in different formats', () => {
    const err = configError(MINIMAL + '  - number: "+16135550142"\n    label: again\n');
    assertNames(err, { line: 5, key: 'numbers.1' }, 'listed twice', '+16135550142', 'numbers.0');
  });

  it('a number written without quotes (YAML reads it as a number)', () => {
    const err = configError(MINIMAL.replace('"+1 613-555-0142"', '16135550142'));
    assertNames(err, { line: 4, key: 'numbers.0' }, '16135550142', '"quotes"');
  });

  it('an empty list of numbers', () => {
    const err = configError('server:\n  publicIp: 203.0.113.10\nnumbers: []\n');
    assertNames(err, { line: 3, key: 'numbers' }, 'at least one');
  });

  it('an invalid IPv4 address', () => {
    const err = configError(MINIMAL.replace('203.0.113.10', '203.0.113.256'));
    assertNames(err, { line: 2, key: 'server.publicIp' }, '"203.0.113.256"', 'not an IPv4 address');
  });

  it('a host name where an IPv4 address belongs', () => {
    const err = configError(MINIMAL.replace('203.0.113.10', 'bbb.example.org'));
    assertNames(err, { line: 2, key: 'server.publicIp' }, '"bbb.example.org"', 'not an IPv4 address');
  });

  it('a CIDR without its /bits', () => {
    const err = configError(MINIMAL + 'twilio:\n  signalingCidrs:\n    - 54.172.60.0/30\n    - 54.244.51.0\n');
    assertNames(err, { line: 8, key: 'twilio.signalingCidrs.1' }, '"54.244.51.0"', 'not an IPv4 CIDR');
  });

  it('a CIDR with /33', () => {
    const err = configError(MINIMAL + 'twilio:\n  signalingCidrs:\n    - 54.172.60.0/33\n');
    assertNames(err, { line: 7, key: 'twilio.signalingCidrs.0' }, '"54.172.60.0/33"', 'not an IPv4 CIDR');
  });

  for (const length of [3, 4, 12]) {
    it(`a PIN length of ${length}, which BBB's bbb_conferences (5 to 11 digits) can never join`, () => {
      const err = configError(MINIMAL + `dialin:\n  pinLength: ${length}\n`);
      assertNames(err, { line: 6, key: 'dialin.pinLength' }, '5 to 11', 'bbb_conferences', `got ${length}`);
    });
  }

  it('the PIN lengths at the limits, 5 and 11, are allowed', () => {
    assert.equal(parse(MINIMAL + 'dialin:\n  pinLength: 5\n').dialin.pinLength, 5);
    assert.equal(parse(MINIMAL + 'dialin:\n  pinLength: 11\n').dialin.pinLength, 11);
  });

  it('an unknown top-level key, on its own line', () => {
    const err = configError(MINIMAL + 'dailin:\n  tries: 3\n');
    assertNames(err, { line: 5, key: 'dailin' }, 'unknown key "dailin"');
    assert.match(err.hint ?? '', /spelling/);
  });

  it('an unknown nested key, named with its dotted path', () => {
    const err = configError(MINIMAL + 'sip:\n  profile: dedicated\n  prot: 5080\n');
    assertNames(err, { line: 7, key: 'sip.prot' }, 'unknown key "sip.prot"');
  });

  it('an unknown key inside a { number, label } entry', () => {
    const err = configError(MINIMAL + '  - number: "+44 20 7946 0018"\n    lable: London\n');
    assertNames(err, { line: 6, key: 'numbers.1.lable' }, 'unknown key "numbers.1.lable"');
  });

  it('a value of the wrong type, with the value shown and how to fix it', () => {
    const err = configError(MINIMAL + 'sip:\n  port: "5080"\n');
    assertNames(err, { line: 6, key: 'sip.port' }, 'must be a number', '"5080"');
    assert.ok(!err.message.includes('required'), 'a value that is there is not "required"');
    assert.match(err.hint ?? '', /without quotes/);
  });

  it('text where true or false belongs', () => {
    const err = configError(MINIMAL + 'dialin:\n  maskCallerId: "no"\n');
    assertNames(err, { line: 6, key: 'dialin.maskCallerId' }, 'true or false', '"no"');
  });

  it('a value outside its allowed set', () => {
    const err = configError(MINIMAL + 'sip:\n  profile: internal\n');
    assertNames(err, { line: 6, key: 'sip.profile' }, 'dedicated, external', '"internal"');
  });

  it('a missing required server.publicIp, at the line of server:', () => {
    const err = configError('server:\n  country: CA\nnumbers:\n  - "+1 613-555-0142"\n');
    assertNames(err, { line: 1, key: 'server.publicIp' }, 'server.publicIp is required');
  });

  it('a missing server section', () => {
    const err = configError('numbers:\n  - "+1 613-555-0142"\n');
    assert.equal(err.message, `${FILE}: server is required`);
    assert.equal(err.key, 'server');
  });

  it('an empty file', () => {
    const err = configError('# nothing here yet\n');
    assert.match(err.message, new RegExp(`^${FILE}: the file is empty`));
  });

  it('a YAML syntax error, with its line', () => {
    const err = configError('server:\n  publicIp: 203.0.113.10\n numbers:\n  - "+1 613-555-0142"\n');
    assert.ok(err.message.startsWith(`${FILE}:3: not valid YAML: `), err.message);
    assert.match(err.hint ?? '', /YAML syntax/);
  });

  it('a key written twice, as a YAML error at the second one', () => {
    const err = configError(MINIMAL + 'sip:\n  port: 5080\n  port: 5090\n');
    assert.ok(err.message.startsWith(`${FILE}:7: not valid YAML: `), err.message);
    assert.match(err.message, /unique/);
  });
});
