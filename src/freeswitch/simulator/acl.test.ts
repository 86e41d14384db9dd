import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAcl, parseAclConf } from './acl.js';
import { parseXmlTree } from './xml-tree.js';

function aclConf(lists: string): ReturnType<typeof parseAclConf> {
  const text = `<configuration name="acl.conf">\n<network-lists>\n${lists}\n</network-lists>\n</configuration>\n`;
  const origins = text.split('\n').map((_, i) => ({ file: 'acl.conf.xml', line: i + 1 }));
  return parseAclConf(parseXmlTree(text, origins, 'acl.conf.xml'));
}

const NONE = new Map();

describe('apply-inbound-acl lists, as switch_check_network_list_ip_port_token decides', () => {
  it('lets an acl.conf list without a default attribute allow what no node matches', () => {
    const lists = aclConf('<list name="carriers">\n<node type="deny" cidr="10.0.0.0/8"/>\n</list>');
    assert.equal(checkAcl('carriers', '198.51.100.7', lists).ok, true);
    assert.equal(checkAcl('carriers', '10.1.2.3', lists).ok, false);
  });

  it('gives a node without a type attribute its list\'s default', () => {
    const lists = aclConf('<list name="twilio" default="deny">\n<node cidr="54.172.60.0/30"/>\n</list>');
    assert.equal(checkAcl('twilio', '54.172.60.1', lists).ok, false);
  });

  it('finds list names case-sensitively', () => {
    const lists = aclConf('<list name="Twilio" default="deny">\n<node type="allow" cidr="54.172.60.0/30"/>\n</list>');
    assert.equal(checkAcl('Twilio', '54.172.60.1', lists).ok, true);
    const lower = checkAcl('twilio', '54.172.60.1', lists);
    assert.equal(lower.ok, false);
    assert.match(lower.reason, /no ACL list named twilio/);
  });

  it('lets the first of two equally long matching nodes win (nodes are prepended, the last visited wins)', () => {
    const lists = aclConf('<list name="tie" default="deny">\n<node type="allow" cidr="54.172.60.0/30"/>\n<node type="deny" cidr="54.172.60.0/30"/>\n</list>');
    assert.equal(checkAcl('tie', '54.172.60.1', lists).ok, true);
  });

  it('ignores an acl.conf node whose cidr has no /bits (switch_parse_cidr refuses it)', () => {
    const lists = aclConf('<list name="bare" default="deny">\n<node type="allow" cidr="54.172.60.1"/>\n</list>');
    assert.equal(checkAcl('bare', '54.172.60.1', lists).ok, false);
  });

  it('reads a /0 node with a non-zero address as that one address (a zero mask in switch_test_subnet)', () => {
    const lists = aclConf('<list name="zero" default="deny">\n<node type="allow" cidr="54.172.60.1/0"/>\n</list>');
    assert.equal(checkAcl('zero', '54.172.60.1', lists).ok, true);
    assert.equal(checkAcl('zero', '54.172.60.2', lists).ok, false);
  });

  it('matches nothing with a bare IP written inline: without a "/" the value is neither a list nor CIDRs', () => {
    const r = checkAcl('54.172.60.1', '54.172.60.1', NONE);
    assert.deepEqual([r.ok, r.decided], [false, true]);
    assert.equal(checkAcl('54.172.60.1,54.172.60.2', '54.172.60.1', NONE).ok, false);
  });

  it('re-tests the CIDR before a bare IP in an inline list instead of testing the bare IP', () => {
    assert.equal(checkAcl('10.0.0.0/8,54.172.60.1', '54.172.60.1', NONE).ok, false);
    assert.equal(checkAcl('10.0.0.0/8,54.172.60.1', '10.9.9.9', NONE).ok, true);
  });

  it('admits everyone, undecidedly, for an inline list that starts with a bare IP (FreeSWITCH reads uninitialised memory)', () => {
    const r = checkAcl('54.172.60.1,10.0.0.0/8', '8.8.8.8', NONE);
    assert.deepEqual([r.ok, r.decided], [true, false]);
    assert.match(r.reason, /admitted every address/);
  });

  it('knows the core\'s fixed .auto lists', () => {
    assert.equal(checkAcl('wan_v4.auto', '54.172.60.1', NONE).ok, true);
    assert.equal(checkAcl('wan_v4.auto', '192.168.1.1', NONE).ok, false);
    assert.equal(checkAcl('rfc6598.auto', '100.64.0.1', NONE).ok, true);
    assert.equal(checkAcl('localnet.auto', '10.0.0.1', NONE).decided, false);
  });
});
