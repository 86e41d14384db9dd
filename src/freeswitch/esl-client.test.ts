import assert from 'node:assert/strict';
import test from 'node:test';
import { closedPort, startEslEmulator, type EslEmulator, type EslEmulatorOptions } from '../../test/emulators/esl-emulator.js';
import { BbbTwilioError } from '../errors.js';
import { EslClient, type EslEvent } from './esl-client.js';
import { EslError } from './esl-error.js';

const PASSWORD = 'Tr0ub4dor&3-not-ClueCon';
const CONF_FILE = '/opt/freeswitch/etc/freeswitch/autoload_configs/event_socket.conf.xml';

async function withEmulator(opts: Partial<EslEmulatorOptions>, run: (emu: EslEmulator) => Promise<void>): Promise<void> {
  const emu = await startEslEmulator({ password: PASSWORD, ...opts });
  try {
    await run(emu);
  } finally {
    await emu.close();
  }
}

function connectTo(emu: { port: number }, overrides: { password?: string; timeoutMs?: number } = {}): Promise<EslClient> {
  return EslClient.connect({
    host: '127.0.0.1',
    port: emu.port,
    password: overrides.password ?? PASSWORD,
    passwordFrom: CONF_FILE,
    timeoutMs: overrides.timeoutMs ?? 2000,
  });
}

/** The EslError a promise rejects with; fails the test if it resolves or rejects with anything else. */
async function eslFailure(promise: Promise<unknown>): Promise<EslError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EslError, `expected an EslError, got ${String(err)}`);
    assert.ok(err instanceof BbbTwilioError);
    assert.equal(err.kind, 'esl');
    return err;
  }
  assert.fail('expected the operation to fail');
}

test('connect authenticates with the password and api returns the api/response body', async () => {
  await withEmulator({}, async (emu) => {
    const client = await connectTo(emu);
    const status = await client.api('status');
    assert.match(status, /^UP 0 years, 3 days, 4 hours, 12 minutes, 9 seconds/);
    assert.match(status, /FreeSWITCH \(Version 1\.10\.12 .*\) is ready\n/);
    await client.close();
    assert.deepEqual(emu.commands, ['auth <password>', 'api status', 'exit']);
  });
});

test('api returns a -ERR body instead of throwing: the caller decides what it means', async () => {
  await withEmulator({}, async (emu) => {
    const client = await connectTo(emu);
    assert.equal(await client.api('no_such_thing now'), '-ERR no_such_thing Command not found!\n');
    assert.equal(await client.api('conference 71234 list'), 'Conference 71234 not found\n');
    await client.close();
  });
});

test('bgapi subscribes to BACKGROUND_JOB once and resolves with the body of its own job', async () => {
  await withEmulator({}, async (emu) => {
    const client = await connectTo(emu);
    assert.equal(await client.bgapi('reloadxml'), '+OK [Success]\n');
    assert.equal(await client.bgapi('show calls count'), '\n0 total.\n');
    assert.equal(emu.state.reloadxmlCount, 1);
    assert.deepEqual(emu.commands.slice(1, 4), ['event plain BACKGROUND_JOB', 'bgapi reloadxml', 'bgapi show calls count']);
    await client.close();
  });
});

test('concurrent bgapi jobs finishing later are matched by Job-UUID', async () => {
  await withEmulator({ apiDelayMs: 30 }, async (emu) => {
    emu.state.calls = 3;
    const client = await connectTo(emu);
    const [reload, calls, version] = await Promise.all([
      client.bgapi('reloadxml'),
      client.bgapi('show calls count'),
      client.bgapi('version'),
    ]);
    assert.equal(reload, '+OK [Success]\n');
    assert.equal(calls, '\n3 total.\n');
    assert.match(version, /^FreeSWITCH Version 1\.10\.12/);
    await client.close();
  });
});

test('frames split into 3-byte TCP pieces are reassembled', async () => {
  await withEmulator({ fragmentBytes: 3 }, async (emu) => {
    const client = await connectTo(emu, { timeoutMs: 5000 });
    assert.match(await client.api('sofia status'), /1 profile 0 aliases\n$/);
    assert.equal(await client.bgapi('reloadxml'), '+OK [Success]\n');
    await client.close();
  });
});

test('subscribed events reach listeners with URL-decoded headers and their body', async () => {
  await withEmulator({}, async (emu) => {
    const client = await connectTo(emu);
    const received: EslEvent[] = [];
    client.on('event', (e) => received.push(e));
    await client.subscribe(['CHANNEL_HANGUP', 'CUSTOM']);
    const arrived = new Promise<void>((resolve) => client.on('event', () => resolve()));
    emu.sendEvent(
      { 'Event-Name': 'CHANNEL_HANGUP', 'Caller-Caller-ID-Name': 'Zoë & Co: +1 (613)', 'Hangup-Cause': 'NORMAL_CLEARING' },
      'line one\n\nline three\n',
    );
    await arrived;
    assert.equal(received.length, 1);
    assert.equal(received[0]?.headers['Caller-Caller-ID-Name'], 'Zoë & Co: +1 (613)');
    assert.equal(received[0]?.headers['FreeSWITCH-IPv6'], '::1');
    assert.equal(received[0]?.body, 'line one\n\nline three\n');
    await client.close();
  });
});

