import assert from 'node:assert/strict';
import test from 'node:test';
import { cidrBits, ipInCidr, isIpv4Cidr, isPrivateIpv4, isPublicIpv4, nonPublicIpv4, parseIpv4Range, rangeContains } from './ipv4.js';

test('a /30 of Twilio contains its own addresses and is contained in a wider rule, not the reverse', () => {
  const twilio = parseIpv4Range('54.172.60.0/30');
  const wide = parseIpv4Range('54.172.0.0/16');
  const one = parseIpv4Range('54.172.60.3');
  assert.ok(twilio && wide && one);
  assert.ok(rangeContains(twilio, one));
  assert.ok(rangeContains(wide, twilio));
  assert.ok(!rangeContains(twilio, wide));
  const next = parseIpv4Range('54.172.60.4');
  assert.ok(next && !rangeContains(twilio, next));
  assert.deepEqual(parseIpv4Range('0.0.0.0/0'), { first: 0, last: 2 ** 32 - 1 });
});

test('IPv6, names and out-of-range octets are not IPv4 ranges', () => {
  for (const bad of ['::/0', 'any', '256.1.1.1', '1.2.3.4/33', '']) assert.equal(parseIpv4Range(bad), null, bad);
});

test('private, carrier-grade NAT, loopback and link-local addresses are private; documentation and public ones are not', () => {
  for (const ip of ['10.0.3.66', '172.20.1.1', '192.168.1.10', '100.64.0.1', '127.0.0.1', '169.254.1.1']) assert.ok(isPrivateIpv4(ip), ip);
  for (const ip of ['203.0.113.10', '54.172.60.1', '172.32.0.1', '8.8.8.8']) assert.ok(!isPrivateIpv4(ip), ip);
});

test('public means routable: private, shared, loopback, link-local, benchmarking and multicast are not; documentation ranges are', () => {
  for (const ip of ['203.0.113.10', '198.51.100.7', '54.172.60.1', '8.8.8.8']) assert.ok(isPublicIpv4(ip), ip);
  for (const ip of ['10.0.3.66', '100.64.0.1', '198.18.0.1', '224.0.0.1', '0.1.2.3', '192.0.0.8', '01.2.3.4', 'x']) {
    assert.ok(!isPublicIpv4(ip), ip);
  }
});

test('ipInCidr is false, not an error, for anything that is not IPv4', () => {
  assert.ok(ipInCidr('54.172.60.3', '54.172.60.0/30'));
  assert.ok(!ipInCidr('54.172.60.4', '54.172.60.0/30'));
  assert.ok(!ipInCidr('::1', '0.0.0.0/0'));
  assert.ok(isIpv4Cidr('54.172.60.0/30') && !isIpv4Cidr('54.172.60.0') && !isIpv4Cidr('54.172.60.0/33'));
});

test('non-public addresses are named; unspecified, multicast and broadcast ones are unusable, lab and NAT ones are not', () => {
  assert.deepEqual(nonPublicIpv4('10.0.0.5'), { what: 'a private address', unusable: false });
  assert.deepEqual(nonPublicIpv4('127.0.0.1'), { what: 'a loopback address', unusable: false });
  assert.deepEqual(nonPublicIpv4('240.1.2.3'), { what: 'a reserved address', unusable: false });
  assert.deepEqual(nonPublicIpv4('0.0.0.0'), { what: 'an unspecified ("this network") address', unusable: true });
  assert.deepEqual(nonPublicIpv4('224.0.0.1'), { what: 'a multicast address', unusable: true });
  assert.deepEqual(nonPublicIpv4('255.255.255.255'), { what: 'the broadcast address', unusable: true });
  assert.equal(nonPublicIpv4('203.0.113.10'), undefined);
  assert.equal(nonPublicIpv4('bbb.example.org'), undefined);
});

test('cidrBits reads the prefix length; a bare address is a /32', () => {
  assert.deepEqual(['0.0.0.0/0', '54.172.0.0/16', '54.172.60.0/30', '1.2.3.4'].map(cidrBits), [0, 16, 30, 32]);
  assert.equal(cidrBits('::/0'), undefined);
});
