// The emulator driven by the real Twilio SDK (through createTwilioClient's URL rewrite), so what passes
// here is what the SDK accepts: resource shapes, paging, errors.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TwilioClient, createTwilioClient } from '../../src/twilio/twilio-client.js';
import { type TwilioEmulator, startTwilioEmulator } from './twilio-emulator.js';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'emulator-test-token-9f8e7d';

async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  assert.fail('expected the call to fail');
}

describe('Twilio emulator through the SDK', () => {
  let emulator: TwilioEmulator;
  let client: TwilioClient;

  before(async () => {
    emulator = await startTwilioEmulator({ accountSid, authToken });
    client = await createTwilioClient({ accountSid, authToken, apiUrl: emulator.url, maxRetryDelayMs: 20 });
  });
  after(async () => {
    await emulator.close();
  });

  test('creates, fetches, updates, lists and deletes a trunk', async () => {
    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'bbb-twilio' });
    assert.match(trunk.sid, /^TK[0-9a-f]{32}$/);
    assert.equal(trunk.accountSid, accountSid);
    assert.equal(trunk.domainName, null);
    assert.ok(trunk.dateCreated instanceof Date && !Number.isNaN(trunk.dateCreated.getTime()));

    const updated = await client.trunking.v1.trunks(trunk.sid).update({ domainName: 'bbb-demo.pstn.twilio.com' });
    assert.equal(updated.domainName, 'bbb-demo.pstn.twilio.com');
    assert.equal((await client.trunking.v1.trunks(trunk.sid).fetch()).domainName, 'bbb-demo.pstn.twilio.com');
    assert.ok((await client.trunking.v1.trunks.list()).some((t) => t.sid === trunk.sid));

    assert.equal(await client.trunking.v1.trunks(trunk.sid).remove(), true);
    const gone = await rejection(client.trunking.v1.trunks(trunk.sid).fetch());
    assert.equal(gone.status, 404);
    assert.equal(gone.code, 20404);
  });

  test('pages a long trunk list through next_page_url until every trunk is read', async () => {
    const names = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
    for (const friendlyName of names) await client.trunking.v1.trunks.create({ friendlyName });
    const before = emulator.requests.length;
    const listed = await client.trunking.v1.trunks.list({ pageSize: 2 });
    assert.deepEqual(
      listed.map((t) => t.friendlyName).filter((n) => n?.startsWith('p-')),
      names,
    );
    const pages = emulator.requests.slice(before);
    assert.equal(pages.length, Math.ceil(listed.length / 2));
    assert.ok(pages.slice(1).every((r) => r.query.PageToken?.startsWith('PA')));
  });

  test('adds, changes and removes an origination URL on a trunk', async () => {
    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'ou-trunk' });
    const urls = client.trunking.v1.trunks(trunk.sid).originationUrls;
    const url = await urls.create({
      friendlyName: 'bbb-twilio',
      sipUrl: 'sip:203.0.113.10:5080',
      priority: 10,
      weight: 10,
      enabled: true,
    });
    assert.match(url.sid, /^OU[0-9a-f]{32}$/);
    assert.deepEqual([url.sipUrl, url.priority, url.weight, url.enabled], ['sip:203.0.113.10:5080', 10, 10, true]);

    const moved = await urls(url.sid).update({ sipUrl: 'sip:198.51.100.7:5080;edge=frankfurt', enabled: false });
    assert.equal(moved.sipUrl, 'sip:198.51.100.7:5080;edge=frankfurt');
    assert.equal(moved.enabled, false);
    assert.deepEqual(
      (await urls.list()).map((u) => u.sid),
      [url.sid],
    );
    await urls(url.sid).remove();
    assert.deepEqual(await urls.list(), []);
  });

  test('refuses an origination URL without a SipUrl or with sips:', async () => {
    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'bad-ou' });
    const urls = client.trunking.v1.trunks(trunk.sid).originationUrls;
    const base = { friendlyName: 'x', priority: 10, weight: 10, enabled: true };
    const secure = await rejection(urls.create({ ...base, sipUrl: 'sips:203.0.113.10' }));
    assert.equal(secure.status, 400);
    const response = await fetch(`${emulator.url}/v1/Trunks/${trunk.sid}/OriginationUrls`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ FriendlyName: 'x', Priority: '10', Weight: '10', Enabled: 'true' }),
    });
    const missing = (await response.json()) as Record<string, unknown>;
    assert.equal(response.status, 400);
    assert.deepEqual(missing, {
      code: 20001,
      message: 'Missing required parameter SipUrl in the post body',
      more_info: 'https://www.twilio.com/docs/errors/20001',
      status: 400,
    });
  });

  test('finds a bought number by E.164 and attaches it to a trunk, visible from both APIs', async () => {
    const pn = emulator.state.addIncomingNumber({ phoneNumber: '+16135550142', voiceUrl: 'https://demo.twilio.com/welcome/voice/' });
    emulator.state.addIncomingNumber({ phoneNumber: '+16135550199' });
    const found = await client.incomingPhoneNumbers.list({ phoneNumber: '+16135550142' });
    assert.deepEqual(
      found.map((n) => [n.sid, n.phoneNumber, n.voiceUrl, n.trunkSid]),
      [[pn, '+16135550142', 'https://demo.twilio.com/welcome/voice/', null]],
    );
    assert.equal(found[0]?.friendlyName, '(613) 555-0142');

    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'numbers' });
    const attached = await client.trunking.v1.trunks(trunk.sid).phoneNumbers.create({ phoneNumberSid: pn });
    assert.equal(attached.trunkSid, trunk.sid);
    assert.equal((await client.incomingPhoneNumbers(pn).fetch()).trunkSid, trunk.sid);
    assert.deepEqual(
      (await client.trunking.v1.trunks(trunk.sid).phoneNumbers.list()).map((n) => n.phoneNumber),
      ['+16135550142'],
    );

    await client.trunking.v1.trunks(trunk.sid).phoneNumbers(pn).remove();
    assert.equal((await client.incomingPhoneNumbers(pn).fetch()).trunkSid, null);
    assert.ok(emulator.state.incomingNumbers.has(pn), 'detaching never releases the number');
  });

  test('updates a number: trunk, voice URL and application, "" clears a value', async () => {
    const pn = emulator.state.addIncomingNumber({ phoneNumber: '+442071838750', voiceApplicationSid: `AP${'1'.repeat(32)}` });
    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'update-number' });
    const n = await client.incomingPhoneNumbers(pn).update({ trunkSid: trunk.sid, voiceApplicationSid: '', voiceUrl: '' });
    assert.deepEqual([n.trunkSid, n.voiceApplicationSid, n.voiceUrl], [trunk.sid, null, null]);
    const bad = await rejection(client.incomingPhoneNumbers(pn).update({ trunkSid: `TK${'9'.repeat(32)}` }));
    assert.equal(bad.status, 400);
  });

  test('manages SIP IP access control lists with addresses and associates them with a trunk', async () => {
    const acl = await client.sip.ipAccessControlLists.create({ friendlyName: 'bbb-twilio' });
    assert.match(acl.sid, /^AL[0-9a-f]{32}$/);
    const ip = await client.sip.ipAccessControlLists(acl.sid).ipAddresses.create({
      friendlyName: 'bbb',
      ipAddress: '203.0.113.10',
      cidrPrefixLength: 32,
    });
    assert.match(ip.sid, /^IP[0-9a-f]{32}$/);
    assert.deepEqual(
      (await client.sip.ipAccessControlLists(acl.sid).ipAddresses.list()).map((a) => [a.ipAddress, a.cidrPrefixLength]),
      [['203.0.113.10', 32]],
    );

    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'acl-trunk' });
    await client.trunking.v1.trunks(trunk.sid).ipAccessControlLists.create({ ipAccessControlListSid: acl.sid });
    assert.deepEqual(
      (await client.trunking.v1.trunks(trunk.sid).ipAccessControlLists.list()).map((l) => [l.sid, l.friendlyName]),
      [[acl.sid, 'bbb-twilio']],
    );
    assert.deepEqual((await client.trunking.v1.trunks(trunk.sid).fetch()).authTypeSet, ['IP_ACL']);

    await client.trunking.v1.trunks(trunk.sid).ipAccessControlLists(acl.sid).remove();
    assert.deepEqual(await client.trunking.v1.trunks(trunk.sid).ipAccessControlLists.list(), []);
    await client.sip.ipAccessControlLists(acl.sid).ipAddresses(ip.sid).remove();
    await client.sip.ipAccessControlLists(acl.sid).remove();
    assert.equal(emulator.state.ipAccessControlLists.has(acl.sid), false);
  });

  test('manages SIP credential lists with credentials and enforces Twilio password rules', async () => {
    const list = await client.sip.credentialLists.create({ friendlyName: 'bbb-twilio' });
    assert.match(list.sid, /^CL[0-9a-f]{32}$/);
    const weak = await rejection(client.sip.credentialLists(list.sid).credentials.create({ username: 'bbb', password: 'short' }));
    assert.equal(weak.status, 400);
    const cred = await client.sip.credentialLists(list.sid).credentials.create({ username: 'bbb', password: 'IWasAtSignal2018' });
    assert.match(cred.sid, /^CR[0-9a-f]{32}$/);
    assert.equal(emulator.state.credentialLists.get(list.sid)?.credentials.get(cred.sid)?.password, 'IWasAtSignal2018');

    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'cred-trunk' });
    await client.trunking.v1.trunks(trunk.sid).credentialsLists.create({ credentialListSid: list.sid });
    assert.deepEqual(
      (await client.trunking.v1.trunks(trunk.sid).credentialsLists.list()).map((l) => l.sid),
      [list.sid],
    );
    await client.sip.credentialLists(list.sid).remove();
    assert.deepEqual(await client.trunking.v1.trunks(trunk.sid).credentialsLists.list(), [], 'deleting a list drops its association');
  });

  test('deleting a trunk removes its origination URLs and detaches its numbers', async () => {
    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'cascade' });
    const pn = emulator.state.addIncomingNumber({ phoneNumber: '+16135550177', trunkSid: trunk.sid });
    emulator.state.addOriginationUrl(trunk.sid, { sipUrl: 'sip:203.0.113.10:5080' });
    await client.trunking.v1.trunks(trunk.sid).remove();
    assert.equal(emulator.state.incomingNumbers.get(pn)?.trunkSid, null);
    assert.equal(emulator.state.originationUrlsOf(trunk.sid).length, 0);
  });

  test('answers wrong credentials with 401 and Twilio error 20003', async () => {
    const intruder = await createTwilioClient({ accountSid, authToken: 'wrong-token', apiUrl: emulator.url });
    const err = await rejection(intruder.trunking.v1.trunks.list());
    assert.equal(err.status, 401);
    assert.equal(err.code, 20003);
    assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/20003');
    assert.equal(emulator.requests.at(-1)?.status, 401);
  });

  test('answers another account path with 404', async () => {
    const other = `AC${'f'.repeat(32)}`;
    const err = await rejection(client.api.v2010.accounts(other).incomingPhoneNumbers.list());
    assert.equal(err.status, 404);
  });

  test('failNext answers the next matching requests with the given error, then recovers', async () => {
    emulator.failNext(/\/IncomingPhoneNumbers\.json$/, { status: 500, code: 20500, message: 'Internal Server Error' }, 2);
    const first = await rejection(client.incomingPhoneNumbers.list());
    const second = await rejection(client.incomingPhoneNumbers.list());
    assert.deepEqual([first.status, first.code, second.status], [500, 20500, 500]);
    assert.ok(Array.isArray(await client.incomingPhoneNumbers.list()));
  });

  test('records method, path, query and form body of every request', async () => {
    const trunk = await client.trunking.v1.trunks.create({ friendlyName: 'recorded', cnamLookupEnabled: true });
    const last = emulator.requests.at(-1);
    assert.deepEqual(last, {
      method: 'POST',
      path: '/v1/Trunks',
      query: {},
      body: { FriendlyName: 'recorded', CnamLookupEnabled: 'true' },
      status: 201,
    });
    assert.equal(trunk.cnamLookupEnabled, true);
  });
});
