import {
  type NodeId,
  type PartitionAssignment,
  type PartitionId,
  TalaError,
} from '@tala-net/types';
import { partitionForIntent } from './partition-for-intent.js';

/** What a {@link PartitionTable} is built from. */
export interface PartitionTableInit {
  readonly version: bigint;
  readonly assignments: readonly PartitionAssignment[];
}

const NO_PARTITIONS: readonly PartitionId[] = Object.freeze([]);

/**
 * A versioned, immutable table of who owns and who replicates each partition. Lookups go through
 * indexes built once in the constructor: `ownerOf` is O(1), `partitionsFor` is O(result).
 *
 * The constructor rejects, with a `TalaError` of code `InvalidPartitionTable`, a table that lists
 * a partition twice, names an owner among its own replicas, or repeats a replica.
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
    this.version = init.version;
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
      if (this.byPartition.has(partitionId)) {
        throw new TalaError('InvalidPartitionTable', `partition ${partitionId} is assigned twice`);
      }
      this.byPartition.set(partitionId, assignment);
      this.index(owner, partitionId);
      const seen = new Set<NodeId>([owner]);
      for (const replica of replicas) {
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
