import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conferenceControls, keyOwner } from './conference-controls.js';
import { parseXmlTree } from './simulator/xml-tree.js';

function doc(conference: string) {
  const text = `<document type="freeswitch/xml">\n<section name="configuration">\n<configuration name="conference.conf">\n${conference}\n</configuration>\n</section>\n</document>\n`;
  return parseXmlTree(text, text.split('\n').map((_, i) => ({ file: 'conference.conf.xml', line: i + 1 })), 'freeswitch.xml');
}

const BBB_LIKE = `<caller-controls>
<group name="default">
<control action="mute" digits="0"/>
<control action="deaf mute" digits="*"/>
<control action="vol listen up" digits="6"/>
</group>
</caller-controls>
<profiles>
<profile name="cdquality">
<param name="rate" value="48000"/>
</profile>
<profile name="silent">
<param name="caller-controls" value="none"/>
</profile>
<profile name="custom">
<param name="caller-controls" value="mine"/>
</profile>
</profiles>`;

describe('conference caller-controls', () => {
  it('a profile without caller-controls uses the XML "default" group: 0 is mute, and * (deaf mute) takes *6', () => {
    const controls = conferenceControls(doc(BBB_LIKE)).get('cdquality');
    assert.equal(controls?.group, 'default');
    assert.deepEqual(keyOwner('0', controls), { by: 'freeswitch', binding: '0', action: 'mute' });
    assert.deepEqual(keyOwner('*6', controls), { by: 'freeswitch', binding: '*', action: 'deaf mute' });
  });

  it('caller-controls=none binds nothing: the service owns every key (BBB #25244)', () => {
    const controls = conferenceControls(doc(BBB_LIKE)).get('silent');
    assert.equal(controls?.group, 'none');
    assert.deepEqual(keyOwner('*6', controls), { by: 'service' });
    assert.deepEqual(keyOwner('0', controls), { by: 'service' });
  });

  it('a group that does not exist binds nothing; a missing "default" group is mod_conference\'s built-in one', () => {
    assert.deepEqual(keyOwner('0', conferenceControls(doc(BBB_LIKE)).get('custom')), { by: 'service' });
    const builtIn = conferenceControls(doc('<profiles>\n<profile name="p"/>\n</profiles>')).get('p');
    assert.deepEqual(keyOwner('#', builtIn), { by: 'freeswitch', binding: '#', action: 'hangup' });
  });
});
