import assert from 'node:assert/strict';
import test from 'node:test';
import { isPublicIpv4 } from '../../src/init/detect-public-ip.js';

test('private, loopback, link-local, shared (CGNAT), multicast and reserved addresses are not offered as public', () => {
  for (const a of ['10.0.3.66', '172.16.0.1', '172.31.255.255', '192.168.1.5', '127.0.0.1', '169.254.10.1', '100.64.0.1', '100.127.255.254', '0.1.2.3', '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.0.8']) {
    assert.equal(isPublicIpv4(a), false, a);
  }
});

test('routable addresses are public, including neighbours of the private ranges and the documentation ranges', () => {
  for (const a of ['203.0.113.10', '198.51.100.7', '8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '11.0.0.1']) {
    assert.equal(isPublicIpv4(a), true, a);
  }
  assert.equal(isPublicIpv4('stun:stun.freeswitch.org'), false);
});
