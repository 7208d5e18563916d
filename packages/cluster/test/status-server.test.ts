import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClusterStatus, StatusServer, type StatusServerOptions } from '../src/index.js';

function status(table: boolean): ClusterStatus {
  return {
    id: '18446744073709551615',
    address: '127.0.0.1:7001',
    label: 'tala',
    uptimeMs: 1_000,
    members: [
      { id: '1', address: '127.0.0.1:7000', state: 'alive', incarnation: '2' },
      { id: '18446744073709551615', address: '127.0.0.1:7001', state: 'alive', incarnation: '0' },
    ],
    table: table
      ? {
          version: '18446744073709551614',
          coordinator: '1',
          partitions: 4,
          assignments: [{ partition: 0, owner: '1', replicas: ['18446744073709551615'] }],
          owned: [1, 2],
          replicated: [0],
        }
      : null,
    stats: {
      intentsDelivered: 5,
      intentsDuplicate: 0,
      intentsInDoubt: 0,
      intentsForwarded: 1,
      intentsSubmitted: 6,
      intentsFailed: 0,
      tablesAdopted: 1,
      tablesComputed: 0,
      segmentBytesSent: 0,
      segmentBytesReceived: 1024,
      dataSent: 3,
      dataReceived: 2,
      ackSent: 2,
      ackReceived: 3,
      unconfirmed: 0,
      peers: {
        '1': {
          bytesIn: 10,
          bytesOut: 20,
          framesIn: 1,
          framesOut: 2,
          reconnects: 0,
          queuedFrames: 0,
          queuedBytes: 0,
        },
      },
    },
  };
}

const servers: StatusServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Partial<StatusServerOptions> = {}): Promise<StatusServer> {
  const server = await StatusServer.start({ status: () => status(true), ...options });
  servers.push(server);
  return server;
}

/** Opens a raw connection to `address` and resolves once it is connected. */
function rawSocket(address: string): Promise<Socket> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    address.slice(address.lastIndexOf(':') + 1),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends on `socket` until it closes the connection. */
function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', () => {});
    socket.once('close', () => resolve(text));
  });
}

/** The first response on `socket` (its head and its body up to content-length). */
function readResponse(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('latin1');
    const onData = (chunk: string): void => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (end >= 0 && length !== null && text.length >= end + 4 + Number(length[1])) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
  });
}

