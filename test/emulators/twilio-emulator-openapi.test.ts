// The emulator's JSON answers checked against Twilio's published OpenAPI specs
// (../shared/reference/twilio, kept out of the project). Every endpoint bbb-twilio uses is called once
// over plain HTTP, and each answer must match the response schema of its path, method and status,
// with every documented field present and no undocumented one.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ResponseSchemaIndex, createTwilioAjv, indexResponseSchemas } from './openapi-response-schemas.js';
import { type TwilioEmulator, startTwilioEmulator } from './twilio-emulator.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const referenceDir = resolve(projectRoot, '../shared/reference/twilio');
const SPEC_FILES = ['twilio_trunking_v1.json', 'twilio_api_v2010_sip_subset.json'] as const;
const missing = SPEC_FILES.filter((f) => !existsSync(join(referenceDir, f)));
const skip = missing.length === 0 ? false : `Twilio OpenAPI specs not found in ${referenceDir} (${missing.join(', ')})`;

const accountSid = `AC${'5'.repeat(32)}`;
const authToken = 'openapi-check-token-1A2b';

interface Exchange {
  method: string;
  path: string;
  status: number;
  body: unknown;
  text: string;
}

/** Every endpoint bbb-twilio calls: `METHOD template`, as written in the specs. */
const USED_ENDPOINTS = [
  'GET /v1/Trunks',
  'POST /v1/Trunks',
  'GET /v1/Trunks/{Sid}',
  'POST /v1/Trunks/{Sid}',
  'DELETE /v1/Trunks/{Sid}',
  'GET /v1/Trunks/{TrunkSid}/OriginationUrls',
  'POST /v1/Trunks/{TrunkSid}/OriginationUrls',
  'GET /v1/Trunks/{TrunkSid}/OriginationUrls/{Sid}',
  'POST /v1/Trunks/{TrunkSid}/OriginationUrls/{Sid}',
  'DELETE /v1/Trunks/{TrunkSid}/OriginationUrls/{Sid}',
  'GET /v1/Trunks/{TrunkSid}/PhoneNumbers',
  'POST /v1/Trunks/{TrunkSid}/PhoneNumbers',
  'GET /v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}',
  'DELETE /v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}',
  'GET /v1/Trunks/{TrunkSid}/IpAccessControlLists',
  'POST /v1/Trunks/{TrunkSid}/IpAccessControlLists',
  'GET /v1/Trunks/{TrunkSid}/IpAccessControlLists/{Sid}',
  'DELETE /v1/Trunks/{TrunkSid}/IpAccessControlLists/{Sid}',
  'GET /v1/Trunks/{TrunkSid}/CredentialLists',
  'POST /v1/Trunks/{TrunkSid}/CredentialLists',
  'GET /v1/Trunks/{TrunkSid}/CredentialLists/{Sid}',
  'DELETE /v1/Trunks/{TrunkSid}/CredentialLists/{Sid}',
  'GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json',
  'GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json',
  'POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json',
  'GET /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists.json',
  'POST /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists.json',
  'GET /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists/{Sid}.json',
  'POST /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists/{Sid}.json',
  'DELETE /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists/{Sid}.json',
  'GET /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses.json',
  'POST /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses.json',
  'GET /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses/{Sid}.json',
  'POST /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses/{Sid}.json',
  'DELETE /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses/{Sid}.json',
  'GET /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists.json',
  'POST /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists.json',
  'GET /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{Sid}.json',
  'POST /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{Sid}.json',
  'DELETE /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{Sid}.json',
  'GET /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{CredentialListSid}/Credentials.json',
  'POST /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{CredentialListSid}/Credentials.json',
  'GET /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{CredentialListSid}/Credentials/{Sid}.json',
  'POST /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{CredentialListSid}/Credentials/{Sid}.json',
  'DELETE /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{CredentialListSid}/Credentials/{Sid}.json',
];

