/**
 * Building blocks of the SWIM engine, exported for tests and benchmarks: not part of the stable
 * API (they may change in any release).
 *
 * @module
 */
export { BinaryHeap } from './binary-heap.js';
export {
  DisseminationQueue,
  GOSSIP_HEADER_SIZE,
  gossipFrameSize,
  memberUpdateSize,
  retransmitLimit,
} from './dissemination-queue.js';
export { ProbeSchedule, shuffle } from './probe-schedule.js';
