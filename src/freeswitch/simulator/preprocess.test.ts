import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coreGlobals } from './core-globals.js';
import { MemoryTree } from './memory-tree.js';
import { newPreprocessState, preprocessFile } from './preprocess.js';

const C = '/conf';

async function run(files: Record<string, string>, entry = 'main.xml') {
  const tree = new MemoryTree(Object.fromEntries(Object.entries(files).map(([k, v]) => [`${C}/${k}`, v])));
  const state = newPreprocessState(coreGlobals());
  const out = await preprocessFile(tree, state, C, `${C}/${entry}`);
  return { ...out, state };
}

describe('the configuration pre-processor', () => {
  it('sets globals and expands $${var} on later lines only', async () => {
    const { text, state } = await run({
      'main.xml': '<a x="$${later}"/>\n<X-PRE-PROCESS cmd="set" data="later=1"/>\n<b x="$${later}" y="$${sounds_dir}"/>\n',
    });
    assert.equal(text, '<a x=""/>\n<b x="1" y="/opt/freeswitch/share/freeswitch/sounds"/>\n');
    assert.equal(state.globals.get('later'), '1');
    assert.ok(state.notes.some((n) => n.kind === 'undefined-variable' && n.line === 1));
  });

  it('runs an X-PRE-PROCESS line inside an XML comment (it only reads lines)', async () => {
    const { state, text } = await run({ 'main.xml': '<a>\n<!-- <X-PRE-PROCESS cmd="set" data="ghost=boo"/> -->\n</a>\n' });
    assert.equal(state.globals.get('ghost'), 'boo');
    assert.equal(text, '<a>\n</a>\n');
  });

  it('reads data raw up to the next double quote, and trims spaces around "="', async () => {
    const { state } = await run({ 'main.xml': '<X-PRE-PROCESS cmd="set" data="amp = a&amp;b<c"/>\n<X-PRE-PROCESS cmd="set" data="q=say "hi""/>\n' });
    assert.equal(state.globals.get('amp'), 'a&amp;b<c');
    assert.equal(state.globals.get('q'), 'say ');
  });

  it('drops lines with <include>, </include> or <?, and lines naming X-PRE-PROCESS after anything but <', async () => {
    const { text, state } = await run({
      'main.xml': '<?xml version="1.0"?>\n<include>\n<a/>\n<XX-PRE-PROCESS cmd="set" data="off=1"/>\n<!-- NOTICE: an X-PRE-PROCESS line -->\n</include>\n',
    });
    assert.equal(text, '<a/>\n');
    assert.equal(state.globals.get('off'), null);
  });

  it('includes glob matches in byte order, relative to the including file', async () => {
    const { text, lineOrigins } = await run({
      'main.xml': '<d>\n<X-PRE-PROCESS cmd="include" data="sub/*.xml"/>\n</d>\n',
      'sub/b.xml': '<include>\n<b/>\n<X-PRE-PROCESS cmd="include" data="inner/*.xml"/>\n</include>\n',
      'sub/a.xml': '<a/>\n',
      'sub/Z.xml': '<Z/>\n',
      'sub/.hidden.xml': '<hidden/>\n',
      'sub/inner/i.xml': '<i/>\n',
    });
    assert.equal(text, '<d>\n<Z/>\n<a/>\n<b/>\n<i/>\n</d>\n');
    assert.deepEqual(lineOrigins[4], { file: `${C}/sub/inner/i.xml`, line: 1 });
  });

  it('notes an include that matches nothing and carries on', async () => {
    const { text, state } = await run({ 'main.xml': '<d>\n<X-PRE-PROCESS cmd="include" data="none/*.xml"/>\n</d>\n' });
    assert.equal(text, '<d>\n</d>\n');
    assert.ok(state.notes.some((n) => n.kind === 'missing-include'));
  });

  it('marks stun: values and stun-set/env-set/exec-set results as unresolved', async () => {
    const { state } = await run({
      'main.xml': [
        '<X-PRE-PROCESS cmd="set" data="external_rtp_ip=stun:stun.freeswitch.org"/>',
        '<X-PRE-PROCESS cmd="stun-set" data="ext=stun.example.org"/>',
        '<X-PRE-PROCESS cmd="env-set" data="home=$HOME"/>',
        '<X-PRE-PROCESS cmd="exec-set" data="who=whoami"/>',
        '',
      ].join('\n'),
    });
    for (const name of ['external_rtp_ip', 'ext', 'home', 'who']) assert.ok(state.globalInfo.get(name)?.unresolved, name);
  });

  it('understands the older <!--#set "a=b"--> and <!--#include "file"--> forms', async () => {
    const { text, state } = await run({ 'main.xml': '<d><!--#set "old=style"--></d>\n<!--#include "x.xml"-->\n', 'x.xml': '<x/>\n' });
    assert.equal(state.globals.get('old'), 'style');
    // As in FreeSWITCH, what follows "-->" (here the newline) is written before the included file.
    assert.equal(text, '<d></d>\n\n<x/>\n');
  });
});
