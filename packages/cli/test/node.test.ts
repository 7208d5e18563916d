import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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
    const bothAlive = async () => {
      const status = await fetchStatus(urlA!);
      const alive = status.members.filter((m) => m.state === 'alive').map((m) => m.id);
      return alive.sort().join(',') === '11,12' ? status : undefined;
    };
    const status = await waitUntil(bothAlive, { what: 'node 12 to join', timeoutMs: 30_000 });
    expect(status.id).toBe('11');
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
