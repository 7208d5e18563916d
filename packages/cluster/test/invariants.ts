import { expect } from 'vitest';
import type { IntentReceipt } from '../src/index.js';
import { type SimCluster, tablesAgree } from './support.js';

const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Checks TALA's invariants on a simulated cluster whose faults have stopped:
 *
 * - membership converged: every live node sees exactly the live nodes as Alive;
 * - routing is consistent: every live node routes by one table, computed for the live nodes;
 * - no intent reached the application twice;
 * - every acknowledged intent (`duplicate: false` or `true`) was delivered exactly once, and is
 *   recorded in the segment of its partition's owner;
 * - replicas are byte-identical to their owner.
 *
 * `acknowledged` maps an intent key (hex id) to the receipts its submissions got.
 */
export function expectInvariants(
  cluster: SimCluster,
  acknowledged: ReadonlyMap<string, readonly IntentReceipt[]>,
): void {
  const live = cluster.live();
  const liveIds = live.map((n) => n.id).sort(ascending);
  for (const node of live) {
    const alive = node.membership
      .members()
      .filter((m) => m.state === 'Alive')
      .map((m) => m.node)
      .sort(ascending);
    expect(alive).toEqual(liveIds);
  }
  expect(tablesAgree(live)).toBe(true);
  const table = live[0]!.table!;
  expect(table.members).toEqual(liveIds);
  for (const count of cluster.deliveries.values()) expect(count).toBe(1);
  for (const [id, receipts] of acknowledged) {
    expect(cluster.deliveries.get(id)).toBe(1);
    const partition = receipts[0]!.partition;
    const owner = table.table.ownerOf(partition)!;
    const segment = cluster.nodes.get(owner)!.segment(partition);
    expect(segment !== undefined && Buffer.from(segment.bytes).toString('hex').includes(id)).toBe(
      true,
    );
  }
  for (const assignment of table.table.assignments) {
    const digests = [assignment.owner, ...assignment.replicas].map(
      (holder) => cluster.nodes.get(holder)!.segment(assignment.partitionId)?.digest,
    );
    expect(new Set(digests).size).toBe(1);
  }
}
