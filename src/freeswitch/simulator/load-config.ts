// Loads FreeSWITCH's configuration the way FreeSWITCH does at start-up: pre-process freeswitch.xml (with its
// includes and global variables), parse the result, then pick out what a call needs: the dialplan contexts,
// the sofia profiles (and their dialplan context), the loaded modules, ACL lists and conference profiles.

import * as path from 'node:path';
import { TargetFileError } from '../../errors.js';
import type { AclList } from './acl.js';
import { parseAclConf } from './acl.js';
import { resolveConfDir } from '../../host/freeswitch-conf-dir.js';
import type { GlobalVariable } from './core-globals.js';
import { coreGlobals } from './core-globals.js';
import type { LoadNote, PreprocessState, ReadHost, SourceLocation } from './preprocess.js';
import { newPreprocessState, preprocessFile, preprocessText } from './preprocess.js';
import { switchTrue } from './switch-string.js';
import type { VarStore } from './var-store.js';
import type { XmlNode } from './xml-tree.js';
import { childElements, findChild, firstChild, parseXmlTree, XmlParseError } from './xml-tree.js';

export interface SofiaParam {
  name: string;
  value: string;
  origin: SourceLocation;
}

export interface SofiaProfile {
  name: string;
  params: SofiaParam[];
  /** The `context` param, or sofia's default when the profile has none: "default" (sofia.c, config_sofia_profile). */
  context: string;
  dialplan: string;
  origin: SourceLocation;
}

export interface LoadedConfig {
  /** Server path of the configuration directory (links resolved). */
  confDir: string;
  files: string[];
  globals: VarStore;
  globalInfo: Map<string, GlobalVariable>;
  notes: LoadNote[];
  document: XmlNode;
  /** <section name="dialplan">, holding the contexts. */
  dialplan: XmlNode | null;
  profiles: SofiaProfile[];
  /** "sofia.conf" when the profiles came through sofia.conf.xml, "sip_profiles" when read directly. */
  profilesSource: 'sofia.conf' | 'sip_profiles';
  /** Modules loaded by modules.conf.xml, or null when the file is not part of the tree. */
  modules: string[] | null;
  /** switch.conf's api-expansion: ${api(...)} expansions are refused when false. */
  apiExpansion: boolean;
  aclLists: Map<string, AclList>;
  /** Profile names in conference.conf.xml, or null when the file is not part of the tree. */
  conferenceProfiles: string[] | null;
}

const SOFIA_STAND_IN = '<profiles>\n<X-PRE-PROCESS cmd="include" data="sip_profiles/*.xml"/>\n</profiles>\n';

function parseOrThrow(text: string, lineOrigins: SourceLocation[], name: string): XmlNode {
  try {
    return parseXmlTree(text, lineOrigins, name);
  } catch (err) {
    if (err instanceof XmlParseError) {
      throw new TargetFileError(err.origin.file, err.message, {
        line: err.origin.line,
        hint: 'FreeSWITCH would refuse this file too; fix the XML (the pre-processor drops <include>, </include> and <? lines first)',
      });
    }
    throw err;
  }
}

/** The <configuration name="..."> element inside <section name="configuration">. */
export function findConfiguration(document: XmlNode, name: string): XmlNode | null {
  const section = findChild(document, 'section', 'name', 'configuration');
  return section ? findChild(section, 'configuration', 'name', name) : null;
}

function profileFrom(node: XmlNode): SofiaProfile | null {
  const name = node.attrs.get('name');
  if (!name) return null;
  const params: SofiaParam[] = [];
  for (const settings of childElements(node, 'settings')) {
    for (const p of childElements(settings, 'param')) {
      const pname = p.attrs.get('name');
      if (pname !== undefined) params.push({ name: pname, value: p.attrs.get('value') ?? '', origin: p.origin });
    }
  }
  const last = (key: string): string | undefined => [...params].reverse().find((p) => p.name.toLowerCase() === key)?.value;
  return { name, params, context: last('context') ?? 'default', dialplan: last('dialplan') ?? 'XML', origin: node.origin };
}