/** Call every used endpoint once (lists with a small page size, so both null and set page links occur). */
async function exerciseEveryEndpoint(emulator: TwilioEmulator): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  const call = async (method: string, path: string, form?: Record<string, string>): Promise<Record<string, unknown>> => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        ...(form === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
      },
      ...(form === undefined ? {} : { body: new URLSearchParams(form) }),
    });
    const text = await response.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    exchanges.push({ method, path: new URL(path, emulator.url).pathname, status: response.status, body, text });
    if (response.status >= 400) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (body ?? {}) as Record<string, unknown>;
  };
  const sid = (body: Record<string, unknown>): string => String(body.sid);
  const acct = `/2010-04-01/Accounts/${accountSid}`;

  const trunk = sid(await call('POST', '/v1/Trunks', { FriendlyName: 'bbb-twilio', DomainName: 'bbb-check.pstn.twilio.com' }));
  await call('POST', '/v1/Trunks', { FriendlyName: 'second' });
  await call('GET', '/v1/Trunks?PageSize=1');
  await call('GET', '/v1/Trunks');
  await call('GET', `/v1/Trunks/${trunk}`);
  await call('POST', `/v1/Trunks/${trunk}`, { CnamLookupEnabled: 'true' });

  const ou = sid(
    await call('POST', `/v1/Trunks/${trunk}/OriginationUrls`, {
      FriendlyName: 'bbb-twilio',
      SipUrl: 'sip:203.0.113.10:5080',
      Priority: '10',
      Weight: '10',
      Enabled: 'true',
    }),
  );
  await call('GET', `/v1/Trunks/${trunk}/OriginationUrls`);
  await call('GET', `/v1/Trunks/${trunk}/OriginationUrls/${ou}`);
  await call('POST', `/v1/Trunks/${trunk}/OriginationUrls/${ou}`, { SipUrl: 'sip:203.0.113.11:5080;edge=dublin' });

  const pn = emulator.state.addIncomingNumber({ phoneNumber: '+16135550142', voiceUrl: 'https://demo.twilio.com/welcome/voice/' });
  emulator.state.addIncomingNumber({ phoneNumber: '+16135550143' });
  await call('GET', `${acct}/IncomingPhoneNumbers.json?PhoneNumber=%2B16135550142`);
  await call('GET', `${acct}/IncomingPhoneNumbers.json?PageSize=1`);
  await call('GET', `${acct}/IncomingPhoneNumbers/${pn}.json`);
  await call('POST', `${acct}/IncomingPhoneNumbers/${pn}.json`, { VoiceApplicationSid: `AP${'a'.repeat(32)}` });
  await call('POST', `/v1/Trunks/${trunk}/PhoneNumbers`, { PhoneNumberSid: pn });
  await call('GET', `/v1/Trunks/${trunk}/PhoneNumbers`);
  await call('GET', `/v1/Trunks/${trunk}/PhoneNumbers/${pn}`);

  const acl = sid(await call('POST', `${acct}/SIP/IpAccessControlLists.json`, { FriendlyName: 'bbb-twilio' }));
  await call('GET', `${acct}/SIP/IpAccessControlLists.json`);
  await call('GET', `${acct}/SIP/IpAccessControlLists/${acl}.json`);
  await call('POST', `${acct}/SIP/IpAccessControlLists/${acl}.json`, { FriendlyName: 'bbb-twilio acl' });
  const ip = sid(
    await call('POST', `${acct}/SIP/IpAccessControlLists/${acl}/IpAddresses.json`, {
      FriendlyName: 'bbb',
      IpAddress: '203.0.113.10',
      CidrPrefixLength: '32',
    }),
  );
  await call('GET', `${acct}/SIP/IpAccessControlLists/${acl}/IpAddresses.json`);
  await call('GET', `${acct}/SIP/IpAccessControlLists/${acl}/IpAddresses/${ip}.json`);
  await call('POST', `${acct}/SIP/IpAccessControlLists/${acl}/IpAddresses/${ip}.json`, { IpAddress: '203.0.113.12' });

  const cl = sid(await call('POST', `${acct}/SIP/CredentialLists.json`, { FriendlyName: 'bbb-twilio' }));
  await call('GET', `${acct}/SIP/CredentialLists.json`);
  await call('GET', `${acct}/SIP/CredentialLists/${cl}.json`);
  await call('POST', `${acct}/SIP/CredentialLists/${cl}.json`, { FriendlyName: 'bbb-twilio creds' });
  const cr = sid(
    await call('POST', `${acct}/SIP/CredentialLists/${cl}/Credentials.json`, { Username: 'bbb', Password: 'IWasAtSignal2018' }),
  );
  await call('GET', `${acct}/SIP/CredentialLists/${cl}/Credentials.json`);
  await call('GET', `${acct}/SIP/CredentialLists/${cl}/Credentials/${cr}.json`);
  await call('POST', `${acct}/SIP/CredentialLists/${cl}/Credentials/${cr}.json`, { Password: 'IWasAtSignal2019' });

  await call('POST', `/v1/Trunks/${trunk}/IpAccessControlLists`, { IpAccessControlListSid: acl });
  await call('GET', `/v1/Trunks/${trunk}/IpAccessControlLists`);
  await call('GET', `/v1/Trunks/${trunk}/IpAccessControlLists/${acl}`);
  await call('POST', `/v1/Trunks/${trunk}/CredentialLists`, { CredentialListSid: cl });
  await call('GET', `/v1/Trunks/${trunk}/CredentialLists`);
  await call('GET', `/v1/Trunks/${trunk}/CredentialLists/${cl}`);
  await call('GET', `/v1/Trunks/${trunk}`);

  await call('DELETE', `/v1/Trunks/${trunk}/CredentialLists/${cl}`);
  await call('DELETE', `/v1/Trunks/${trunk}/IpAccessControlLists/${acl}`);
  await call('DELETE', `/v1/Trunks/${trunk}/PhoneNumbers/${pn}`);
  await call('DELETE', `/v1/Trunks/${trunk}/OriginationUrls/${ou}`);
  await call('DELETE', `${acct}/SIP/CredentialLists/${cl}/Credentials/${cr}.json`);
  await call('DELETE', `${acct}/SIP/CredentialLists/${cl}.json`);
  await call('DELETE', `${acct}/SIP/IpAccessControlLists/${acl}/IpAddresses/${ip}.json`);
  await call('DELETE', `${acct}/SIP/IpAccessControlLists/${acl}.json`);
  await call('DELETE', `/v1/Trunks/${trunk}`);
  return exchanges;
}

