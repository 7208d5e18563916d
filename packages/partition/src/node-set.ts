import { type NodeId, type PartitionAssignment, PartitionId, TalaError } from '@tala-net/types';
import { describeValue } from './describe-value.js';
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
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected an array of node ids, found ${describeValue(nodes)}`,
    );
  }
  for (let i = 0; i < nodes.length; i++) {
    const node: unknown = nodes[i];
    if (typeof node !== 'bigint' || node < 0n || node > 0xffff_ffff_ffff_ffffn) {
      throw new TalaError(
        'InvalidArgument',
        `${fn}: expected u64 bigint node ids, found ${describeValue(node)}`,
      );
    }
  }
  if (
    zones !== undefined &&
    typeof (zones as Partial<ReadonlyMap<NodeId, string>>)?.get !== 'function'
  ) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected zones to be a Map of node ids to zone names, found ${describeValue(zones)}`,
    );
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
export function checkReplicationFactor(fn: string, replicationFactor: unknown): void {
  if (!Number.isSafeInteger(replicationFactor) || (replicationFactor as number) < 1) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected a replicationFactor ≥ 1, found ${describeValue(replicationFactor)}`,
    );
  }
}

/**
 * Most partitions `assignPartitions` and `rebalance` place: 2^24 (16,777,216). A larger table
 * would take gigabytes as objects; routing (`partitionForIntent`) works for any u32 count.
 */
export const MAX_PLACED_PARTITIONS = 2 ** 24;

/** Validates a partition count to place: a u32 no larger than {@link MAX_PLACED_PARTITIONS}. */
export function checkPlacedCount(
  fn: string,
  numPartitions: unknown,
): asserts numPartitions is number {
  if (
    typeof numPartitions !== 'number' ||
    numPartitions >>> 0 !== numPartitions ||
    numPartitions > MAX_PLACED_PARTITIONS
  ) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected numPartitions in 0 … 2^24, found ${describeValue(numPartitions)}`,
    );
  }
}

/** Validates that `options` is an object. */
export function checkOptionsObject(fn: string, options: unknown): asserts options is object {
  if (typeof options !== 'object' || options === null) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected an options object, found ${describeValue(options)}`,
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
