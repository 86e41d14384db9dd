import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hangupCause } from './app-catalog.js';

describe('hangup causes as switch_channel_str2cause reads them', () => {
  it('knows every cause by name in any case, and by number', () => {
    assert.equal(hangupCause('call_rejected'), 'CALL_REJECTED');
    assert.equal(hangupCause('802'), 'ALLOTTED_TIMEOUT');
    assert.equal(hangupCause('ALLOTTED_TIMEOUT'), 'ALLOTTED_TIMEOUT');
  });

  it('falls back to NORMAL_CLEARING for an unknown name or a leading blank, and UNKNOWN for an unknown number', () => {
    assert.equal(hangupCause('NOT_A_CAUSE'), 'NORMAL_CLEARING');
    assert.equal(hangupCause(' CALL_REJECTED'), 'NORMAL_CLEARING');
    assert.equal(hangupCause('999'), 'UNKNOWN');
  });
});
