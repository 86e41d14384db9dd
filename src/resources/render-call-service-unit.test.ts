import assert from 'node:assert/strict';
import test from 'node:test';
import { parseConfig } from '../config/load-config.js';
import { configDigest, renderCallServiceUnit } from './render-call-service-unit.js';

const input = { node: '/usr/bin/node', bin: '/opt/bbb-twilio/bin/bbb-twilio.js', configFile: '/etc/bbb-twilio/config.yml', configDigest: '0123456789ab' };

test('the unit runs `serve` with the config, restarts it, starts after FreeSWITCH and bbb-web, and is confined', () => {
  const unit = renderCallServiceUnit(input);
  const lines = unit.split('\n');
  for (const line of [
    'ExecStart=/usr/bin/node /opt/bbb-twilio/bin/bbb-twilio.js serve --config /etc/bbb-twilio/config.yml',
    'Type=simple',
    'After=network-online.target freeswitch.service bbb-web.service',
    'Restart=always',
    'RestartSec=2',
    'Environment=BBB_TWILIO_CONFIG_DIGEST=0123456789ab',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'ReadWritePaths=/var/lib/bbb-twilio',
    'CapabilityBoundingSet=',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'WantedBy=multi-user.target',
  ]) {
    assert.ok(lines.includes(line), `has ${line}`);
  }
  assert.ok(!lines.some((l) => l.startsWith('MemoryDenyWriteExecute=')), 'V8 needs writable code pages');
  assert.ok(unit.endsWith('\n'));
});

test('ExecStart quotes a path with spaces and escapes what systemd would expand', () => {
  const unit = renderCallServiceUnit({ ...input, bin: '/opt/my tools/100%/$HOME/bin/bbb-twilio.js' });
  assert.match(unit, /\nExecStart=\/usr\/bin\/node "\/opt\/my tools\/100%%\/\$\$HOME\/bin\/bbb-twilio\.js" serve --config/);
});

test('the config digest changes with the config but not with its secrets or where the file is', () => {
  const yaml = (tries: number, password: string): string =>
    `server:\n  publicIp: 203.0.113.10\nnumbers: ["+16135550142"]\ndialin:\n  tries: ${tries}\ntwilio:\n  accountSid: AC${'0'.repeat(32)}\n  authToken: ${password}\n` +
    `  termination:\n    domain: a.pstn.twilio.com\n    username: bbb\n    password: ${password}Abc123456789\n`;
  const base = configDigest(parseConfig(yaml(3, 'tok'), '/etc/bbb-twilio/config.yml', { env: {}, fileMode: 0o600 }));
  assert.match(base, /^[0-9a-f]{12}$/);
  assert.equal(configDigest(parseConfig(yaml(3, 'other'), '/elsewhere.yml', { env: {}, fileMode: 0o600 })), base);
  assert.notEqual(configDigest(parseConfig(yaml(4, 'tok'), '/etc/bbb-twilio/config.yml', { env: {}, fileMode: 0o600 })), base);
  const generated = parseConfig(yaml(3, 'tok').replace(/\n    password: .*\n/, '\n'), 'c.yml', { env: {}, fileMode: 0o600, generateMissingPassword: true });
  assert.equal(configDigest(generated), base, 'a password generated for this plan leaves the digest alone');
});
