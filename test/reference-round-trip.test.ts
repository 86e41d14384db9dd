// Every file in the reference corpus of real BBB 2.7 / 3.0 files (../shared/reference/bbb, kept out
// of the project) must survive read -> unchanged write byte for byte through the lossless editors.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Properties } from 'properties-file/parser';
import { removeMarkedBlock, setMarkedBlock } from '../src/edit/marked-block.js';
import { readPreprocessedVars, setPreprocessedVar } from '../src/edit/preprocessed-vars.js';
import { getProperty, setProperty } from '../src/edit/properties.js';
import { parseXmlOrThrow, type XMLElement } from '../src/edit/xml-document.js';
import { decodeXmlAttribute, findParams, setParamValue } from '../src/edit/xml-params.js';

// The project root is one level up from test/; the corpus is ../shared/reference/bbb from there.
const CORPUS = fileURLToPath(new URL('../../shared/reference/bbb/', import.meta.url));

/** Regular files under `dir`; anything that is not a directory (the `conf` symlink stand-in) is not walked. */
function walk(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

function paramNames(element: XMLElement, names: Set<string>): Set<string> {
  if (element.name === 'param') {
    const name = element.attributes.find((a) => a.key === 'name')?.value;
    if (name !== undefined && name !== null) names.add(decodeXmlAttribute(name));
  }
  for (const child of element.subElements) paramNames(child, names);
  return names;
}

const present = existsSync(CORPUS);
const files = present ? walk(CORPUS) : [];
const byExtension = (ext: string): string[] => files.filter((f) => f.endsWith(ext));

describe('reference corpus round trip', () => {
  if (!present) {
    it('reference corpus', (t) => {
      t.skip('reference corpus not present');
    });
    return;
  }

  it('holds XML, vars.xml and .properties files for both versions', () => {
    assert.ok(byExtension('.xml').length >= 2);
    assert.equal(byExtension('/vars.xml').length >= 2, true);
    assert.ok(byExtension('.properties').length >= 2);
  });

  for (const file of byExtension('.xml')) {
    const name = relative(CORPUS, file);
    it(`${name}: parses, and setting each <param> to its own value changes no byte`, () => {
      const text = readFileSync(file, 'utf8');
      const document = parseXmlOrThrow(text, name);
      const root = document.rootElement;
      assert.ok(root !== null);
      for (const param of paramNames(root, new Set())) {
        const found = findParams(text, name, param);
        for (const occurrence of found) {
          assert.equal(decodeXmlAttribute(text.slice(occurrence.valueStart, occurrence.valueEnd)), occurrence.value);
        }
        const value = found[0]?.value;
        if (found.length === 1 && value !== undefined) {
          assert.equal(setParamValue(text, name, param, value), text, `<param name="${param}">`);
        } else {
          // The same name in several sections (conference profiles, ACL lists): editing by name is refused.
          assert.throws(() => setParamValue(text, name, param, value ?? ''), { name: 'TargetFileError', message: /duplicate/ });
        }
      }
    });
  }

  for (const file of byExtension('/vars.xml')) {
    const name = relative(CORPUS, file);
    it(`${name}: setting each live variable to its own value changes no byte`, () => {
      const text = readFileSync(file, 'utf8');
      const vars = readPreprocessedVars(text);
      assert.ok(vars.some((v) => v.name === 'external_rtp_ip'));
      for (const v of vars) {
        assert.equal(setPreprocessedVar(text, name, v.name, v.value), text, v.name);
      }
    });
  }

  for (const file of byExtension('.properties')) {
    const name = relative(CORPUS, file);
    it(`${name}: setting each key to its own value changes no byte`, () => {
      const text = readFileSync(file, 'utf8');
      const keys = new Properties(text).getProperties().map((p) => p.key);
      assert.ok(keys.length > 0);
      for (const key of keys) {
        const value = getProperty(text, key);
        assert.ok(value !== undefined);
        assert.equal(setProperty(text, key, value), text, key);
      }
    });
  }

  for (const file of byExtension('apply-config.sh')) {
    const name = relative(CORPUS, file);
    it(`${name}: adding then removing the bbb-twilio block gives back the original bytes`, () => {
      const text = readFileSync(file, 'utf8');
      assert.equal(removeMarkedBlock(setMarkedBlock(text, name, 'echo bbb-twilio\n'), name), text);
    });
  }
});
