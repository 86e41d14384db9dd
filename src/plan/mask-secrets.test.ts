import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK, maskSecrets } from './mask-secrets.js';

describe('maskSecrets', () => {
  const secret = `Abc"&amp;d'efghijk1PWMARK`;

  it('masks the value raw and XML-escaped for either quote', () => {
    const lines = [
      `password=${secret}`,
      `<param name="password" value="Abc&quot;&amp;amp;d'efghijk1PWMARK"/>`,
      `<param name='password' value='Abc"&amp;amp;d&apos;efghijk1PWMARK'/>`,
    ];
    for (const line of lines) {
      const masked = maskSecrets(line, [secret]);
      assert.ok(masked.includes(MASK) && !masked.includes('PWMARK'), masked);
    }
  });
});
