/**
 * Test helpers of `@tala-net/cluster`: a cluster of `ClusterNode`s on a simulated network with
 * virtual time (`ClusterScenario`, run on `@tala-net/transport-inprocess`'s `SimulatedNetwork`
 * or anything of its shape) and TALA's invariants, checked on it once faults stop
 * (`clusterInvariantViolations`).
 *
 * @module @tala-net/cluster/testing
 */
export { clusterInvariantViolations } from './cluster-invariants.js';
export {
  ClusterScenario,
  type ClusterScenarioOptions,
  intentIdOf,
  type ScenarioNetwork,
  type ScenarioNodeOptions,
  tablesAgree,
} from './cluster-scenario.js';
export { intentKey } from './partition-state.js';
