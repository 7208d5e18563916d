export { fnv1a64 } from './fnv1a64.js';
export { INTENT_ID_BYTES, partitionForIntent } from './partition-for-intent.js';
export { PartitionTable, type PartitionTableInit } from './partition-table.js';
