import { NodeId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { intentId, simulatedCluster, tablesAgree } from './support.js';

describe('ClusterNode in the simulator', () => {
  it('three nodes join, converge on one table computed by the lowest id, and report status', async () => {
    const cluster = await simulatedCluster(3);
    await cluster.run(3_000);
    const nodes = cluster.live();
    expect(tablesAgree(nodes)).toBe(true);
    const table = nodes[0]!.table!;
    expect(table.coordinator).toBe(NodeId(1));
    expect(table.members).toEqual([NodeId(1), NodeId(2), NodeId(3)]);
    const status = nodes[1]!.status();
    expect(status.id).toBe('2');
    expect(status.members.map((m) => [m.id, m.state])).toEqual([
      ['1', 'alive'],
      ['2', 'alive'],
      ['3', 'alive'],
    ]);
    expect(status.table?.partitions).toBe(64);
    expect(status.table?.version).toBe(table.epoch.toString());
    const owned = nodes.map((n) => n.status().table!.owned.length);
    expect(owned.reduce((a, b) => a + b, 0)).toBe(64);
    await cluster.stopAll();
  });
});

describe('intents in the simulator', () => {
  it('route to the owner from every node, are delivered once, and replicas hold identical segments', async () => {
    const cluster = await simulatedCluster(3, { node: { partitions: 8, replicas: 1 } });
    await cluster.run(2_000);
    const nodes = cluster.live();
    const pending = Array.from({ length: 30 }, (_, n) =>
      nodes[n % 3]!.submitIntent(intentId(n), new Uint8Array([n])),
    );
    await cluster.run(1_000);
    const receipts = await Promise.all(pending);
    await cluster.run(500);
    expect(receipts.every((r) => !r.duplicate)).toBe(true);
    expect(cluster.deliveries.size).toBe(30);
    expect([...cluster.deliveries.values()].every((count) => count === 1)).toBe(true);
    const again = nodes[2]!.submitIntent(intentId(4), new Uint8Array([4]));
    await cluster.run(200);
    expect((await again).duplicate).toBe(true);
    expect(cluster.deliveries.get(Buffer.from(intentId(4)).toString('hex'))).toBe(1);
    const table = nodes[0]!.table!.table;
    for (const assignment of table.assignments) {
      const digests = [assignment.owner, ...assignment.replicas].map(
        (holder) => cluster.nodes.get(holder)!.segment(assignment.partitionId)?.digest,
      );
      expect(new Set(digests).size).toBe(1);
    }
    const delivered = nodes.reduce((sum, n) => sum + n.status().stats.intentsDelivered, 0);
    expect(delivered).toBe(30);
    await cluster.stopAll();
  });
});

describe('reliable messaging through the node', () => {
  it('sends Data that the peer acknowledges, counted in both status documents', async () => {
    const cluster = await simulatedCluster(2);
    await cluster.run(2_000);
    const [a, b] = [cluster.nodes.get(NodeId(1))!, cluster.nodes.get(NodeId(2))!];
    expect(a.send(NodeId(2), new Uint8Array([1, 2, 3])).ok).toBe(true);
    await cluster.run(500);
    expect(a.status().stats).toMatchObject({ dataSent: 1, ackReceived: 1, unconfirmed: 0 });
    expect(b.status().stats).toMatchObject({ dataReceived: 1, ackSent: 1 });
    await cluster.stopAll();
  });
});
