import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TargetFileError } from '../../errors.js';
import { findDialplanContext, findSofiaProfile, loadFreeswitchConfig, profileParams } from './load-config.js';
import { MemoryTree } from './memory-tree.js';

const C = '/opt/freeswitch/etc/freeswitch';

const MAIN = `<?xml version="1.0"?>
<document type="freeswitch/xml">
  <X-PRE-PROCESS cmd="include" data="vars.xml"/>
  <section name="configuration">
    <X-PRE-PROCESS cmd="include" data="autoload_configs/*.xml"/>
  </section>
  <section name="dialplan">
    <X-PRE-PROCESS cmd="include" data="dialplan/*.xml"/>
  </section>
</document>
`;

function tree(extra: Record<string, string> = {}): MemoryTree {
  return new MemoryTree({
    [`${C}/freeswitch.xml`]: MAIN,
    [`${C}/vars.xml`]: '<include>\n  <X-PRE-PROCESS cmd="set" data="port=5060"/>\n</include>\n',
    [`${C}/dialplan/public.xml`]: '<include>\n<context name="public">\n<extension name="one"/>\n<extension name="two"/>\n</context>\n</include>\n',
    [`${C}/sip_profiles/external.xml`]: '<profile name="external">\n<settings>\n<param name="sip-port" value="$${port}"/>\n<param name="context" value="public"/>\n</settings>\n</profile>\n',
    ...extra,
  });
}

describe('loading FreeSWITCH configuration', () => {
  it('finds the dialplan contexts with their extensions in document order, each knowing its file and line', async () => {
    const config = await loadFreeswitchConfig(tree());
    const ctx = findDialplanContext(config, 'PUBLIC');
    assert.deepEqual(ctx?.children.map((x) => x.attrs.get('name')), ['one', 'two']);
    assert.deepEqual(ctx?.children[1]?.origin, { file: `${C}/dialplan/public.xml`, line: 4 });
  });

  it('reads sofia profiles through sofia.conf.xml when present', async () => {
    const config = await loadFreeswitchConfig(
      tree({ [`${C}/autoload_configs/sofia.conf.xml`]: '<configuration name="sofia.conf">\n<profiles>\n<X-PRE-PROCESS cmd="include" data="../sip_profiles/*.xml"/>\n</profiles>\n</configuration>\n' }),
    );
    assert.equal(config.profilesSource, 'sofia.conf');
    const external = findSofiaProfile(config, 'external');
    assert.equal(external?.context, 'public');
    assert.deepEqual(profileParams(external ?? { name: '', params: [], context: '', dialplan: '', origin: { file: '', line: 0 } }, 'sip-port'), ['5060']);
  });

  it('reads sip_profiles/*.xml directly when sofia.conf.xml is not in the tree, and says so', async () => {
    const config = await loadFreeswitchConfig(tree());
    assert.equal(config.profilesSource, 'sip_profiles');
    assert.equal(findSofiaProfile(config, 'external')?.context, 'public');
    assert.ok(config.notes.some((n) => n.message.includes('sofia.conf.xml is not in the tree')));
  });

  it('gives a profile without a context param sofia\'s default context, "default"', async () => {
    const config = await loadFreeswitchConfig(
      tree({ [`${C}/sip_profiles/bare.xml`]: '<profile name="bare">\n<settings>\n<param name="sip-port" value="5070"/>\n</settings>\n</profile>\n' }),
    );
    assert.equal(findSofiaProfile(config, 'bare')?.context, 'default');
  });

  it('follows /opt/freeswitch/conf when it is a plain file holding its link target', async () => {
    const moved = new MemoryTree({
      '/opt/freeswitch/conf': 'etc/fs\n',
      '/opt/freeswitch/etc/fs/freeswitch.xml': '<document>\n<section name="dialplan"/>\n</document>\n',
    });
    const config = await loadFreeswitchConfig(moved);
    assert.equal(config.confDir, '/opt/freeswitch/etc/fs');
  });

  it('names the file and line of an XML error', async () => {
    const broken = tree({ [`${C}/dialplan/public.xml`]: '<include>\n<context name="public">\n<extension name="one">\n</context>\n</include>\n' });
    await assert.rejects(loadFreeswitchConfig(broken), (err: unknown) => {
      assert.ok(err instanceof TargetFileError);
      assert.equal(err.file, `${C}/dialplan/public.xml`);
      assert.ok(err.hint);
      return true;
    });
  });

  it('fails with a hint when there is no FreeSWITCH configuration at all', async () => {
    await assert.rejects(loadFreeswitchConfig(new MemoryTree({ '/etc/hostname': 'x' })), /FreeSWITCH configuration not found/);
  });

  it('accepts "<" inside a quoted attribute, as FreeSWITCH\'s parser does (a look-behind)', async () => {
    const config = await loadFreeswitchConfig(
      tree({ [`${C}/dialplan/public.xml`]: '<include>\n<context name="public">\n<extension name="lb"><condition field="x" expression="(?&lt;=a)b|(?<!c)d"/></extension>\n</context>\n</include>\n' }),
    );
    const cond = findDialplanContext(config, 'public')?.children[0]?.children[0];
    assert.equal(cond?.attrs.get('expression'), '(?<=a)b|(?<!c)d');
  });
});
