import { createServer, type Server } from 'node:http';
import type { ClusterStatus } from '@tala-net/cluster';
import { TalaError } from '@tala-net/types';

/**
 * Serves a node's status document on `address` (`host:port`): `GET /` answers it as JSON,
 * `GET /healthz` answers `ok`. Resolves with a function that closes the server.
 */
export async function serveStatus(
  address: string,
  status: () => ClusterStatus,
): Promise<() => Promise<void>> {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  if (match === null) {
    throw new TalaError(
      'InvalidArgument',
      `status: expected host:port, found ${JSON.stringify(address)}`,
    );
  }
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
    } else if (request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) =>
      reject(
        new TalaError('Unreachable', `status: cannot listen on ${address} (${cause.message})`, {
          cause,
        }),
      ),
    );
    server.listen(Number(match[3]), match[1] ?? match[2], resolve);
  });
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}
