import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterStatus } from '@tala-net/cluster';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './support.js';

/** A status document of a 3-node cluster with 4 partitions (owner + 1 replica each). */
const document: ClusterStatus = {
  id: '1',
  address: '127.0.0.1:7001',
  label: 'tala',
  uptimeMs: 12_345,
  members: [
    { id: '1', address: '127.0.0.1:7001', state: 'alive', incarnation: '0' },
    { id: '2', address: '127.0.0.1:7002', state: 'alive', incarnation: '3' },
    { id: '18446744073709551615', address: '127.0.0.1:7003', state: 'suspect', incarnation: '1' },
  ],
  table: {
    version: '7',
    coordinator: '1',
    partitions: 4,
    assignments: [
      { partition: 0, owner: '1', replicas: ['2'] },
      { partition: 1, owner: '2', replicas: ['18446744073709551615'] },
      { partition: 2, owner: '18446744073709551615', replicas: ['1'] },
      { partition: 3, owner: '1', replicas: ['2'] },
    ],
    owned: [0, 3],
    replicated: [2],
  },
  stats: {
    intentsDelivered: 41,
    intentsDuplicate: 2,
    intentsInDoubt: 1,
    intentsForwarded: 17,
    intentsSubmitted: 58,
    intentsFailed: 0,
    tablesAdopted: 3,
    tablesComputed: 3,
    segmentBytesSent: 1024,
    segmentBytesReceived: 512,
    dataSent: 5,
    dataReceived: 4,
    ackSent: 4,
    ackReceived: 5,
    unconfirmed: 0,
    peers: {},
  },
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((done) => server.close(done));
    }),
  );
});

/** Serves `answer` on 127.0.0.1 (a free port) and returns the base URL. */
async function serve(answer: { status: number; body: string }): Promise<string> {
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/' ? answer.status : 404, {
      'content-type': 'application/json',
    });
    response.end(answer.body);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nobody listens on: bound by a server that is closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe('tala-net status', () => {
  it('prints the members with their share of the table, the table and the counters', async () => {
    const url = await serve({ status: 200, body: JSON.stringify(document) });
    const run = await runCli(['status', url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('node 1 at 127.0.0.1:7001 (label tala, up 12.3 s)');
    expect(lines).toContain('members (3)');
    // ID ADDRESS STATE INCARNATION OWNS REPLICATES, columns as wide as their widest cell.
    const member = (id: string) =>
      lines
        .find((line) => line.trimStart().startsWith(`${id} `))
        ?.trim()
        .split(/\s{2,}/);
    expect(member('1')).toEqual(['1', '127.0.0.1:7001', 'alive', '0', '2', '1']);
    expect(member('2')).toEqual(['2', '127.0.0.1:7002', 'alive', '3', '1', '2']);
    expect(member('18446744073709551615')).toEqual([
      '18446744073709551615',
      '127.0.0.1:7003',
      'suspect',
      '1',
      '1',
      '1',
    ]);
    expect(lines).toContain(
      'partition table v7 (coordinator 1, 4 partitions; this node owns 2 and replicates 1)',
    );
    const partitionRows = lines.filter(
      (line) => /^\s*\d\s{2,}\S/.test(line) && !line.includes('.'),
    );
    expect(partitionRows.map((line) => line.trim().split(/\s{2,}/))).toEqual([
      ['0', '1', '2'],
      ['1', '2', '18446744073709551615'],
      ['2', '18446744073709551615', '1'],
      ['3', '1', '2'],
    ]);
    expect(lines.some((line) => /^intents delivered\s+41$/.test(line))).toBe(true);
    expect(lines.some((line) => /^intents forwarded\s+17$/.test(line))).toBe(true);
    expect(lines.some((line) => /^intents in doubt\s+1$/.test(line))).toBe(true);
  });

  it('prints the raw document with --json', async () => {
    const url = await serve({ status: 200, body: JSON.stringify(document) });
    const run = await runCli(['status', '--json', url.replace('http://', '')]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(document);
  });

  it('says clearly that nobody answers, with a non-zero exit', async () => {
    const port = await closedPort();
    const run = await runCli(['status', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `tala-net: status http://127.0.0.1:${port}/: cannot reach the node (connect ECONNREFUSED 127.0.0.1:${port}) [Unreachable]\n`,
    );
  });

  it('refuses an answer that is not 200 or not a status document', async () => {
    const failing = await serve({ status: 503, body: 'starting' });
    const notStatus = await serve({ status: 200, body: JSON.stringify({ id: 1 }) });
    const notJson = await serve({ status: 200, body: '<html>' });
    const [a, b, c] = await Promise.all([
      runCli(['status', failing]),
      runCli(['status', notStatus]),
      runCli(['status', notJson]),
    ]);
    expect([a.code, b.code, c.code]).toEqual([1, 1, 1]);
    expect(a.stderr).toContain('expected HTTP 200, found 503 Service Unavailable [Unreachable]');
    expect(b.stderr).toContain('expected a tala-net status document, found no string "id"');
    expect(c.stderr).toContain('expected JSON, found "<html>" [InvalidArgument]');
  });

  it('prints a node that has no table yet', async () => {
    const alone = { ...document, members: document.members.slice(0, 1), table: null };
    const run = await runCli(['status', await serve({ status: 200, body: JSON.stringify(alone) })]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\npartition table: none yet\n');
    const row = run.stdout
      .split('\n')
      .find((line) => line.trimStart().startsWith('1 '))
      ?.trim();
    expect(row?.split(/\s{2,}/)).toEqual(['1', '127.0.0.1:7001', 'alive', '0', '0', '0']);
  });

  it('gives up on a node that does not answer within --timeout', async () => {
    const silent = createServer(() => {
      // Never answers.
    });
    servers.push(silent);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const run = await runCli(['status', '--timeout', '300', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`tala-net: status ${url}/: no answer within 300 ms [TimedOut]\n`);
  });

  it('refuses a URL that is not one, and a missing URL', async () => {
    const [bad, missing] = await Promise.all([
      runCli(['status', 'ftp://127.0.0.1:1']),
      runCli(['status']),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'tala-net: status: expected an http: or https: URL, found "ftp://127.0.0.1:1" [InvalidArgument]\n',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: missing required argument 'url'");
  });
});
