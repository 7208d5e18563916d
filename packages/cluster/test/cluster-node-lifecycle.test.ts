import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId } from '@tala-net/types';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterNode } from '../src/index.js';
import { intentId, simulatedCluster } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'tala-net-cluster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ClusterNode options and lifecycle', () => {
  it('derives an id, keeps it in idFile, and reads it back on the next start', async () => {
    const idFile = join(dir, 'a', 'node-id');
    const first = await ClusterNode.start({ idFile });
    const stored = readFileSync(idFile, 'utf8').trim();
    expect(stored).toBe(first.id.toString());
    expect(first.id).not.toBe(0n);
    await first.stop();
    const second = await ClusterNode.start({ idFile });
    expect(second.id).toBe(first.id);
    await second.stop();
  });

  it('refuses an idFile that holds something else, and bad options, with a TalaError', async () => {
    const idFile = join(dir, 'bad-id');
    writeFileSync(idFile, 'not an id\n');
    await expect(ClusterNode.start({ idFile })).rejects.toMatchObject({ code: 'InvalidId' });
    await expect(ClusterNode.start({ partitions: 0 })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(ClusterNode.start({ replicas: -1 })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(ClusterNode.start({ seeds: [''] })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
  });

  it("needs advertise to listen on every interface, and gives it to the transport's handshakes", async () => {
    await expect(ClusterNode.start({ listen: '0.0.0.0:0' })).rejects.toMatchObject({
      code: 'InvalidArgument',
      message: expect.stringContaining('options.advertise'),
    });
    await expect(ClusterNode.start({ advertise: 'no-port' })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    const node = await ClusterNode.start({ id: NodeId(6), advertise: '127.0.0.1:7999' });
    expect((node.transport as TcpTransport).advertisedAddress).toBe('127.0.0.1:7999');
    expect(node.transport.address).toMatch(/^127\.0\.0\.1:\d+$/);
    await node.stop();
  });

  it('stops once, when asked or when its signal aborts; submissions then reject with Closed', async () => {
    const controller = new AbortController();
    const node = await ClusterNode.start({ id: NodeId(5), signal: controller.signal });
    expect(node.running).toBe(true);
    controller.abort();
    await node.done;
    expect(node.running).toBe(false);
    expect(node.stop()).toBe(node.stop());
    await expect(node.submitIntent(intentId(1), new Uint8Array())).rejects.toMatchObject({
      code: 'Closed',
    });
  });

  it('rejects an id that is not 16 bytes and a payload that is not bytes', async () => {
    const cluster = await simulatedCluster(1);
    const node = cluster.nodes.get(NodeId(1))!;
    await expect(node.submitIntent(new Uint8Array(15), new Uint8Array())).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(node.submitIntent(intentId(1), 'text' as never)).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await cluster.stopAll();
  });
});

describe('zones', () => {
  it('reach the coordinator through pulls, and replicas go to other zones', async () => {
    const zones = ['a', 'a', 'b', 'b', 'c', 'c'];
    const cluster = await simulatedCluster(6, {
      node: { partitions: 12, replicas: 2 },
      nodeOptions: (id) => ({ zone: zones[Number(id) - 1]! }),
    });
    await cluster.run(8_000);
    const table = cluster.nodes.get(NodeId(1))!.table!;
    expect(table.members.length).toBe(6);
    for (const assignment of table.table.assignments) {
      const holderZones = [assignment.owner, ...assignment.replicas].map(
        (n) => zones[Number(n) - 1],
      );
      expect(new Set(holderZones).size).toBe(3);
    }
    await cluster.stopAll();
  });
});
