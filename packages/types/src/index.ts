export { type Clock, realClock, type TimerHandle } from './clock.js';
export { cloneMessage } from './clone-message.js';
export { MemberState } from './member-state.js';
export {
  type Gossip,
  type IndirectAck,
  type IntentForward,
  type MembershipUpdate,
  type MemberUpdate,
  MemberUpdateState,
  type Message,
  MessageTag,
  type MessageType,
  type Nack,
  type PartitionTableUpdate,
  type Ping,
  type PingReq,
  type Pong,
  type PushPull,
  type SegmentSync,
} from './message.js';
export { NodeId, PeerId } from './node-id.js';
export type { PartitionAssignment } from './partition-assignment.js';
export { PartitionId } from './partition-id.js';
export { type Random, seededRandom } from './random.js';
export { SafeEventTarget, type TypedListener } from './safe-event-target.js';
export { TalaError, TalaErrorCode } from './tala-error.js';
export {
  type Transport,
  type TransportEventMap,
  TransportMessageEvent,
} from './transport.js';
export { TransportEventTarget } from './transport-event-target.js';
export type { TypedEventTarget } from './typed-event-target.js';
