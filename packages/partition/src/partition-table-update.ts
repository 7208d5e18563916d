import { type PartitionTableUpdate, TalaError } from '@tala-net/types';
import { describeValue } from './describe-value.js';
import { PartitionTable } from './partition-table.js';
import { checkPartitionCount, checkVersion } from './table-validation.js';
import { isNewerTableVersion } from './table-version.js';

/**
 * The `PartitionTableUpdate` message that carries `table` (version and assignments; the
 * declared partition count is not on the wire). Throws a `TalaError` with code
 * `InvalidArgument` when `table` is not a {@link PartitionTable}.
 *
 * @example
 * ```ts
 * const message = toPartitionTableUpdate(table);
 * message.type; // 'PartitionTableUpdate'
 * ```
 */
export function toPartitionTableUpdate(table: PartitionTable): PartitionTableUpdate {
  if (!(table instanceof PartitionTable)) {
    throw new TalaError(
      'InvalidArgument',
      `toPartitionTableUpdate: expected a PartitionTable, found ${describeValue(table)}`,
    );
  }
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
   * The cluster's partition count n: the update must name every partition `0 … n − 1` exactly
   * once (or, with `allowPartial`, each at most once), and the table declares it.
   * @default the number of assignments in the update (required with `allowPartial`)
   */
  readonly numPartitions?: number | undefined;
  /**
   * Accept an update that leaves some partitions `0 … n − 1` unassigned (a partial table).
   * It must still name at least one partition, each at most once, all below n.
   * @default false
   */
  readonly allowPartial?: boolean | undefined;
}

/**
 * The {@link PartitionTable} a `PartitionTableUpdate` message carries, declaring the partition
 * count n. The message must name every partition `0 … n − 1` exactly once (unless
 * `allowPartial`); an empty table is never accepted.
 *
 * The message is checked before anything is copied, and a table of the wrong size is rejected
 * before any assignment is read. Throws a `TalaError` with code `InvalidArgument` for a value
 * of the wrong type or shape (not a `PartitionTableUpdate`, holes, `null`s, wrong primitive
 * types) and with code `InvalidPartitionTable` for a table that is invalid (empty, gaps,
 * duplicate partition ids, an owner listed as its own replica, duplicate replicas, ids out of
 * range).
 */
export function fromPartitionTableUpdate(
  update: PartitionTableUpdate,
  options: FromPartitionTableUpdateOptions = {},
): PartitionTable {
  const fn = 'fromPartitionTableUpdate';
  checkUpdate(fn, update);
  const { allowPartial, numPartitions } = checkOptions(fn, options);
  if (allowPartial && numPartitions === undefined) {
    throw new TalaError('InvalidArgument', `${fn}: allowPartial needs numPartitions`);
  }
  const n = numPartitions ?? update.assignments.length;
  checkCoverage(fn, update.assignments.length, n, allowPartial);
  return new PartitionTable({
    version: update.version,
    assignments: update.assignments,
    numPartitions: n,
  });
}

/** Options of {@link applyPartitionTableUpdate}. */
export interface ApplyPartitionTableUpdateOptions {
  /**
   * The cluster's partition count n: a newer update must name every partition `0 … n − 1`
   * exactly once (or, with `allowPartial`, each at most once).
   * @default the current table's `numPartitions`, else its number of assignments
   */
  readonly numPartitions?: number | undefined;
  /**
   * Accept a newer update that leaves some partitions unassigned (see
   * {@link FromPartitionTableUpdateOptions.allowPartial}).
   * @default false
   */
  readonly allowPartial?: boolean | undefined;
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
 * A newer version ({@link isNewerTableVersion}) wins; an equal or older version is ignored (the
 * current table is returned with `applied: false`, and the stale message is not inspected
 * further). A newer update is a valid table only if it names every partition `0 … n − 1`
 * exactly once, where n is the current table's partition count (its declared `numPartitions`,
 * else its number of assignments) or the one given in the options; the new table declares n.
 *
 * A newer update that is not a valid table throws a `TalaError` with code
 * `InvalidPartitionTable` (or `InvalidArgument` for a value of the wrong type or shape); the
 * current table stays what it was, since tables are immutable. Checks run before anything is
 * copied: an update of the wrong size is rejected in constant time.
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
  const fn = 'applyPartitionTableUpdate';
  if (!(current instanceof PartitionTable)) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected the current PartitionTable, found ${describeValue(current)}`,
    );
  }
  checkUpdate(fn, update);
  const { allowPartial, numPartitions } = checkOptions(fn, options);
  if (!isNewerTableVersion(update.version, current.version)) {
    return { table: current, applied: false };
  }
  const n = numPartitions ?? current.numPartitions ?? current.size;
  checkCoverage(fn, update.assignments.length, n, allowPartial);
  return {
    table: new PartitionTable({
      version: update.version,
      assignments: update.assignments,
      numPartitions: n,
    }),
    applied: true,
  };
}

/** Throws unless `update` is shaped like a `PartitionTableUpdate` with a u64 version. */
function checkUpdate(fn: string, update: unknown): asserts update is PartitionTableUpdate {
  if (typeof update !== 'object' || update === null) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected a PartitionTableUpdate message, found ${describeValue(update)}`,
    );
  }
  const { type, version, assignments } = update as Record<string, unknown>;
  if (type !== 'PartitionTableUpdate' || !Array.isArray(assignments)) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected a PartitionTableUpdate message with an array of assignments`,
    );
  }
  checkVersion(fn, version);
}

function checkOptions(
  fn: string,
  options: unknown,
): { allowPartial: boolean; numPartitions: number | undefined } {
  if (typeof options !== 'object' || options === null) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected an options object, found ${describeValue(options)}`,
    );
  }
  const { allowPartial = false, numPartitions } = options as Record<string, unknown>;
  if (typeof allowPartial !== 'boolean') {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected allowPartial to be a boolean, found ${describeValue(allowPartial)}`,
    );
  }
  checkPartitionCount(fn, numPartitions, 'InvalidArgument');
  return { allowPartial, numPartitions };
}

/**
 * Throws unless `length` assignments can cover the partitions `0 … n − 1`: exactly n of them,
 * or 1 … n when partial tables are allowed. With every id below n and none repeated (which the
 * table constructor checks), n assignments name every partition exactly once.
 */
function checkCoverage(fn: string, length: number, n: number, allowPartial: boolean): void {
  if (length === 0) {
    throw new TalaError('InvalidPartitionTable', `${fn}: the update assigns no partition`);
  }
  if (n === 0) {
    throw new TalaError(
      'InvalidPartitionTable',
      `${fn}: no partition count to check the update against; declare numPartitions`,
    );
  }
  if (allowPartial ? length > n : length !== n) {
    throw new TalaError(
      'InvalidPartitionTable',
      `${fn}: expected ${allowPartial ? 'at most' : 'exactly'} ${n} assignments (every partition 0 … ${n - 1} once), found ${length}`,
    );
  }
}
