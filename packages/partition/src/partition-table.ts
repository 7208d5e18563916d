import {
  type NodeId,
  type PartitionAssignment,
  type PartitionId,
  TalaError,
} from '@tala-net/types';
import { describeValue } from './describe-value.js';
import { partitionForIntent } from './partition-for-intent.js';
import { checkAssignments, checkPartitionCount, checkVersion } from './table-validation.js';

/** What a {@link PartitionTable} is built from. */
export interface PartitionTableInit {
  /** Version of the table, a u64 (compared by {@link isNewerTableVersion}). */
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
 * The constructor checks the whole input before it copies anything. It throws a `TalaError` with
 * code `InvalidArgument` for a value of the wrong type or shape (not an object, a hole or `null`
 * in an array, `replicas` that is not an array, a number where a bigint belongs), and with code
 * `InvalidPartitionTable` for a table that lists a partition twice, names an owner among its own
 * replicas, repeats a replica, has a partition id that is not a u32 or not below the declared
 * `numPartitions`, or a node id or version that is not a u64. A table built here may leave
 * partitions unassigned; tables received as updates may not (see `applyPartitionTableUpdate`).
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
  /** Version of the table (compared by {@link isNewerTableVersion}). */
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
    const fn = 'PartitionTable';
    if (typeof init !== 'object' || init === null) {
      throw new TalaError(
        'InvalidArgument',
        `${fn}: expected an init object, found ${describeValue(init)}`,
      );
    }
    const { version, assignments, numPartitions } = init;
    checkVersion(fn, version);
    checkPartitionCount(fn, numPartitions, 'InvalidPartitionTable');
    // Everything is checked before anything is copied: a rejected table costs one read.
    checkAssignments(fn, assignments, numPartitions);
    this.version = version;
    this.numPartitions = numPartitions;
    this.assignments = Object.freeze(assignments.map(frozenCopy));
    for (const assignment of this.assignments) {
      const { partitionId, owner, replicas } = assignment;
      this.byPartition.set(partitionId, assignment);
      this.index(owner, partitionId);
      for (const replica of replicas) this.index(replica, partitionId);
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

function frozenCopy(assignment: PartitionAssignment): PartitionAssignment {
  return Object.freeze({
    // + 0 turns a partition id of -0 into 0.
    partitionId: (assignment.partitionId + 0) as PartitionId,
    owner: assignment.owner,
    replicas: Object.freeze([...assignment.replicas]),
  });
}
