import { PartitionTable } from '@tala-net/partition';
import { type NodeId, type PartitionId, TalaError } from '@tala-net/types';
import type { ClusterTable } from './cluster-messages.js';

/**
 * A partition table as the cluster routes by it: the table, its ordering key (`epoch`, then
 * `coordinator`), the members it was computed for, and the partitions it starts empty.
 */
export interface VersionedTable {
  /** Raised by each new table. */
  readonly epoch: bigint;
  /** The node that computed it. */
  readonly coordinator: NodeId;
  /** The members it was computed for, ascending. */
  readonly members: readonly NodeId[];
  /** Partitions the coordinator's rebalance plan had no source for (new, or every holder lost). */
  readonly fresh: ReadonlySet<PartitionId>;
  /** Owner and replicas of every partition (its `version` is the epoch). */
  readonly table: PartitionTable;
}

/** The ordering key of a table: `epoch` and `coordinator`. */
export interface TableKey {
  /** Raised by each new table; a higher epoch is newer. */
  readonly epoch: bigint;
  /** The node that computed the table; the lower id wins between two tables of one epoch. */
  readonly coordinator: NodeId;
}

/**
 * `true` when a table with key `candidate` replaces one with key `current` (or no table): a
 * higher epoch wins; at equal epochs the lower coordinator id wins. Every node orders any two
 * tables the same way, so after a network partition heals every node ends on the same table.
 *
 * @example
 * ```ts
 * isNewerTable({ epoch: 4n, coordinator: NodeId(9) }, { epoch: 3n, coordinator: NodeId(1) }); // true
 * isNewerTable({ epoch: 4n, coordinator: NodeId(9) }, { epoch: 4n, coordinator: NodeId(1) }); // false
 * ```
 */
export function isNewerTable(candidate: TableKey, current: TableKey | undefined): boolean {
  if (current === undefined) return true;
  if (candidate.epoch !== current.epoch) return candidate.epoch > current.epoch;
  return candidate.coordinator < current.coordinator;
}

/** The wire form of `table`. */
export function toClusterTable(table: VersionedTable): ClusterTable {
  return {
    type: 'ClusterTable',
    epoch: table.epoch,
    coordinator: table.coordinator,
    partitions: table.table.numPartitions ?? table.table.size,
    members: table.members,
    fresh: [...table.fresh].sort((a, b) => a - b),
    assignments: table.table.assignments,
  };
}

/**
 * The table of a received `ClusterTable`. Throws a `TalaError` (`InvalidPartitionTable`) when
 * the assignments do not cover `0 … partitions − 1` exactly once, or name a holder twice.
 */
export function fromClusterTable(message: ClusterTable): VersionedTable {
  const table = new PartitionTable({
    version: message.epoch,
    assignments: message.assignments,
    numPartitions: message.partitions,
  });
  if (table.size !== message.partitions) {
    throw new TalaError(
      'InvalidPartitionTable',
      `ClusterTable: expected an assignment for each of the ${message.partitions} partitions, found ${table.size}`,
    );
  }
  return {
    epoch: message.epoch,
    coordinator: message.coordinator,
    members: [...message.members],
    fresh: new Set(message.fresh),
    table,
  };
}

/** `true` when `node` owns or replicates `partition` in `table`. */
export function holds(table: PartitionTable, partition: PartitionId, node: NodeId): boolean {
  const assignment = table.assignmentOf(partition);
  return (
    assignment !== undefined && (assignment.owner === node || assignment.replicas.includes(node))
  );
}
