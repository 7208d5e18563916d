import { type NodeId, type PartitionId, TalaError } from '@tala-net/types';
import { describeValue } from './describe-value.js';
import {
  assignmentsOf,
  checkOptionsObject,
  checkPlacedCount,
  checkReplicationFactor,
  nodeSet,
} from './node-set.js';
import { PartitionTable } from './partition-table.js';
import { type PlacementStart, place } from './placement.js';
import { nextTableVersion } from './table-version.js';

/** The new node set (and placement settings) for {@link rebalance}. */
export interface RebalanceOptions {
  /**
   * The live nodes of the new table (any order). Nodes of the current table that are missing
   * here have left or crashed; nodes that are new here have joined.
   */
  readonly nodes: readonly NodeId[];
  /**
   * Holders per partition wanted. When there are fewer nodes, every node holds every partition
   * (the table is under-replicated) and later rebalances refill replicas as nodes join.
   * @default the most holders any partition of the current table has (at least 1)
   */
  readonly replicationFactor?: number | undefined;
  /**
   * Zone of every node, as for `assignPartitions`: new placements spread a partition's holders
   * over distinct zones when the zones allow it.
   * @default undefined (no zones)
   */
  readonly zones?: ReadonlyMap<NodeId, string> | undefined;
}

/** A partition whose owner changes. */
export interface OwnerChange {
  /** The partition whose owner changes. */
  readonly partitionId: PartitionId;
  /** The owner in the current table (`undefined` when the partition was unassigned). */
  readonly from: NodeId | undefined;
  /** The new owner. */
  readonly to: NodeId;
  /** `true` when the new owner was a replica of the partition: it already has the data. */
  readonly promoted: boolean;
}

/** The replica set of a partition changes. */
export interface ReplicaChange {
  /** The partition whose replica set changes. */
  readonly partitionId: PartitionId;
  /** Nodes that become replicas of the partition. */
  readonly added: readonly NodeId[];
  /** Nodes that stop being replicas of the partition (they may have become its owner). */
  readonly removed: readonly NodeId[];
}

/**
 * Data to copy: `to` holds `partitionId` in the new table but did not hold it in the current
 * one, so its segments must be synced (`SegmentSync`) from `from`, a node of the new node set
 * that held the partition (the old owner when it is still there, else a surviving replica).
 * `from` is `undefined` when no holder survives (the data is lost) or the partition is new.
 */
export interface ReplicaSync {
  /** The partition whose segments are copied. */
  readonly partitionId: PartitionId;
  /** The node that receives the segments. */
  readonly to: NodeId;
  /** The node that sends them, or `undefined` when none of the new node set held the partition. */
  readonly from: NodeId | undefined;
}

/** What changes between the current and the new table, by partition id. */
export interface RebalancePlan {
  /** Partitions whose owner changes, by partition id. */
  readonly ownerChanges: readonly OwnerChange[];
  /** Partitions whose replica set changes, by partition id. */
  readonly replicaChanges: readonly ReplicaChange[];
  /** Data copies to run before the new table is used, by partition id. */
  readonly syncs: readonly ReplicaSync[];
  /** Number of owner slots that moved (`ownerChanges.length`). */
  readonly ownerMoves: number;
  /** Number of replica slots that moved (new replica memberships, Σ `added.length`). */
  readonly replicaMoves: number;
}

/** The result of {@link rebalance}. */
export interface RebalanceResult {
  /** The new table: version + 1, balanced for the new node set. */
  readonly table: PartitionTable;
  /** What changed and which data has to be copied. */
  readonly plan: RebalancePlan;
}

/**
 * Rebalances `current` onto a new node set with as few moves as possible, returning the next
 * table (version + 1) and the plan. The new table has the same invariants as
 * `assignPartitions` (owners and replica slots balanced within 1, distinct replicas other than
 * the owner), for the partitions `0 … numPartitions − 1` of the current table: its declared
 * count, else its number of assignments (a table without a declared count must then assign
 * exactly the partitions `0 … size − 1`). The new version is the next one in the wrapping
 * version space ({@link isNewerTableVersion}): after 2^64−1 comes 0.
 *
 * Movement: a live owner keeps its partitions up to its new quota, and a live replica keeps its
 * slot up to its node's quota; only the excess, and what departed nodes held, moves. A partition
 * whose owner departed gets one of its surviving replicas as owner (a promotion, no data
 * copied), then its replica slots are refilled.
 *
 * Throws a `TalaError` with code `InvalidArgument` when the node set is empty (with partitions
 * to place) or invalid, the replication factor is below 1, the partition count is above
 * 2^24 or cannot be known (no declared count and gaps in the table), or an argument has the
 * wrong type or shape.
 *
 * @example
 * ```ts
 * const nodes = [NodeId(1), NodeId(2), NodeId(3)];
 * const table = assignPartitions({ nodes, numPartitions: 12, replicationFactor: 2 });
 * const { table: next, plan } = rebalance(table, { nodes: [...nodes, NodeId(4)] });
 * next.version; // 2n
 * plan.ownerMoves; // 3: node 4 takes over 3 partitions
 * ```
 */
