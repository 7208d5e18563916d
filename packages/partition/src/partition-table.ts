import {
  type NodeId,
  type PartitionAssignment,
  type PartitionId,
  TalaError,
} from '@tala-net/types';
import { partitionForIntent } from './partition-for-intent.js';

/** What a {@link PartitionTable} is built from. */
export interface PartitionTableInit {
  /** Version of the table, a u64; a newer table has a higher version. */
  readonly version: bigint;
  /** Owner and replicas of each partition. */
  readonly assignments: readonly PartitionAssignment[];
  /**
   * The declared partition count of the cluster (what intents are routed modulo). When given,
   * every partition id must be below it.
   * @default undefined (no declared count; ids only have to be u32)
   */
  readonly numPartitions?: number | undefined;
}

const NO_PARTITIONS: readonly PartitionId[] = Object.freeze([]);

/**
 * A versioned, immutable table of who owns and who replicates each partition. Lookups go through
 * indexes built once in the constructor: `ownerOf` is O(1), `partitionsFor` is O(result).
 *
 * The constructor rejects, with a `TalaError` of code `InvalidPartitionTable`, a table that lists
 * a partition twice, names an owner among its own replicas, repeats a replica, has a partition id
 * that is not a u32 or not below the declared `numPartitions`, or a node id that is not a u64.
 *
 * @example
 * ```ts
 * const table = new PartitionTable({
 *   version: 1n,
 *   assignments: [
 *     { partitionId: PartitionId(0), owner: NodeId(10), replicas: [NodeId(11), NodeId(12)] },
 *     { partitionId: PartitionId(1), owner: NodeId(11), replicas: [NodeId(10)] },
 *   ],
 * });
 * table.ownerOf(PartitionId(0)); // 10n
 * table.partitionsFor(NodeId(10)); // [0, 1]
 * ```
 */
export class PartitionTable {
  /** Version of the table; a newer table has a higher version. */
  readonly version: bigint;
  /** The assignments, in the order given. */
  readonly assignments: readonly PartitionAssignment[];
  /**
   * The declared partition count, or `undefined` when the table was built without one. Tables
   * made by `assignPartitions`, `rebalance` and `applyPartitionTableUpdate` always declare it.
   */
  readonly numPartitions: number | undefined;
  private readonly byPartition = new Map<PartitionId, PartitionAssignment>();
  private readonly byNode = new Map<NodeId, PartitionId[]>();

  constructor(init: PartitionTableInit) {
    if (
      typeof init.version !== 'bigint' ||
      init.version < 0n ||
      init.version > 0xffff_ffff_ffff_ffffn
    ) {
      throw new TalaError(
        'InvalidPartitionTable',
        `expected a u64 bigint version, found ${String(init.version)}`,
      );
    }
    const numPartitions = init.numPartitions;
    if (numPartitions !== undefined && numPartitions >>> 0 !== numPartitions) {
      throw new TalaError(
        'InvalidPartitionTable',
        `expected numPartitions in 0 … 2^32−1, found ${String(numPartitions)}`,
      );
    }
    this.version = init.version;
    this.numPartitions = numPartitions;
    this.assignments = Object.freeze(
      init.assignments.map((a) =>
        Object.freeze({
          partitionId: a.partitionId,
          owner: a.owner,
          replicas: Object.freeze([...a.replicas]),
        }),
      ),
    );
    for (const assignment of this.assignments) {
      const { partitionId, owner, replicas } = assignment;
      if (partitionId >>> 0 !== partitionId) {
        throw new TalaError(
          'InvalidPartitionTable',
          `expected a u32 partition id, found ${String(partitionId)}`,
        );
      }
      if (numPartitions !== undefined && partitionId >= numPartitions) {
        throw new TalaError(
          'InvalidPartitionTable',
          `partition ${partitionId} is not below the declared count ${numPartitions}`,
        );
      }
      checkNode(partitionId, owner);
      if (this.byPartition.has(partitionId)) {
        throw new TalaError('InvalidPartitionTable', `partition ${partitionId} is assigned twice`);
      }
      this.byPartition.set(partitionId, assignment);
      this.index(owner, partitionId);
      const seen = new Set<NodeId>([owner]);
      for (const replica of replicas) {
        checkNode(partitionId, replica);
        if (seen.has(replica)) {
          throw new TalaError(
            'InvalidPartitionTable',
            replica === owner
              ? `partition ${partitionId}: owner ${owner} is also listed as its replica`
              : `partition ${partitionId}: replica ${replica} is listed twice`,
          );
        }
        seen.add(replica);
        this.index(replica, partitionId);
      }
    }
    for (const partitions of this.byNode.values()) Object.freeze(partitions);
  }

  /** The owner of `partition`, or `undefined` when it is not assigned. O(1). */
  ownerOf(partition: PartitionId): NodeId | undefined {
    return this.byPartition.get(partition)?.owner;
  }

  /** The assignment of `partition`, or `undefined` when it is not assigned. O(1). */
  assignmentOf(partition: PartitionId): PartitionAssignment | undefined {
    return this.byPartition.get(partition);
  }

  /** Partitions that `node` owns or replicates, in assignment order. O(1); do not mutate. */
  partitionsFor(node: NodeId): readonly PartitionId[] {
    return this.byNode.get(node) ?? NO_PARTITIONS;
  }

  /** Number of assigned partitions. */
  get size(): number {
    return this.assignments.length;
  }

  /** See {@link partitionForIntent}. */
  static partitionForIntent(id: Uint8Array, numPartitions: number): PartitionId {
    return partitionForIntent(id, numPartitions);
  }

  private index(node: NodeId, partition: PartitionId): void {
    const partitions = this.byNode.get(node);
    if (partitions === undefined) this.byNode.set(node, [partition]);
    else partitions.push(partition);
  }
}

function checkNode(partition: number, node: unknown): void {
  if (typeof node !== 'bigint' || node < 0n || node > 0xffff_ffff_ffff_ffffn) {
    throw new TalaError(
      'InvalidPartitionTable',
      `partition ${partition}: expected a u64 node id, found ${typeof node} ${String(node)}`,
    );
  }
}
