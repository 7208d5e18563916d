import { type PartitionTableUpdate, TalaError } from '@tala-net/types';
import { PartitionTable } from './partition-table.js';

/**
 * The `PartitionTableUpdate` message that carries `table` (version and assignments; the
 * declared partition count is not on the wire).
 *
 * @example
 * ```ts
 * const message = toPartitionTableUpdate(table);
 * message.type; // 'PartitionTableUpdate'
 * ```
 */
export function toPartitionTableUpdate(table: PartitionTable): PartitionTableUpdate {
  return {
    type: 'PartitionTableUpdate',
    version: table.version,
    assignments: table.assignments.map((a) => ({
      partitionId: a.partitionId,
      owner: a.owner,
      replicas: [...a.replicas],
    })),
  };
}

/** Options of {@link fromPartitionTableUpdate}. */
export interface FromPartitionTableUpdateOptions {
  /**
   * The cluster's partition count: every partition id of the update must be below it, and the
   * table declares it.
   * @default undefined (no bound besides u32)
   */
  readonly numPartitions?: number | undefined;
}

/**
 * The {@link PartitionTable} a `PartitionTableUpdate` message carries. Throws a `TalaError` with
 * code `InvalidPartitionTable` when the message is not a valid table (duplicate partition ids,
 * an owner listed as its own replica, duplicate replicas, a partition id not below
 * `numPartitions`, ids out of range).
 */
export function fromPartitionTableUpdate(
  update: PartitionTableUpdate,
  options: FromPartitionTableUpdateOptions = {},
): PartitionTable {
  if (
    typeof update !== 'object' ||
    update === null ||
    update.type !== 'PartitionTableUpdate' ||
    !Array.isArray(update.assignments)
  ) {
    throw new TalaError('InvalidPartitionTable', 'expected a PartitionTableUpdate message');
  }
  return new PartitionTable({
    version: update.version,
    assignments: update.assignments,
    numPartitions: options.numPartitions,
  });
}

/** Options of {@link applyPartitionTableUpdate}. */
export interface ApplyPartitionTableUpdateOptions {
  /**
   * The cluster's partition count that the update's partition ids must stay below.
   * @default the current table's `numPartitions` (no bound when it declares none)
   */
  readonly numPartitions?: number | undefined;
}

/** The outcome of {@link applyPartitionTableUpdate}. */
export interface ApplyPartitionTableUpdateResult {
  /** The table to use from now on: the update's table when applied, else the current one. */
  readonly table: PartitionTable;
  /** `true` when the update was newer and replaced the current table. */
  readonly applied: boolean;
}

/**
 * Applies a `PartitionTableUpdate` message received from the network to the `current` table.
 * A newer version wins; an equal or older version is ignored (the current table is returned
 * with `applied: false`, and the stale message is not inspected further). A newer update that
 * is not a valid table throws a `TalaError` with code `InvalidPartitionTable`; the current table
 * stays what it was, since tables are immutable.
 *
 * @example
 * ```ts
 * const { table: next, applied } = applyPartitionTableUpdate(current, message);
 * ```
 */
export function applyPartitionTableUpdate(
  current: PartitionTable,
  update: PartitionTableUpdate,
  options: ApplyPartitionTableUpdateOptions = {},
): ApplyPartitionTableUpdateResult {
  if (typeof update?.version !== 'bigint') {
    throw new TalaError(
      'InvalidPartitionTable',
      `expected a u64 bigint version, found ${String(update?.version)}`,
    );
  }
  if (update.version <= current.version) return { table: current, applied: false };
  const numPartitions = options.numPartitions ?? current.numPartitions;
  return { table: fromPartitionTableUpdate(update, { numPartitions }), applied: true };
}