export function rebalance(current: PartitionTable, options: RebalanceOptions): RebalanceResult {
  const fn = 'rebalance';
  if (!(current instanceof PartitionTable)) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected a PartitionTable, found ${describeValue(current)}`,
    );
  }
  checkOptionsObject(fn, options);
  const set = nodeSet(fn, options.nodes, options.zones);
  const replicationFactor = options.replicationFactor ?? mostHolders(current);
  checkReplicationFactor(fn, replicationFactor);
  const numPartitions = partitionCount(fn, current);
  const version = nextTableVersion(current.version);
  if (numPartitions === 0) {
    const table = new PartitionTable({ version, assignments: [], numPartitions });
    return { table, plan: planBetween(current, table) };
  }
  const N = set.nodes.length;
  if (N === 0) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: no nodes to place ${numPartitions} partitions on`,
    );
  }
  const placement = place(
    N,
    numPartitions,
    Math.min(replicationFactor, N),
    set.zoneOf,
    startOf(current, numPartitions, set.indexOf),
  );
  const table = new PartitionTable({
    version,
    assignments: assignmentsOf(placement, set.nodes),
    numPartitions,
  });
  return { table, plan: planBetween(current, table, set.indexOf) };
}

/** The most holders any partition of `table` has (at least 1). */
function mostHolders(table: PartitionTable): number {
  let most = 1;
  for (const a of table.assignments) most = Math.max(most, a.replicas.length + 1);
  return most;
}

/**
 * The partitions to place: the declared count, else the number of assignments of a table that
 * assigns exactly `0 … size − 1`. Never the largest id: a table naming only partition 2^32−1
 * must not make anything 2^32 long.
 */
function partitionCount(fn: string, table: PartitionTable): number {
  const count = table.numPartitions ?? table.size;
  if (table.numPartitions === undefined) {
    for (const a of table.assignments) {
      if (a.partitionId >= count) {
        throw new TalaError(
          'InvalidArgument',
          `${fn}: the table declares no partition count and partition ${a.partitionId} is not below its ${count} assignments; declare numPartitions`,
        );
      }
    }
  }
  checkPlacedCount(fn, count);
  return count;
}

/** The old owner and surviving replicas of each partition, as indexes into the new node set. */
function startOf(
  current: PartitionTable,
  numPartitions: number,
  indexOf: ReadonlyMap<NodeId, number>,
): PlacementStart {
  const owners = new Int32Array(numPartitions).fill(-1);
  const replicas: number[][] = new Array(numPartitions);
  for (let p = 0; p < numPartitions; p++) {
    const a = current.assignmentOf(p as PartitionId);
    if (a === undefined) {
      replicas[p] = [];
      continue;
    }
    owners[p] = indexOf.get(a.owner) ?? -1;
    const live: number[] = [];
    for (const r of a.replicas) {
      const i = indexOf.get(r);
      if (i !== undefined) live.push(i);
    }
    replicas[p] = live;
  }
  return { owners, replicas };
}

/** The plan that turns `from` into `to`; sync sources are restricted to `live` when given. */
function planBetween(
  from: PartitionTable,
  to: PartitionTable,
  live?: ReadonlyMap<NodeId, number>,
): RebalancePlan {
  const ownerChanges: OwnerChange[] = [];
  const replicaChanges: ReplicaChange[] = [];
  const syncs: ReplicaSync[] = [];
  let replicaMoves = 0;
  for (const next of to.assignments) {
    const { partitionId } = next;
    const prev = from.assignmentOf(partitionId);
    const prevOwner = prev?.owner;
    const prevReplicas = prev?.replicas ?? [];
    if (prevOwner !== next.owner) {
      ownerChanges.push({
        partitionId,
        from: prevOwner,
        to: next.owner,
        promoted: prevReplicas.includes(next.owner),
      });
    }
    const added = next.replicas.filter((n) => !prevReplicas.includes(n));
    const removed = prevReplicas.filter((n) => !next.replicas.includes(n));
    if (added.length > 0 || removed.length > 0) {
      replicaChanges.push({ partitionId, added, removed });
      replicaMoves += added.length;
    }
    const held = (n: NodeId): boolean => n === prevOwner || prevReplicas.includes(n);
    let source: NodeId | undefined;
    if (prevOwner !== undefined && (live === undefined || live.has(prevOwner))) source = prevOwner;
    else source = prevReplicas.find((n) => live === undefined || live.has(n));
    for (const n of [next.owner, ...next.replicas]) {
      if (!held(n)) syncs.push({ partitionId, to: n, from: source });
    }
  }
  return { ownerChanges, replicaChanges, syncs, ownerMoves: ownerChanges.length, replicaMoves };
}
