import type { NodeId } from './node-id.js';
import type { PartitionAssignment } from './partition-assignment.js';
import type { PartitionId } from './partition-id.js';

/** Liveness probe (tag 0x01). */
export interface Ping {
  /** The kind of message. */
  readonly type: 'Ping';
  /** The node that sends the probe. */
  readonly from: NodeId;
  /** Sequence number (u64) that the {@link Pong} echoes. */
  readonly seq: bigint;
}

/** Answer to a {@link Ping} with the same `seq` (tag 0x02). */
export interface Pong {
  /** The kind of message. */
  readonly type: 'Pong';
  /** The node that answers. */
  readonly from: NodeId;
  /** The `seq` (u64) of the {@link Ping} this answers. */
  readonly seq: bigint;
}

/** An intent routed to the owner of `partition` (tag 0x03). */
export interface IntentForward {
  /** The kind of message. */
  readonly type: 'IntentForward';
  /** The partition the intent belongs to. */
  readonly partition: PartitionId;
  /** The intent's bytes, opaque to tala-net (a view into the frame after a zero-copy decode). */
  readonly payload: Uint8Array;
}

/** Segment bytes of `partition` sent to a replica (tag 0x04). */
export interface SegmentSync {
  /** The kind of message. */
  readonly type: 'SegmentSync';
  /** The partition the segment belongs to. */
  readonly partition: PartitionId;
  /** The segment's bytes, opaque to tala-net (a view into the frame after a zero-copy decode). */
  readonly segmentData: Uint8Array;
}

/** A versioned list of cluster members (tag 0x05). */
export interface MembershipUpdate {
  /** The kind of message. */
  readonly type: 'MembershipUpdate';
  /** Every member of the cluster at `version`. */
  readonly members: readonly NodeId[];
  /** Version (u64) of the list; a node adopts only a newer one. */
  readonly version: bigint;
}

/** A versioned partition table (tag 0x06). */
export interface PartitionTableUpdate {
  /** The kind of message. */
  readonly type: 'PartitionTableUpdate';
  /** Owner and replicas of each partition. */
  readonly assignments: readonly PartitionAssignment[];
  /** Version (u64) of the table; a node adopts only a newer one. */
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
  /** Tag 0x01, see {@link Ping}. */
  Ping: Ping;
  /** Tag 0x02, see {@link Pong}. */
  Pong: Pong;
  /** Tag 0x03, see {@link IntentForward}. */
  IntentForward: IntentForward;
  /** Tag 0x04, see {@link SegmentSync}. */
  SegmentSync: SegmentSync;
  /** Tag 0x05, see {@link MembershipUpdate}. */
  MembershipUpdate: MembershipUpdate;
  /** Tag 0x06, see {@link PartitionTableUpdate}. */
  PartitionTableUpdate: PartitionTableUpdate;
}

/** Every message kind known to this program (see {@link MessageMap}), discriminated on `type`. */
export type Message = MessageMap[keyof MessageMap];

/** The `type` of a {@link Message}. */
export type MessageType = keyof MessageMap;