describe('Twilio emulator answers match Twilio OpenAPI response schemas', { skip }, () => {
  let emulator: TwilioEmulator;
  let exchanges: Exchange[] = [];
  const specs: ResponseSchemaIndex[] = [];

  before(async () => {
    const ajv = createTwilioAjv();
    for (const file of SPEC_FILES) {
      const doc = JSON.parse(readFileSync(join(referenceDir, file), 'utf8')) as Parameters<typeof indexResponseSchemas>[0];
      specs.push(indexResponseSchemas(doc, ajv, { strictObjects: true }));
    }
    emulator = await startTwilioEmulator({ accountSid, authToken });
    exchanges = await exerciseEveryEndpoint(emulator);
  });
  after(async () => {
    await emulator?.close();
  });

  const lookup = (e: Exchange) => {
    const reasons: string[] = [];
    for (const spec of specs) {
      const found = spec.find(e.method, e.path, e.status);
      if (typeof found !== 'string') return found;
      reasons.push(found);
    }
    return reasons.join('; ');
  };

  test('every endpoint bbb-twilio uses is documented in the specs and was exercised', () => {
    const exercised = new Set<string>();
    for (const e of exchanges) {
      const found = lookup(e);
      assert.notEqual(typeof found, 'string', `${e.method} ${e.path} ${e.status}: ${String(found)}`);
      if (typeof found !== 'string') exercised.add(`${e.method} ${found.template}`);
    }
    assert.deepEqual(
      USED_ENDPOINTS.filter((endpoint) => !exercised.has(endpoint)),
      [],
    );
  });

  test('every JSON answer matches the response schema of its path, method and status', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const e of exchanges) {
      const found = lookup(e);
      if (typeof found === 'string' || found.validate === undefined) continue;
      checked += 1;
      if (!found.validate(e.body)) {
        const errors = (found.validate.errors ?? []).map((err) => `${err.instancePath || '/'} ${err.message ?? ''}`);
        failures.push(`${e.method} ${found.template} ${e.status}: ${errors.join(', ')}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(checked, exchanges.filter((e) => e.method !== 'DELETE').length);
  });

  test('deletes answer 204 with an empty body, as the specs document', () => {
    const deletes = exchanges.filter((e) => e.method === 'DELETE');
    assert.equal(deletes.length, USED_ENDPOINTS.filter((ep) => ep.startsWith('DELETE')).length);
    for (const e of deletes) {
      assert.equal(e.status, 204, `${e.method} ${e.path}`);
      assert.equal(e.text, '');
    }
  });

  test('list pages carry a next page link when more records follow', () => {
    const v1 = exchanges.find((e) => e.path === '/v1/Trunks' && e.method === 'GET');
    const meta = (v1?.body as { meta?: { next_page_url?: unknown } } | undefined)?.meta;
    assert.match(String(meta?.next_page_url), /^https:\/\/trunking\.twilio\.com\/v1\/Trunks\?PageSize=1&Page=1&PageToken=PATK/);
    const v2010 = exchanges.filter((e) => e.path.endsWith('/IncomingPhoneNumbers.json'));
    const paged = v2010.map((e) => (e.body as { next_page_uri?: unknown }).next_page_uri);
    assert.deepEqual(
      paged.map((uri) => (uri === null ? null : String(uri).replace(/PageToken=PAPN[0-9a-f]{32}$/, 'PageToken=PAPN…'))),
      [null, `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json?PageSize=1&Page=1&PageToken=PAPN…`],
    );
  });
});