describe('StatusServer', () => {
  it('listens on loopback by default and answers GET / with the status document as JSON', async () => {
    const server = await start();
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.address).not.toBe('127.0.0.1:0');
    const response = await fetch(`http://${server.address}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const document = (await response.json()) as ClusterStatus;
    expect(document).toEqual(status(true));
    expect(document.table!.version).toBe('18446744073709551614');
    expect(Object.keys(document)).toEqual([
      'id',
      'address',
      'label',
      'uptimeMs',
      'members',
      'table',
      'stats',
    ]);
  });

  it('answers GET /metrics in the Prometheus text format, extra families last', async () => {
    const server = await start({
      metrics: () => [
        { name: 'app_jobs_total', help: 'Jobs.', type: 'counter', samples: [{ value: 4 }] },
      ],
    });
    const response = await fetch(`http://${server.address}/metrics?ignored=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = (await response.text()).split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .*|[a-z_]+(\{[^}]*\})? \S+)$/);
    }
    expect(lines).toContain('tala_members{state="alive"} 2');
    expect(lines).toContain('tala_table_version 18446744073709551614');
    expect(lines).toContain('# TYPE tala_data_sent_total counter');
    expect(lines).toContain('tala_data_sent_total 3');
    expect(lines).toContain('tala_peer_bytes_out_total{peer="1"} 20');
    expect(lines.slice(-3)).toEqual([
      '# HELP app_jobs_total Jobs.',
      '# TYPE app_jobs_total counter',
      'app_jobs_total 4',
    ]);
  });

  it('answers /healthz 200 with a table and 503 without, or as the healthy option says', async () => {
    let hasTable = false;
    const server = await start({ status: () => status(hasTable) });
    let response = await fetch(`http://${server.address}/healthz`);
    expect([response.status, await response.text()]).toEqual([503, 'unhealthy\n']);
    hasTable = true;
    response = await fetch(`http://${server.address}/healthz`);
    expect([response.status, await response.text()]).toEqual([200, 'ok\n']);

    const custom = await start({ healthy: (s) => s.members.length > 5 });
    response = await fetch(`http://${custom.address}/healthz`);
    expect(response.status).toBe(503);
    await response.text();
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const server = await start();
    const missing = await fetch(`http://${server.address}/status`);
    expect(missing.status).toBe(404);
    await missing.text();
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      const response = await fetch(`http://${server.address}/`, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET');
      await response.text();
    }
    expect(server.stats.requests).toBe(5);
  });

  it('answers 500 when the status callback throws, and keeps serving', async () => {
    let fail = true;
    const server = await start({
      status: () => {
        if (fail) throw new Error('not ready');
        return status(true);
      },
    });
    for (const path of ['/', '/metrics', '/healthz']) {
      const response = await fetch(`http://${server.address}${path}`);
      expect(response.status).toBe(500);
      await response.text();
    }
    expect(server.stats.failures).toBe(3);
    fail = false;
    expect((await fetch(`http://${server.address}/`)).status).toBe(200);
  });

  it('never reads a request body: it answers and closes the connection', async () => {
    const server = await start();
    const socket = await rawSocket(server.address);
    const reply = readUntilClosed(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\npartial body');
    const text = await reply;
    expect(text.startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect(text.toLowerCase()).toContain('connection: close');
  });

  it('refuses an oversized request head with 431', async () => {
    const server = await start();
    const socket = await rawSocket(server.address);
    const reply = readUntilClosed(socket);
    socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`);
    expect((await reply).startsWith('HTTP/1.1 431')).toBe(true);
  });

  it('closes a connection whose headers do not arrive within headersTimeoutMs', async () => {
    const server = await start({ headersTimeoutMs: 100 });
    const socket = await rawSocket(server.address);
    const reply = readUntilClosed(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const text = await reply;
    expect(text.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('closes a connection whose client stops reading the response, freeing its place', async () => {
    // A status document far larger than what the socket buffers hold.
    const members = Array.from({ length: 200_000 }, (_, i) => ({
      id: String(i),
      address: `10.0.${(i >> 8) & 255}.${i & 255}:7000`,
      state: 'alive' as const,
      incarnation: '1',
    }));
    const server = await start({
      maxConnections: 1,
      headersTimeoutMs: 100,
      keepAliveTimeoutMs: 100,
      status: () => ({ ...status(true), members }),
    });
    const slow = await rawSocket(server.address);
    slow.pause();
    slow.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    // The only place is the slow reader's until the server gives up on it: until then every
    // other connection is refused at once.
    let answer = '';
    for (let attempt = 0; attempt < 100_000 && answer === ''; attempt++) {
      const other = await rawSocket(server.address);
      const reply = readUntilClosed(other);
      other.end('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      answer = await reply;
    }
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    slow.destroy();
  });

  it('holds at most maxConnections connections', async () => {
    const server = await start({ maxConnections: 2 });
    const held = [await rawSocket(server.address), await rawSocket(server.address)];
    for (const socket of held) {
      const response = readResponse(socket);
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await response).toMatch(/^HTTP\/1\.1 200/);
    }
    const third = await rawSocket(server.address);
    const refused = readUntilClosed(third);
    third.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await refused).toBe('');
    for (const socket of held) socket.destroy();
  });

  it('closes idempotently, and on its signal', async () => {
    const server = await start();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await expect(fetch(`http://${server.address}/`)).rejects.toThrow();

    const controller = new AbortController();
    const aborted = await start({ signal: controller.signal });
    controller.abort();
    await aborted.close();
    await expect(fetch(`http://${aborted.address}/`)).rejects.toThrow();
  });

  it('rejects bad options and busy addresses with a TalaError', async () => {
    await expect(
      StatusServer.start({ status: () => status(true), address: 'nowhere' }),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(StatusServer.start({ status: 'x' as never })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(
      StatusServer.start({ status: () => status(true), maxConnections: 0 }),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(
      StatusServer.start({ status: () => status(true), signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'Aborted' });
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      await expect(
        StatusServer.start({ status: () => status(true), address: `127.0.0.1:${port}` }),
      ).rejects.toMatchObject({
        code: 'InvalidArgument',
      });
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
