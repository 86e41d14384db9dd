import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load-config.js';
import { TWILIO_MEDIA_CIDRS, TWILIO_SIGNALING_CIDRS } from '../src/config/schema.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'config.yml');

test('examples/config.yml is a valid config that states the defaults', async () => {
  const config = parseConfig(await fs.readFile(EXAMPLE, 'utf8'), EXAMPLE, { env: {} });
  assert.equal(config.server.publicIp, '203.0.113.10');
  assert.deepEqual(config.numbers.map((n) => n.e164), ['+16135550142', '+442079460018']);
  assert.equal(config.sip.profile, 'dedicated');
  assert.equal(config.sip.port, 5080);
  assert.deepEqual(config.twilio.signalingCidrs, TWILIO_SIGNALING_CIDRS);
  assert.deepEqual(config.twilio.mediaCidrs, TWILIO_MEDIA_CIDRS);
  assert.equal(config.dialin.tries, 3);
});
