import { encode } from '@tala-net/codec';
import { Network } from '@tala-net/network';
import { assignPartitions } from '@tala-net/partition';
import { NodeId, PartitionId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import {
  SEGMENT_CHANNEL,
  type TableAuthority,
  type TableAuthorityContext,
  type VersionedTable,
} from '../src/index.js';
import { intentId, simulatedCluster, tablesAgree } from './support.js';

/** Two nodes of 4 partitions that agree on a table: node 1 (the coordinator), and its table. */
async function settledPair() {
  const cluster = await simulatedCluster(2, { node: { partitions: 4, replicas: 1 } });
  await cluster.run(2_000);
  const node = cluster.nodes.get(NodeId(1))!;
  return { cluster, node, before: node.table! };
}

/** An authority that adopts one table decided elsewhere (as an external store would). */
class FixedAuthority implements TableAuthority {
  table: VersionedTable | undefined;
  readonly #decided: VersionedTable;

  constructor(decided: VersionedTable) {
    this.#decided = decided;
  }

  start(context: TableAuthorityContext): void {
    this.table = this.#decided;
    context.adopt(this.#decided);
  }

  stop(): void {}
  membershipChanged(): void {}
  receive(): void {}
  observedEpoch(): void {}
}

describe('the table authority', () => {
  it('can be replaced: nodes route by the table an external authority decides', async () => {
    const members = [NodeId(1), NodeId(2), NodeId(3)];
    const decided: VersionedTable = {
      epoch: 42n,
      coordinator: NodeId(0),
      members,
      fresh: new Set(Array.from({ length: 8 }, (_, p) => PartitionId(p))),
      table: assignPartitions({
        nodes: members,
        numPartitions: 8,
        replicationFactor: 2,
        version: 42n,
      }),
    };
    const cluster = await simulatedCluster(3, {
      node: { partitions: 8, replicas: 1 },
      nodeOptions: () => ({ authority: new FixedAuthority(decided) }),
    });
    await cluster.run(2_000);
    const nodes = cluster.live();
    expect(tablesAgree(nodes)).toBe(true);
    expect(nodes[0]!.table!.epoch).toBe(42n);
    const receipts = nodes.map((node, n) => node.submitIntent(intentId(n), new Uint8Array()));
    for (const receipt of await cluster.until(Promise.all(receipts))) {
      expect(receipt.owner).toBe(decided.table.ownerOf(receipt.partition));
    }
    await cluster.stopAll();
  });

  it('does not hear a table from a node that is not a member, however new', async () => {
    const { cluster, before } = await settledPair();
    const stranger = cluster.sim.addNode(NodeId(9));
    await stranger.dial('sim:1');
    // Valid in itself: newer, every partition assigned, to the stranger.
    const forged = {
      type: 'ClusterTable',
      epoch: before.epoch + 1n,
      coordinator: NodeId(0),
      partitions: 4,
      members: before.members,
      fresh: [],
      assignments: Array.from({ length: 4 }, (_, i) => ({
        partitionId: PartitionId(i),
        owner: NodeId(9),
        replicas: [],
      })),
    } as const;
    stranger.send(NodeId(1), forged);
    stranger.send(NodeId(2), forged);
    await cluster.run(3_000);
    for (const member of cluster.nodes.values()) {
      expect(member.table!.epoch).toBe(before.epoch);
      expect(member.table!.table.ownerOf(PartitionId(0))).not.toBe(NodeId(9));
    }
    await cluster.stopAll();
  });

  it('answers a member that says in one message it left and came back many times with one table', async () => {
    const { cluster } = await settledPair();
    const stranger = cluster.sim.addNode(NodeId(9));
    await stranger.dial('sim:1');
    let tables = 0;
    stranger.addEventListener('message', (event) => {
      if (event.message.type === 'ClusterTable') tables++;
    });
    const address = new TextEncoder().encode('sim:9');
    const updates = [];
    for (let i = 1n; i <= 100n; i++) {
      updates.push({ node: NodeId(9), state: 'Alive', incarnation: i, address } as const);
      updates.push({ node: NodeId(9), state: 'Left', incarnation: i, address } as const);
    }
    updates.push({ node: NodeId(9), state: 'Alive', incarnation: 101n, address } as const);
    stranger.send(NodeId(1), { type: 'Gossip', from: NodeId(9), updates });
    await cluster.run(50);
    expect(tables).toBe(1);
    await cluster.stopAll();
  });

  it('takes a segment push from members only, and of partitions the cluster has', async () => {
    const { cluster, node } = await settledPair();
    const owned = node
      .table!.table.partitionsFor(NodeId(1))
      .find((partition) => node.table!.table.ownerOf(partition) === NodeId(1))!;
    const before = node.segment(owned)!.digest;
    const transport = cluster.sim.addNode(NodeId(99));
    const intruder = new Network({ transport, clock: cluster.sim.clockFor(NodeId(99)) });
    await intruder.start();
    void transport.dial('sim:1');
    const segment = intruder.register(SEGMENT_CHANNEL, { request: () => new Uint8Array() });
    const push = (partition: number) =>
      segment
        .request(
          NodeId(1),
          encode({
            type: 'SegmentSync',
            partition: PartitionId(partition),
            segmentData: new Uint8Array(),
          }),
          {
            timeout: 500,
            // A table newer than any: the push would be taken ahead of its table.
            metadata: { offset: '0', start: '0', epoch: '18446744073709551614', reset: '1' },
          },
        )
        .catch((error: unknown) => error);
    const refused = [push(owned), push(1_000)];
    await cluster.run(50);
    expect(await refused[0]).toMatchObject({ code: 'NotLeaderForPartition' });
    expect(await refused[1]).toMatchObject({ code: 'InvalidRequest' });
    expect(node.segment(owned)!.digest).toBe(before);
    expect(node.segment(PartitionId(1_000))).toBeUndefined();
    await cluster.stopAll();
  });

  it('reports an invalid table from a member and keeps the one it has', async () => {
    const { cluster, node, before } = await settledPair();
    const errors: string[] = [];
    node.addEventListener('error', (event) => errors.push(event.source));
    const member = cluster.nodes.get(NodeId(2))!.transport;
    const assignments = Array.from({ length: 4 }, (_, i) => ({
      partitionId: PartitionId(i),
      owner: NodeId(2),
      replicas: [],
    }));
    const invalid = [
      // Partition 1 of 4 has no assignment.
      { partitions: 4, epoch: before.epoch + 10n, assignments: assignments.slice(0, 1) },
      // Another partition count than the cluster's.
      { partitions: 1, epoch: before.epoch + 10n, assignments: assignments.slice(0, 1) },
      // An epoch after which the coordinator could number no table.
      { partitions: 4, epoch: 0xffff_ffff_ffff_ffffn, assignments },
    ];
    for (const table of invalid) {
      member.send(NodeId(1), {
        type: 'ClusterTable',
        coordinator: NodeId(2),
        members: before.members,
        fresh: [],
        ...table,
      });
    }
    await cluster.run(100);
    expect(errors.filter((source) => source === 'table:invalid')).toHaveLength(3);
    expect(node.table).toBe(before);
    // The coordinator numbers its next table from the tables it adopted, not from those.
    await cluster.startNode(NodeId(3));
    await cluster.run(5_000);
    expect(node.table!.members).toEqual([1n, 2n, 3n]);
    expect(node.table!.epoch).toBe(before.epoch + 1n);
    await cluster.stopAll();
  });
});