async function loadProfiles(host: ReadHost, state: PreprocessState, confDir: string, document: XmlNode): Promise<Pick<LoadedConfig, 'profiles' | 'profilesSource'>> {
  const sofia = findConfiguration(document, 'sofia.conf');
  if (sofia) {
    const profiles = childElements(sofia, 'profiles').flatMap((p) => childElements(p, 'profile'));
    return { profiles: profiles.map(profileFrom).filter((p): p is SofiaProfile => p !== null), profilesSource: 'sofia.conf' };
  }
  // No sofia.conf.xml in the tree: read sip_profiles/*.xml directly, as the stock sofia.conf.xml includes them.
  const name = path.posix.join(confDir, 'autoload_configs/sofia.conf.xml (absent; stand-in)');
  const out = await preprocessText(host, state, confDir, name, SOFIA_STAND_IN);
  const root = parseOrThrow(out.text, out.lineOrigins, name);
  state.notes.push({
    kind: 'missing-include',
    message: 'autoload_configs/sofia.conf.xml is not in the tree; read sip_profiles/*.xml directly as the stock sofia.conf.xml does',
    file: name,
    line: 1,
  });
  const profiles = childElements(root, 'profile').map(profileFrom).filter((p): p is SofiaProfile => p !== null);
  return { profiles, profilesSource: 'sip_profiles' };
}

function loadedModules(document: XmlNode): string[] | null {
  const conf = findConfiguration(document, 'modules.conf');
  if (!conf) return null;
  return childElements(conf, 'modules').flatMap((m) => childElements(m, 'load')).map((l) => l.attrs.get('module') ?? '').filter(Boolean);
}

function apiExpansion(document: XmlNode): boolean {
  const conf = findConfiguration(document, 'switch.conf');
  const settings = conf ? firstChild(conf, 'settings') : null;
  const param = settings ? childElements(settings, 'param').find((p) => p.attrs.get('name')?.toLowerCase() === 'api-expansion') : undefined;
  return param === undefined ? true : switchTrue(param.attrs.get('value') ?? '');
}

function conferenceProfiles(document: XmlNode): string[] | null {
  const conf = findConfiguration(document, 'conference.conf');
  if (!conf) return null;
  return childElements(conf, 'profiles').flatMap((p) => childElements(p, 'profile')).map((p) => p.attrs.get('name') ?? '').filter(Boolean);
}

/** Load the server's FreeSWITCH configuration through `host`. Throws TargetFileError when it cannot. */
export async function loadFreeswitchConfig(host: ReadHost): Promise<LoadedConfig> {
  const confDir = await resolveConfDir(host);
  const entry = path.posix.join(confDir, 'freeswitch.xml');
  const state = newPreprocessState(coreGlobals());
  let out;
  try {
    out = await preprocessFile(host, state, confDir, entry);
  } catch (err) {
    if (err instanceof TargetFileError) throw err;
    throw new TargetFileError(entry, `cannot read: ${(err as Error).message}`, { hint: 'check the path given with --root and the file permissions' });
  }
  const document = parseOrThrow(out.text, out.lineOrigins, entry);
  const { profiles, profilesSource } = await loadProfiles(host, state, confDir, document);
  return {
    confDir,
    files: state.files,
    globals: state.globals,
    globalInfo: state.globalInfo,
    notes: state.notes,
    document,
    dialplan: findChild(document, 'section', 'name', 'dialplan'),
    profiles,
    profilesSource,
    modules: loadedModules(document),
    apiExpansion: apiExpansion(document),
    aclLists: parseAclConf(findConfiguration(document, 'acl.conf')),
    conferenceProfiles: conferenceProfiles(document),
  };
}

/** The sofia profile called `name` (case-insensitive), or null. */
export function findSofiaProfile(config: LoadedConfig, name: string): SofiaProfile | null {
  const n = name.toLowerCase();
  return config.profiles.find((p) => p.name.toLowerCase() === n) ?? null;
}

/** Every value of a profile param (sofia keeps the last for most params; ACL params accumulate). */
export function profileParams(profile: SofiaProfile, name: string): string[] {
  const n = name.toLowerCase();
  return profile.params.filter((p) => p.name.toLowerCase() === n).map((p) => p.value);
}

/** The dialplan context FreeSWITCH would hunt in: the named one, else "global", else null. */
export function findDialplanContext(config: LoadedConfig, name: string): XmlNode | null {
  if (!config.dialplan) return null;
  return findChild(config.dialplan, 'context', 'name', name) ?? findChild(config.dialplan, 'context', 'name', 'global');
}
