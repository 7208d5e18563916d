/**
 * The in-process network for tests (`InProcessNetwork`) and a deterministic network simulator
 * (`SimulatedNetwork`, `VirtualClock`): virtual time, seeded latency, loss, duplication,
 * reordering, partitions and crashes.
 *
 * @module @tala-net/transport-inprocess
 */
export {
  type InProcessDropStats,
  InProcessNetwork,
  type InProcessNetworkStats,
} from './in-process-network.js';
export { InProcessTransport, type InProcessTransportEventMap } from './in-process-transport.js';
export type { Latency, LinkOptions } from './link-options.js';
export type { PartitionHandle } from './network-cuts.js';
export {
  type SimulatedCluster,
  type SimulatedClusterOptions,
  simulateCluster,
  withSeed,
} from './scenario.js';
export {
  SimulatedNetwork,
  type SimulatedNetworkOptions,
  type WireCodec,
  type WireError,
} from './simulated-network.js';
export type { SimulatedDropStats, SimulatedNetworkStats } from './simulated-network-stats.js';
export { DropCause, formatTrace, type TraceEvent, TraceKind } from './trace.js';
export { type TransportMessagesOptions, transportMessages } from './transport-messages.js';
export {
  NodeClock,
  type RunUntilIdleOptions,
  VirtualClock,
  type VirtualClockOptions,
} from './virtual-clock.js';
