/**
 * Partition tables and intent routing: `PartitionTable`, `partitionForIntent` (FNV-1a 64 modulo
 * the partition count), balanced assignment, minimal-movement rebalancing and safe table
 * updates.
 *
 * @module @tala-net/partition
 */
export { type AssignPartitionsOptions, assignPartitions } from './assign-partitions.js';
export { fnv1a64 } from './fnv1a64.js';
export { INTENT_ID_BYTES, partitionForIntent } from './partition-for-intent.js';
export { PartitionTable, type PartitionTableInit } from './partition-table.js';
export {
  type ApplyPartitionTableUpdateOptions,
  type ApplyPartitionTableUpdateResult,
  applyPartitionTableUpdate,
  type FromPartitionTableUpdateOptions,
  fromPartitionTableUpdate,
  toPartitionTableUpdate,
} from './partition-table-update.js';
export {
  type OwnerChange,
  type RebalanceOptions,
  type RebalancePlan,
  type RebalanceResult,
  type ReplicaChange,
  type ReplicaSync,
  rebalance,
} from './rebalance.js';
export { isNewerTableVersion } from './table-version.js';
