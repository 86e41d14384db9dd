import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkInbound } from './inbound-check.js';
import type { LoadedConfig, SofiaProfile } from './load-config.js';

function profile(params: Array<[string, string]>): SofiaProfile {
  const origin = { file: 'sip_profiles/p.xml', line: 1 };
  return { name: 'p', params: params.map(([name, value]) => ({ name, value, origin })), context: 'public', dialplan: 'XML', origin };
}

const config = { aclLists: new Map() } as unknown as LoadedConfig;
const TWILIO = '54.172.60.0/30';

describe('sofia\'s inbound checks before the dialplan', () => {
  it('admits everyone when apply-inbound-acl is "none" (it empties the ACL table)', () => {
    const v = checkInbound(config, profile([['apply-inbound-acl', TWILIO], ['apply-inbound-acl', 'none']]), '198.51.100.7');
    assert.equal(v.refusal, null);
  });

  it('admits everyone when apply-inbound-acl is empty (sofia skips the param)', () => {
    const v = checkInbound(config, profile([['apply-inbound-acl', '']]), '198.51.100.7');
    assert.equal(v.refusal, null);
    assert.equal(v.context, 'public');
  });

  it('still applies an entry that follows "none"', () => {
    const v = checkInbound(config, profile([['apply-inbound-acl', 'none'], ['apply-inbound-acl', TWILIO]]), '198.51.100.7');
    assert.equal(v.refusal, '403 Forbidden');
  });

  it('keeps an earlier entry\'s fail context when a later entry without a pass context allows', () => {
    const v = checkInbound(config, profile([['apply-inbound-acl', 'loopback.auto::quarantine'], ['apply-inbound-acl', TWILIO]]), '54.172.60.1');
    assert.equal(v.refusal, null);
    assert.equal(v.context, 'quarantine');
  });

  it('routes a refused source to the fail context instead of answering 403', () => {
    const v = checkInbound(config, profile([['apply-inbound-acl', `${TWILIO}:twilio:rejects`]]), '198.51.100.7');
    assert.deepEqual([v.refusal, v.context], [null, 'rejects']);
  });
});
