import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConferenceState } from './conference-state.js';

describe('the conference API over the simulated conferences', () => {
  it('prints "+OK No active conferences." for "conference list" when there are none', () => {
    assert.equal(new ConferenceState().api(['list']), '+OK No active conferences.\n');
  });

  it('takes the whole word after "delim", and a double-quoted one without its quotes', () => {
    const state = ConferenceState.withWebAudioMembers(['12345']);
    assert.match(state.api(['12345', 'list', 'delim', '::']), /^1::sofia\/external\//);
    assert.match(state.api(['12345', 'list', 'delim', '"|"']), /^1\|sofia\/external\//);
  });

  it('asks for a command when only a conference name is given', () => {
    assert.equal(ConferenceState.withWebAudioMembers(['12345']).api(['12345']), "Conference command, not specified.\nTry 'help'\n");
  });
});
