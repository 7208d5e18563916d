import { NodeId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { expectInvariants } from './invariants.js';
import { intentId, simulatedCluster, tablesAgree } from './support.js';

describe('the partition table under faults', () => {
  it('both sides of a network partition coordinate; after healing every node converges on one table', async () => {
    const cluster = await simulatedCluster(5, { seed: 7 });
    await cluster.run(3_000);
    expect(tablesAgree(cluster.live())).toBe(true);
    const before = cluster.live()[0]!.table!.epoch;
    const cut = cluster.sim.partition([NodeId(1), NodeId(2)], [NodeId(3), NodeId(4), NodeId(5)]);
    await cluster.run(60_000, 25);
    const left = [cluster.nodes.get(NodeId(1))!, cluster.nodes.get(NodeId(2))!];
    const right = [3, 4, 5].map((i) => cluster.nodes.get(NodeId(i))!);
    expect(tablesAgree(left)).toBe(true);
    expect(tablesAgree(right)).toBe(true);
    expect(left[0]!.table!.coordinator).toBe(NodeId(1));
    expect(right[0]!.table!.coordinator).toBe(NodeId(3));
    expect(left[0]!.table!.members).toEqual([NodeId(1), NodeId(2)]);
    expect(right[0]!.table!.members).toEqual([NodeId(3), NodeId(4), NodeId(5)]);
    expect(left[0]!.table!.epoch).toBeGreaterThan(before);
    const sides = [left[0]!.table!, right[0]!.table!];
    cut.heal();
    await cluster.run(60_000, 25);
    const all = cluster.live();
    expect(tablesAgree(all)).toBe(true);
    const healed = all[0]!.table!;
    // One table, computed for everyone, after (and so ordered above) both sides' tables.
    expect(healed.members).toEqual([1, 2, 3, 4, 5].map((i) => NodeId(i)));
    for (const side of sides) expect(healed.epoch).toBeGreaterThan(side.epoch);
    await cluster.stopAll();
  });

  it('a crashed owner is replaced: its intents are answered as duplicates, new ones delivered once', async () => {
    const cluster = await simulatedCluster(4, { seed: 3, node: { partitions: 16, replicas: 2 } });
    await cluster.run(3_000);
    const submitter = cluster.nodes.get(NodeId(1))!;
    const first = Array.from({ length: 40 }, (_, n) =>
      submitter.submitIntent(intentId(n), new Uint8Array([n])),
    );
    await cluster.run(1_000);
    expect((await Promise.all(first)).every((r) => !r.duplicate)).toBe(true);
    cluster.crash(NodeId(3));
    const again = Array.from({ length: 40 }, (_, n) =>
      submitter.submitIntent(intentId(n), new Uint8Array([n])),
    );
    const fresh = Array.from({ length: 40 }, (_, n) =>
      submitter.submitIntent(intentId(n, 1), new Uint8Array([n]), { timeout: 30_000 }),
    );
    await cluster.run(30_000);
    const repeated = await Promise.all(again.map((p) => p.catch((error: Error) => error)));
    for (const receipt of repeated) {
      if (receipt instanceof Error) continue;
      expect(receipt.duplicate).toBe(true);
    }
    await Promise.all(fresh);
    expect(cluster.deliveries.size).toBe(80);
    expect([...cluster.deliveries.values()].every((count) => count === 1)).toBe(true);
    const live = cluster.live();
    expect(tablesAgree(live)).toBe(true);
    const table = live[0]!.table!;
    expect(table.members).not.toContain(NodeId(3));
    for (const assignment of table.table.assignments) {
      const digests = [assignment.owner, ...assignment.replicas].map(
        (holder) => cluster.nodes.get(holder)!.segment(assignment.partitionId)?.digest,
      );
      expect(new Set(digests).size).toBe(1);
    }
    await cluster.stopAll();
  });

  it('a joiner gets the table, takes over partitions with their segments, and still recognises old ids', async () => {
    const cluster = await simulatedCluster(3, { seed: 11, node: { partitions: 12, replicas: 1 } });
    await cluster.run(3_000);
    const submitter = cluster.nodes.get(NodeId(2))!;
    const first = Array.from({ length: 36 }, (_, n) =>
      submitter.submitIntent(intentId(n), new Uint8Array([n])),
    );
    await cluster.until(Promise.all(first));
    const joiner = await cluster.startNode(NodeId(4));
    await cluster.run(5_000);
    const nodes = cluster.live();
    expect(tablesAgree(nodes)).toBe(true);
    const table = joiner.table!;
    expect(table.members).toEqual([1, 2, 3, 4].map((i) => NodeId(i)));
    const owned = table.table.assignments.filter((a) => a.owner === NodeId(4));
    expect(owned.length).toBeGreaterThan(0);
    for (const assignment of owned)
      expect(joiner.segment(assignment.partitionId)?.synced).toBe(true);
    const again = Array.from({ length: 36 }, (_, n) =>
      submitter.submitIntent(intentId(n), new Uint8Array([n])),
    );
    const receipts = await cluster.until(Promise.all(again));
    expect(receipts.every((r) => r.duplicate)).toBe(true);
    expect(receipts.some((r) => r.owner === NodeId(4))).toBe(true);
    expect([...cluster.deliveries.values()].every((count) => count === 1)).toBe(true);
    await cluster.stopAll();
  });

  it('a crashed node that restarts rejoins, gets partitions back and a copy of their segments', async () => {
    const cluster = await simulatedCluster(4, { seed: 5, node: { partitions: 12, replicas: 2 } });
    await cluster.run(3_000);
    const submitter = cluster.nodes.get(NodeId(1))!;
    await cluster.until(
      Promise.all(
        Array.from({ length: 24 }, (_, n) => submitter.submitIntent(intentId(n), new Uint8Array())),
      ),
    );
    cluster.crash(NodeId(4));
    await cluster.run(30_000, 25);
    expect(cluster.nodes.get(NodeId(1))!.table!.members).toEqual([1, 2, 3].map((i) => NodeId(i)));
    await cluster.startNode(NodeId(4));
    await cluster.run(30_000, 25);
    expectInvariants(cluster, new Map());
    const table = cluster.nodes.get(NodeId(1))!.table!;
    expect(table.members).toEqual([1, 2, 3, 4].map((i) => NodeId(i)));
    expect(table.table.partitionsFor(NodeId(4)).length).toBeGreaterThan(0);
    await cluster.stopAll();
  });
});
