import { type NodeId, type PartitionAssignment, PartitionId, TalaError } from '@tala-net/types';
import type { Placement } from './placement.js';

/** A validated, sorted node set with zone indexes (internal). */
export interface NodeSet {
  readonly nodes: readonly NodeId[];
  readonly indexOf: ReadonlyMap<NodeId, number>;
  readonly zoneOf: Int32Array | undefined;
}

/** Validates `nodes` (u64 ids, no duplicates) and `zones`, and sorts the nodes by id. */
export function nodeSet(
  fn: string,
  nodes: readonly NodeId[],
  zones: ReadonlyMap<NodeId, string> | undefined,
): NodeSet {
  if (!Array.isArray(nodes)) {
    throw new TalaError('InvalidArgument', `${fn}: expected an array of node ids`);
  }
  for (const node of nodes) {
    if (typeof node !== 'bigint' || node < 0n || node > 0xffff_ffff_ffff_ffffn) {
      throw new TalaError(
        'InvalidArgument',
        `${fn}: expected u64 bigint node ids, found ${typeof node} ${String(node)}`,
      );
    }
  }
  const sorted = [...nodes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) {
      throw new TalaError('InvalidArgument', `${fn}: node ${sorted[i]} is listed twice`);
    }
  }
  const indexOf = new Map<NodeId, number>(sorted.map((node, i) => [node, i]));
  let zoneOf: Int32Array | undefined;
  if (zones !== undefined) {
    const names = sorted.map((node) => {
      const zone = zones.get(node);
      if (typeof zone !== 'string') {
        throw new TalaError('InvalidArgument', `${fn}: node ${node} has no zone`);
      }
      return zone;
    });
    const zoneIndex = new Map([...new Set(names)].sort().map((zone, i) => [zone, i] as const));
    zoneOf = Int32Array.from(names, (zone) => zoneIndex.get(zone)!);
  }
  return { nodes: sorted, indexOf, zoneOf };
}

/** Validates a replication factor: an integer ≥ 1. */
export function checkReplicationFactor(fn: string, replicationFactor: number): void {
  if (!Number.isSafeInteger(replicationFactor) || replicationFactor < 1) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected a replicationFactor ≥ 1, found ${String(replicationFactor)}`,
    );
  }
}

/** The assignments of a placement, by partition id, as node ids. */
export function assignmentsOf(
  placement: Placement,
  nodes: readonly NodeId[],
): PartitionAssignment[] {
  const { owners, replicas, replicasPerPartition: k } = placement;
  const assignments: PartitionAssignment[] = new Array(owners.length);
  for (let p = 0; p < owners.length; p++) {
    const list: NodeId[] = new Array(k);
    for (let j = 0; j < k; j++) list[j] = nodes[replicas[p * k + j]!]!;
    assignments[p] = { partitionId: PartitionId(p), owner: nodes[owners[p]!]!, replicas: list };
  }
  return assignments;
}
