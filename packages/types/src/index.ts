/**
 * Ids (`NodeId`, `PartitionId`), the open `Message` type, `MemberState`, `PartitionAssignment`,
 * `TalaError`, the `Transport` interface, `Clock`, seeded `Random`, `SafeEventTarget` and a
 * `RingQueue`: what every tala-net package shares. No runtime dependencies.
 *
 * @module @tala-net/types
 */
export { AddressBook, type AddressBookOptions } from './address-book.js';
export { type Clock, realClock, type TimerHandle } from './clock.js';
export { cloneMessage } from './clone-message.js';
export { ErrorReportEvent } from './error-report-event.js';
export { MemberState } from './member-state.js';
export type {
  IntentForward,
  MembershipUpdate,
  Message,
  MessageMap,
  MessageType,
  PartitionTableUpdate,
  Ping,
  Pong,
  SegmentSync,
} from './message.js';
export { NodeId, PeerId } from './node-id.js';
export type { PartitionAssignment } from './partition-assignment.js';
export { PartitionId } from './partition-id.js';
export {
  type DisconnectReason,
  PeerConnectEvent,
  PeerDisconnectEvent,
} from './peer-events.js';
export { type Random, seededRandom } from './random.js';
export { RingQueue } from './ring-queue.js';
export {
  type EventOf,
  type EventTypeOf,
  SafeEventTarget,
  type TypedListener,
} from './safe-event-target.js';
export { TalaError, TalaErrorCode, type TalaErrorCodeMap } from './tala-error.js';
export {
  type BufferedAmount,
  type MessageHandler,
  type MessageHandlerOptions,
  type Transport,
  type TransportCloseOptions,
  type TransportEventMap,
  TransportMessageEvent,
  type TransportOperationOptions,
} from './transport.js';
export { TransportEventTarget } from './transport-event-target.js';
export type { TypedEventTarget } from './typed-event-target.js';
