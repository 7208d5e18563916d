import type { MemberState } from './member-state.js';
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

/** What a SWIM update says of a member: a {@link MemberState}, or `Left` for a graceful leave. */
export const MemberUpdateState = {
  Alive: 'Alive',
  Suspect: 'Suspect',
  Dead: 'Dead',
  /** The member announced its own departure. */
  Left: 'Left',
} as const satisfies Record<MemberState, MemberState> & Record<string, string>;

/** One of the values of {@link MemberUpdateState}. */
export type MemberUpdateState = (typeof MemberUpdateState)[keyof typeof MemberUpdateState];

/** One member's state as disseminated by SWIM. */
export interface MemberUpdate {
  readonly node: NodeId;
  readonly state: MemberUpdateState;
  /** Raised only by the member itself, to refute suspicion or to announce a restart. */
  readonly incarnation: bigint;
  /** Opaque transport address (e.g. UTF-8 `host:port`); empty when the transport needs none. */
  readonly address: Uint8Array;
}

/** SWIM indirect probe request: `from` asks the receiver to probe `target` (tag 0x10). */
export interface PingReq {
  readonly type: 'PingReq';
  readonly from: NodeId;
  readonly seq: bigint;
  readonly target: NodeId;
}

/** SWIM indirect ack: `target` answered the probe requested with `seq` (tag 0x11). */
export interface IndirectAck {
  readonly type: 'IndirectAck';
  readonly from: NodeId;
  readonly seq: bigint;
  readonly target: NodeId;
}

/** SWIM negative ack (Lifeguard): the relay `from` could not reach `target` (tag 0x12). */
export interface Nack {
  readonly type: 'Nack';
  readonly from: NodeId;
  readonly seq: bigint;
  readonly target: NodeId;
}

/** SWIM dissemination: member updates piggybacked next to a protocol message (tag 0x13). */
export interface Gossip {
  readonly type: 'Gossip';
  readonly from: NodeId;
  readonly updates: readonly MemberUpdate[];
}

/** SWIM push-pull full-state exchange; also used to join through a seed (tag 0x14). */
export interface PushPull {
  readonly type: 'PushPull';
  readonly from: NodeId;
  /** `false` for the initiator's push, `true` for the answer. */
  readonly reply: boolean;
  readonly members: readonly MemberUpdate[];
}

/** Every message of the tala-net wire format, discriminated on `type`. */
export type Message =
  | Ping
  | Pong
  | IntentForward
  | SegmentSync
  | MembershipUpdate
  | PartitionTableUpdate
  | PingReq
  | IndirectAck
  | Nack
  | Gossip
  | PushPull;

/** The `type` of a {@link Message}. */
export type MessageType = Message['type'];

/** The wire tag of each message type. Tags 0x01–0x06 are frozen to the Rust reference. */
export const MessageTag = {
  Ping: 0x01,
  Pong: 0x02,
  IntentForward: 0x03,
  SegmentSync: 0x04,
  MembershipUpdate: 0x05,
  PartitionTableUpdate: 0x06,
  PingReq: 0x10,
  IndirectAck: 0x11,
  Nack: 0x12,
  Gossip: 0x13,
  PushPull: 0x14,
} as const satisfies Record<MessageType, number>;

/** One of the values of {@link MessageTag}. */
export type MessageTag = (typeof MessageTag)[keyof typeof MessageTag];
