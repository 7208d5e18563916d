import type { NodeId } from './node-id.js';
import type { PartitionAssignment } from './partition-assignment.js';
import type { PartitionId } from './partition-id.js';

/** Liveness probe (tag 0x01). */
export interface Ping {
  readonly type: 'Ping';
  readonly from: NodeId;
  readonly seq: bigint;
}

/** Answer to a {@link Ping} with the same `seq` (tag 0x02). */
export interface Pong {
  readonly type: 'Pong';
  readonly from: NodeId;
  readonly seq: bigint;
}

/** An intent routed to the owner of `partition` (tag 0x03). */
export interface IntentForward {
  readonly type: 'IntentForward';
  readonly partition: PartitionId;
  readonly payload: Uint8Array;
}

/** Segment bytes of `partition` sent to a replica (tag 0x04). */
export interface SegmentSync {
  readonly type: 'SegmentSync';
  readonly partition: PartitionId;
  readonly segmentData: Uint8Array;
}

/** A versioned list of cluster members (tag 0x05). */
export interface MembershipUpdate {
  readonly type: 'MembershipUpdate';
  readonly members: readonly NodeId[];
  readonly version: bigint;
}

/** A versioned partition table (tag 0x06). */
export interface PartitionTableUpdate {
  readonly type: 'PartitionTableUpdate';
  readonly assignments: readonly PartitionAssignment[];
  readonly version: bigint;
}

/**
 * The message kinds this program knows, by `type`. `@tala-net/types` declares the six kinds of the
 * Rust reference; every package that owns a protocol adds its own kinds with TypeScript module
 * augmentation, next to the wire definitions it registers with the codec:
 *
 * ```ts
 * declare module '@tala-net/types' {
 *   interface MessageMap {
 *     Greeting: Greeting;
 *   }
 * }
 * ```
 *
 * A program that installs only the codec sees exactly the reference's six; one that also installs
 * `@tala-net/membership` sees SWIM's messages too, and a `switch` on `message.type` stays
 * exhaustive for what is installed.
 */
export interface MessageMap {
  Ping: Ping;
  Pong: Pong;
  IntentForward: IntentForward;
  SegmentSync: SegmentSync;
  MembershipUpdate: MembershipUpdate;
  PartitionTableUpdate: PartitionTableUpdate;
}

/** Every message kind known to this program (see {@link MessageMap}), discriminated on `type`. */
export type Message = MessageMap[keyof MessageMap];

/** The `type` of a {@link Message}. */
export type MessageType = keyof MessageMap;
