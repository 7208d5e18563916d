export { LocalHealth } from './local-health.js';
export {
  MembershipEvent,
  type MembershipEventMap,
  MembershipEventTarget,
} from './membership-event.js';
export { MembershipList } from './membership-list.js';
export { Suspicion, suspicionBounds, suspicionTimeout } from './suspicion.js';
export { type SwimConfig, SwimPreset, swimConfig, swimPresets } from './swim-config.js';
export {
  MAX_INCARNATION,
  SwimEngine,
  type SwimEngineOptions,
  type SwimEngineStats,
} from './swim-engine.js';
export {
  SwimNode,
  type SwimNodeOptions,
  type SwimNodeStats,
  startMembership,
} from './swim-node.js';
export {
  type MembershipChange,
  MembershipEventType,
  type OutgoingMessage,
  type SwimOutput,
  type SwimTimer,
  type TimerRequest,
} from './swim-types.js';
