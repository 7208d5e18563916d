import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePki } from '../../../testing/pki.js';
import { fetchStatus } from '../src/fetch-status.js';
import { freePort } from '../src/free-port.js';
import { waitUntil } from '../src/wait-until.js';
import { RunningCli, runCli } from './support.js';

const running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.kill()));
});

function start(args: readonly string[]): RunningCli {
  const cli = new RunningCli(['node', ...args]);
  running.push(cli);
  return cli;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tala-net-cli-'));
  dirs.push(dir);
  return dir;
}

/** Waits until the node behind `url` sees exactly `ids` alive. */
function untilAlive(url: string, ids: readonly string[]) {
  return waitUntil(
    async () => {
      const status = await fetchStatus(url);
      const alive = status.members.filter((m) => m.state === 'alive').map((m) => m.id);
      return alive.sort().join(',') === [...ids].sort().join(',') ? status : undefined;
    },
    { what: `members ${ids.join(', ')} alive`, timeoutMs: 30_000 },
  );
}

const READY = /^tala-net node (\d+) ready on (127\.0\.0\.1:\d+), status (http:\/\/\S+)$/m;

describe('tala-net node', () => {
  it('runs a node that others join, reports when ready, and leaves with exit 0 on SIGTERM and SIGINT', async () => {
    const [statusA, statusB] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    const a = start(['--listen', '127.0.0.1:0', '--id', '11', '--status', `127.0.0.1:${statusA}`]);
    const [, idA, addressA, urlA] = await a.waitFor(READY);
    expect([idA, urlA]).toEqual(['11', `http://127.0.0.1:${statusA}`]);
    const b = start([
      '--listen',
      '127.0.0.1:0',
      '--seed',
      addressA!,
      '--id',
      '12',
      '--status',
      `127.0.0.1:${statusB}`,
      '--partitions',
      '16',
    ]);
    const [, idB] = await b.waitFor(READY);
    expect(idB).toBe('12');
    const status = await untilAlive(urlA!, ['11', '12']);
    expect(status.id).toBe('11');
    const [health, metrics] = await Promise.all([
      fetch(`${urlA}/healthz`),
      fetch(`${urlA}/metrics`),
    ]);
    expect(health.status).toBe(200);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# TYPE \S+ (gauge|counter)$/m);
    expect(status.address).toBe(addressA);

    b.child.kill('SIGTERM');
    expect(await b.closed).toEqual({ code: 0, signal: null });
    expect(b.stdout).toContain('tala-net node 12 left the cluster\n');
    await waitUntil(
      async () => {
        const view = await fetchStatus(urlA!);
        const state = view.members.find((m) => m.id === '12')?.state;
        return state === 'left' || state === undefined ? true : undefined;
      },
      { what: 'node 11 to see node 12 leave', timeoutMs: 30_000 },
    );
    a.child.kill('SIGINT');
    expect(await a.closed).toEqual({ code: 0, signal: null });
    expect(a.stderr).toBe('');
  });

  it('joins nodes over mutual TLS with the key, certificate and CA files given', async () => {
    const pki = makePki([21n, 22n]);
    const dir = tempDir();
    writeFileSync(join(dir, 'ca.pem'), pki.ca);
    const tlsFlags = (index: number): string[] => {
      writeFileSync(join(dir, `${index}.key`), pki.nodes[index]!.key);
      writeFileSync(join(dir, `${index}.crt`), pki.nodes[index]!.cert);
      const files = [join(dir, `${index}.key`), join(dir, `${index}.crt`), join(dir, 'ca.pem')];
      return ['--tls-key', files[0]!, '--tls-cert', files[1]!, '--tls-ca', files[2]!];
    };
    const statusPort = await freePort('127.0.0.1');
    const a = start([
      '--listen',
      '127.0.0.1:0',
      '--id',
      '21',
      '--status',
      `127.0.0.1:${statusPort}`,
      ...tlsFlags(0),
    ]);
    const [, , addressA, url] = await a.waitFor(READY);
    const b = start(['--listen', '127.0.0.1:0', '--id', '22', '--seed', addressA!, ...tlsFlags(1)]);
    await b.waitFor(/^tala-net node 22 ready on 127\.0\.0\.1:\d+$/m);
    await untilAlive(url!, ['21', '22']);
  });

  it('derives an id once and keeps it in --id-file', async () => {
    const file = join(tempDir(), 'node-id');
    const first = start(['--listen', '127.0.0.1:0', '--id-file', file]);
    const [, id] = await first.waitFor(/^tala-net node (\d+) ready/m);
    first.child.kill('SIGTERM');
    expect((await first.closed).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(id!);
    const second = start(['--listen', '127.0.0.1:0', '--id-file', file]);
    const [, again] = await second.waitFor(/^tala-net node (\d+) ready/m);
    expect(again).toBe(id);
  });

  it('says why it cannot start, with exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    try {
      const [inUse, badAddress, partialTls, badId] = await Promise.all([
        runCli(['node', '--listen', `127.0.0.1:${port}`]),
        runCli(['node', '--listen', 'localhost']),
        runCli(['node', '--listen', '127.0.0.1:0', '--tls-key', 'key.pem']),
        runCli(['node', '--listen', '127.0.0.1:0', '--id', '-3']),
      ]);
      expect(inUse.code).toBe(1);
      expect(inUse.stderr).toMatch(/^tala-net: .*EADDRINUSE.*\n$/);
      expect(badAddress.code).toBe(1);
      expect(badAddress.stderr).toContain(
        "error: option '--listen <host:port>' argument 'localhost' is invalid. expected host:port (or [v6]:port), found \"localhost\"",
      );
      expect(partialTls.code).toBe(1);
      expect(partialTls.stderr).toBe(
        'tala-net: node: TLS needs all of --tls-key, --tls-cert and --tls-ca (PEM files), found only some [InvalidArgument]\n',
      );
      expect(badId.code).toBe(1);
      expect(badId.stderr).toContain("argument '-3' is invalid");
    } finally {
      await new Promise((done) => taken.close(done));
    }
  });
});
