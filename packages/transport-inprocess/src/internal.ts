/**
 * Building blocks of the in-process network and the simulator, exported for their own tests and
 * benchmarks: `@tala-net/transport-inprocess/internal`. Not part of the supported API; they may
 * change in any release.
 */
export { EventQueue } from './event-queue.js';
export { InFlightCounts } from './in-flight-counts.js';
export { PeerSlots } from './peer-slots.js';
