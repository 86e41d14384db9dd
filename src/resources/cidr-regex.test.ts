import assert from 'node:assert/strict';
import test from 'node:test';
import { ipInCidr } from '../net/ipv4.js';
import { cidrsToRegex, cidrPattern } from './cidr-regex.js';

test('a /30 matches exactly its four addresses', () => {
  const re = new RegExp(cidrsToRegex(['54.172.60.0/30']));
  for (const ip of ['54.172.60.0', '54.172.60.1', '54.172.60.2', '54.172.60.3']) assert.match(ip, re);
  for (const ip of ['54.172.60.4', '54.172.60.30', '154.172.60.1', '54.172.60.1.5', '54x172.60.1']) {
    assert.doesNotMatch(ip, re);
  }
});

test('an /18 enumerates the varying octet and accepts any value after it', () => {
  const re = new RegExp(cidrsToRegex(['168.86.128.0/18']));
  assert.match('168.86.128.0', re);
  assert.match('168.86.191.255', re);
  assert.doesNotMatch('168.86.192.0', re);
  assert.doesNotMatch('168.86.127.255', re);
});

test('several CIDRs combine into one anchored alternation', () => {
  const re = new RegExp(cidrsToRegex(['54.172.60.0/30', '177.71.206.192/30']));
  assert.match('177.71.206.195', re);
  assert.doesNotMatch('177.71.206.196', re);
  assert.equal(cidrPattern('10.0.0.1/32'), '10\\.0\\.0\\.1');
});

test('the regex and ipInCidr agree on every address around a block', () => {
  const cidr = '35.156.191.128/30';
  const re = new RegExp(cidrsToRegex([cidr]));
  for (let last = 120; last < 140; last++) {
    const ip = `35.156.191.${last}`;
    assert.equal(re.test(ip), ipInCidr(ip, cidr), ip);
  }
});
