/**
 * Test and benchmark helpers of `@tala-net/membership`: a simulated SWIM cluster that runs on any
 * simulated network with the `SimulatedNetwork` shape (e.g. `@tala-net/transport-inprocess`'s).
 *
 * @module @tala-net/membership/testing
 */
export {
  type ClusterLoad,
  type ClusterNetwork,
  type LoggedEvent,
  SwimCluster,
  type SwimClusterOptions,
} from './swim-cluster.js';
