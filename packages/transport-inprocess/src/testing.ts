/**
 * Helpers for scenarios on the in-process network and the simulator:
 * `@tala-net/transport-inprocess/testing`. They model a TALA node (intent routing, partition
 * tables, membership gossip, segment replication) for tests, examples and benchmarks, on
 * `@tala-net/partition`.
 *
 * @module @tala-net/transport-inprocess/testing
 */
export { randomIntent } from './testing/random-intent.js';
export { roundRobinAssignments } from './testing/round-robin-assignments.js';
export { type TalaHost, TalaNode } from './testing/tala-node.js';
