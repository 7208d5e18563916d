import { type NodeId, TalaError } from '@tala-net/types';
import { describeValue } from './describe-value.js';
import {
  assignmentsOf,
  checkOptionsObject,
  checkPlacedCount,
  checkReplicationFactor,
  nodeSet,
} from './node-set.js';
import { PartitionTable } from './partition-table.js';
import { place } from './placement.js';

/** What {@link assignPartitions} builds a table from. */
export interface AssignPartitionsOptions {
  /** The nodes to place partitions on (any order; duplicates are rejected). */
  readonly nodes: readonly NodeId[];
  /** Number of partitions, 0 … 2^24; the partitions are `0 … numPartitions − 1`. */
  readonly numPartitions: number;
  /**
   * Holders per partition: one owner and `replicationFactor − 1` replicas. Must not exceed the
   * number of nodes.
   */
  readonly replicationFactor: number;
  /**
   * Zone (rack, availability zone) of every node. When given, the holders of a partition are
   * spread over distinct zones when the zones allow it (at most ⌈RF / zones⌉ in one zone).
   * @default undefined (no zones: every node counts as its own zone)
   */
  readonly zones?: ReadonlyMap<NodeId, string> | undefined;
  /**
   * Version of the new table.
   * @default 1n
   */
  readonly version?: bigint | undefined;
}

/**
 * Builds a balanced {@link PartitionTable}: every partition gets one owner and
 * `replicationFactor − 1` distinct replicas other than the owner; every node owns ⌊P/N⌋ or
 * ⌈P/N⌉ partitions and holds ⌊P·(RF−1)/N⌋ or ⌈P·(RF−1)/N⌉ replica slots. The result depends
 * only on the set of nodes (not their order), the counts and the zones. The table declares
 * `numPartitions`.
 *
 * Throws a `TalaError` with code `InvalidArgument` when the node list is empty (with partitions
 * to place), has duplicates, `numPartitions` is not an integer in 0 … 2^24, `replicationFactor`
 * is below 1 or above the number of nodes, a node has no zone, or an argument has the wrong
 * type or shape.
 *
 * @example
 * ```ts
 * const table = assignPartitions({
 *   nodes: [NodeId(1), NodeId(2), NodeId(3)],
 *   numPartitions: 12,
 *   replicationFactor: 2,
 * });
 * table.partitionsFor(NodeId(1)).length; // 8: owns 4, replicates 4
 * ```
 */
export function assignPartitions(options: AssignPartitionsOptions): PartitionTable {
  const fn = 'assignPartitions';
  checkOptionsObject(fn, options);
  const { numPartitions, replicationFactor, version = 1n } = options;
  const set = nodeSet(fn, options.nodes, options.zones);
  checkPlacedCount(fn, numPartitions);
  checkReplicationFactor(fn, replicationFactor);
  if (typeof version !== 'bigint' || version < 0n || version > 0xffff_ffff_ffff_ffffn) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected a u64 bigint version, found ${describeValue(version)}`,
    );
  }
  if (replicationFactor > set.nodes.length && numPartitions > 0) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: replicationFactor ${replicationFactor} needs at least ${replicationFactor} nodes, found ${set.nodes.length}`,
    );
  }
  if (numPartitions === 0) return new PartitionTable({ version, assignments: [], numPartitions });
  const placement = place(set.nodes.length, numPartitions, replicationFactor, set.zoneOf, {
    owners: new Int32Array(numPartitions).fill(-1),
    replicas: new Array(numPartitions).fill([]),
  });
  return new PartitionTable({
    version,
    assignments: assignmentsOf(placement, set.nodes),
    numPartitions,
  });
}
