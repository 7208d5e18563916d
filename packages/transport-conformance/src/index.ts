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
