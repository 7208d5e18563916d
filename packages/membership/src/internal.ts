/**
 * Building blocks of the SWIM engine, exported for tests and benchmarks: not part of the stable
 * API (they may change in any release).
 *
 * @module
 */
export { BinaryHeap } from './binary-heap.js';
export { DisseminationQueue, retransmitLimit } from './dissemination-queue.js';
export { LocalHealth } from './local-health.js';
export { PendingTimers } from './pending-timers.js';
export { ProbeSchedule, shuffle } from './probe-schedule.js';
export { Suspicion, suspicionBounds, suspicionTimeout } from './suspicion.js';
