/**
 * The conformance suite of the `Transport` interface, for vitest: `transportConformanceTests`
 * runs every concern, and each concern is also an entry point of its own.
 *
 * @module @tala-net/transport-conformance
 */
export { addressTests } from './addresses.js';
export { backpressureTests } from './backpressure.js';
export type {
  ConformanceNetwork,
  QueueLimit,
  TransportConformanceOptions,
  UnreachablePeer,
} from './conformance-network.js';
export { largeFrameTests } from './large-frames.js';
export { lifecycleTests } from './lifecycle.js';
export { messagingTests } from './messaging.js';
export { peerEventTests, type RecordedEvent, recordEvents } from './peer-events.js';
export { transportConformanceTests } from './transport-conformance-tests.js';
