/**
 * Cluster membership: the versioned `MembershipList` and SWIM with the Lifeguard extensions as a
 * sans-IO engine (`SwimEngine`), with a driver over any transport (`SwimNode`). Owns SWIM's
 * messages (tags 0x10–0x1f).
 *
 * @module @tala-net/membership
 */
export {
  MembershipEvent,
  type MembershipEventMap,
  MembershipEventTarget,
} from './membership-event.js';
export { MembershipList } from './membership-list.js';
export { type SwimConfig, SwimPreset, swimConfig, swimPresets } from './swim-config.js';
export { SwimEngine, type SwimEngineStats } from './swim-engine.js';
export type { SwimEngineOptions } from './swim-engine-options.js';
export {
  type Gossip,
  type IndirectAck,
  type MemberUpdate,
  MemberUpdateState,
  type Nack,
  type PingReq,
  type PushPull,
} from './swim-messages.js';
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
export {
  DEFAULT_PUSH_PULL_MEMBERS,
  EMPTY_GOSSIP_FRAME_BYTES,
  EMPTY_PUSH_PULL_FRAME_BYTES,
  gossipMessage,
  indirectAckMessage,
  MAX_ADDRESS_BYTES,
  MAX_INCARNATION,
  memberUpdateLength,
  nackMessage,
  pingReqMessage,
  pushPullMessage,
  registerSwimMessages,
  swimMessages,
} from './swim-wire.js';
