// Opening the TCP connection to the event socket, with connect failures mapped to EslError: nothing listening or
// no route is 'refused', a network that swallows the SYN is 'timeout'.

import * as net from 'node:net';
import { eslConnectTimeout, eslRefused } from './esl-error.js';

/** Open the TCP connection, mapping connect errors to 'refused' and a silent network to 'timeout'. */
export function openEslSocket(host: string, port: number, target: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(eslConnectTimeout(target, timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(eslRefused(target, describeConnectError(err)));
    });
  });
}

function describeConnectError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to that host';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'EADDRNOTAVAIL':
      return 'that address is not available here';
    default:
      return err.code ?? err.message;
  }
}
