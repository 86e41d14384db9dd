import assert from 'node:assert/strict';
import test from 'node:test';
import { isLoopback, parseProcNetTcpListeners, parseProcNetUdp } from './proc-net-udp.js';

const HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n';

test('IPv4 sockets: little-endian hex address and hex port, as the kernel prints them', () => {
  const text =
    HEADER +
    '  812: 0500000A:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 31337 2 0000000000000000 0\n' +
    '  813: 0100007F:1F95 00000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 31338 2 0000000000000000 0\n' +
    '  814: 00000000:13D8 00000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 31339 2 0000000000000000 0\n';
  assert.deepEqual(parseProcNetUdp(text, 4), [
    { address: '10.0.0.5', port: 5060 },
    { address: '127.0.0.1', port: 8085 },
    { address: '0.0.0.0', port: 5080 },
  ]);
});

test('IPv6 sockets: four little-endian words; wildcard, loopback and v4-mapped addresses read as people write them', () => {
  const text =
    HEADER +
    '  100: 00000000000000000000000000000000:13D8 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000 998 0 1 2 0 0\n' +
    '  101: 00000000000000000000000001000000:13C4 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000 998 0 1 2 0 0\n' +
    '  102: 0000000000000000FFFF00000500000A:13C4 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000 998 0 1 2 0 0\n';
  assert.deepEqual(parseProcNetUdp(text, 6), [
    { address: '::', port: 5080 },
    { address: '::1', port: 5060 },
    { address: '::ffff:10.0.0.5', port: 5060 },
  ]);
  assert.ok(isLoopback('::1') && isLoopback('127.0.0.53') && !isLoopback('10.0.0.5'));
});

test('the header and malformed lines are ignored', () => {
  assert.deepEqual(parseProcNetUdp(`${HEADER}garbage\n  1: XYZ:12 00:00 07\n`, 4), []);
});

test('TCP: only sockets in LISTEN (0A) count, IPv4 and IPv6; established connections on the port do not', () => {
  const v4 =
    HEADER +
    '   0: 0100007F:1FA4 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n' +
    '   1: 0100007F:1FA4 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 20 4 30 10 -1\n' +
    '   2: 0100007F:1F95 0100007F:1FA4 01 00000000:00000000 00:00000000 00000000     0        0 4244 1 0000000000000000 20 4 30 10 -1\n';
  assert.deepEqual(parseProcNetTcpListeners(v4, 4), [{ address: '127.0.0.1', port: 8100 }]);
  const v6 = HEADER + '   0: 00000000000000000000000000000000:24FA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1 0 100 0 0 10 0\n';
  assert.deepEqual(parseProcNetTcpListeners(v6, 6), [{ address: '::', port: 9466 }]);
});