test('a command timeout drops the late reply, so the next command gets its own answer', async () => {
  await withEmulator({ apiDelayMs: 350 }, async (emu) => {
    // The late reply to `status` arrives ~100ms after `version` was sent, well inside its own 250ms.
    const client = await connectTo(emu, { timeoutMs: 250 });
    const slow = await eslFailure(client.api('status'));
    assert.equal(slow.reason, 'timeout');
    assert.match(slow.message, /did not send the reply to `api status` within 250ms/);
    emu.apiDelayMs = 0;
    assert.match(await client.api('version'), /^FreeSWITCH Version/);
    await client.close();
  });
});

test('a command with a line break is refused before anything is sent', async () => {
  await withEmulator({}, async (emu) => {
    const client = await connectTo(emu);
    const err = await eslFailure(client.api('status\n\napi reloadxml'));
    assert.equal(err.reason, 'protocol');
    assert.deepEqual(emu.commands, ['auth <password>']);
    await client.close();
  });
});

test('close says exit; later calls fail as protocol errors instead of hanging', async () => {
  await withEmulator({}, async (emu) => {
    const client = await connectTo(emu);
    await client.close();
    await client.close(); // twice is harmless
    const err = await eslFailure(client.api('status'));
    assert.equal(err.reason, 'protocol');
  });
});

// --- every fault maps to its own reason and its own message ----------------------------------------------------

test('a closed port is "refused" and asks whether FreeSWITCH runs', async () => {
  const port = await closedPort();
  const err = await eslFailure(connectTo({ port }));
  assert.equal(err.reason, 'refused');
  assert.equal(err.message, `cannot reach FreeSWITCH's event socket at 127.0.0.1:${port}: connection refused`);
  assert.match(err.hint ?? '', /systemctl status freeswitch/);
});

test('a wrong password is "auth", names the file it came from and never the password', async () => {
  await withEmulator({}, async (emu) => {
    const wrong = 'ClueCon';
    const err = await eslFailure(connectTo(emu, { password: wrong }));
    assert.equal(err.reason, 'auth');
    assert.equal(err.message, `FreeSWITCH's event socket at 127.0.0.1:${emu.port} refused the password from ${CONF_FILE}`);
    assert.match(err.hint ?? '', /event_socket\.conf\.xml/);
    assert.ok(!`${err.message} ${err.hint}`.includes(wrong));
  });
});

test('a server that accepts but never greets is "timeout"', async () => {
  await withEmulator({ behaviour: 'never-answer' }, async (emu) => {
    const err = await eslFailure(connectTo(emu, { timeoutMs: 150 }));
    assert.equal(err.reason, 'timeout');
    assert.match(err.message, /did not send its greeting \(auth\/request\) within 150ms$/);
  });
});

test('garbage on the port is "protocol" and suggests another program listens there', async () => {
  await withEmulator({ behaviour: 'garbage' }, async (emu) => {
    const err = await eslFailure(connectTo(emu));
    assert.equal(err.reason, 'protocol');
    assert.match(err.message, /does not speak FreeSWITCH's event-socket protocol \(got "SSH-2\.0-OpenSSH/);
    assert.match(err.hint ?? '', /another program/);
  });
});

test('a connection closed in the middle of a reply is "protocol" and says so', async () => {
  await withEmulator({ behaviour: 'close-mid-reply' }, async (emu) => {
    const client = await connectTo(emu);
    const err = await eslFailure(client.api('status'));
    assert.equal(err.reason, 'protocol');
    assert.equal(err.message, `FreeSWITCH closed the event-socket connection at 127.0.0.1:${emu.port} in the middle of a reply`);
  });
});

test('an inbound ACL rejection is "refused" and points at apply-inbound-acl', async () => {
  await withEmulator({ behaviour: 'acl-reject' }, async (emu) => {
    const err = await eslFailure(connectTo(emu));
    assert.equal(err.reason, 'refused');
    assert.match(err.message, /turned this connection away/);
    assert.match(err.hint ?? '', /apply-inbound-acl/);
  });
});

test('every fault has a distinct message, and none contains the password', async () => {
  const messages: string[] = [];
  const port = await closedPort();
  messages.push((await eslFailure(connectTo({ port }))).message);
  for (const behaviour of ['never-answer', 'garbage', 'acl-reject'] as const) {
    await withEmulator({ behaviour }, async (emu) => {
      messages.push((await eslFailure(connectTo(emu, { timeoutMs: 150 }))).message.replace(String(emu.port), 'PORT'));
    });
  }
  await withEmulator({}, async (emu) => {
    messages.push((await eslFailure(connectTo(emu, { password: `${PASSWORD}x` }))).message.replace(String(emu.port), 'PORT'));
  });
  await withEmulator({ behaviour: 'close-mid-reply' }, async (emu) => {
    const client = await connectTo(emu);
    messages.push((await eslFailure(client.api('status'))).message.replace(String(emu.port), 'PORT'));
  });
  assert.equal(new Set(messages.map((m) => m.replace(/:\d+/, ':PORT'))).size, messages.length);
  for (const m of messages) assert.ok(!m.includes(PASSWORD), m);
});
