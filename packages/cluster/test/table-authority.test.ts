import { assignPartitions } from '@tala-net/partition';
import { NodeId, PartitionId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import type { TableAuthority, TableAuthorityContext, VersionedTable } from '../src/index.js';
import { intentId, simulatedCluster, tablesAgree } from './support.js';

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

  it('reports an invalid table from a peer and keeps the one it has', async () => {
    const cluster = await simulatedCluster(2, { node: { partitions: 4, replicas: 1 } });
    await cluster.run(2_000);
    const node = cluster.nodes.get(NodeId(1))!;
    const before = node.table!;
    const errors: string[] = [];
    node.addEventListener('error', (event) => errors.push(event.source));
    const stranger = cluster.sim.addNode(NodeId(9));
    await stranger.dial('sim:1');
    // A newer epoch, but partition 1 of 4 has no assignment.
    stranger.send(NodeId(1), {
      type: 'ClusterTable',
      epoch: before.epoch + 10n,
      coordinator: NodeId(9),
      partitions: 4,
      members: [NodeId(9)],
      fresh: [],
      assignments: [{ partitionId: PartitionId(0), owner: NodeId(9), replicas: [] }],
    });
    await cluster.run(100);
    expect(errors).toContain('table:invalid');
    expect(node.table).toBe(before);
    await cluster.stopAll();
  });
});
