import { createServer } from 'node:net';

/**
 * A TCP port that is free on `host` now: the system picks it for a listener that is closed at
 * once. Another process may take it before it is used, so callers that bind it must report a
 * failure to bind clearly.
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
