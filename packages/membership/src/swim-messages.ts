import type { MemberState, NodeId } from '@tala-net/types';

/** What a SWIM update says of a member: a {@link MemberState}, or `Left` for a graceful leave. */
export const MemberUpdateState = {
  /** The member answers probes. */
  Alive: 'Alive',
  /** A probe of the member failed; it is dead unless it refutes in time. */
  Suspect: 'Suspect',
  /** The member was declared dead. */
  Dead: 'Dead',
  /** The member announced its own departure. */
  Left: 'Left',
} as const satisfies Record<MemberState, MemberState> & Record<string, string>;

/** One of the values of {@link MemberUpdateState}. */
export type MemberUpdateState = (typeof MemberUpdateState)[keyof typeof MemberUpdateState];

/** One member's state as disseminated by SWIM. */
export interface MemberUpdate {
  /** The member the update is about. */
  readonly node: NodeId;
  /** What the update says of the member. */
  readonly state: MemberUpdateState;
  /** Raised only by the member itself, to refute suspicion or to announce a restart. */
  readonly incarnation: bigint;
  /** Opaque transport address (e.g. UTF-8 `host:port`); empty when the transport needs none. */
  readonly address: Uint8Array;
  /**
   * Only on a `Suspect`: the member whose own probe failed (the accuser). Lifeguard counts
   * distinct accusers as independent confirmations, and the suspect tells its accuser its
   * refutation. Absent when unknown.
   */
  readonly accuser?: NodeId;
}

/** SWIM indirect probe request: `from` asks the receiver to probe `target` (tag 0x10). */
export interface PingReq {
  /** The kind of message. */
  readonly type: 'PingReq';
  /** The requester, whose own probe of `target` failed. */
  readonly from: NodeId;
  /** The requester's probe sequence number (u64), echoed in the answer. */
  readonly seq: bigint;
  /** The member to probe. */
  readonly target: NodeId;
}

/** SWIM indirect ack: `target` answered the probe requested with `seq` (tag 0x11). */
export interface IndirectAck {
  /** The kind of message. */
  readonly type: 'IndirectAck';
  /** The relay that probed `target`. */
  readonly from: NodeId;
  /** The `seq` of the {@link PingReq} this answers. */
  readonly seq: bigint;
  /** The member that answered the relay's probe. */
  readonly target: NodeId;
}

/** SWIM negative ack (Lifeguard): the relay `from` could not reach `target` (tag 0x12). */
export interface Nack {
  /** The kind of message. */
  readonly type: 'Nack';
  /** The relay that probed `target`. */
  readonly from: NodeId;
  /** The `seq` of the {@link PingReq} this answers. */
  readonly seq: bigint;
  /** The member that did not answer the relay in time. */
  readonly target: NodeId;
}

/** SWIM dissemination: member updates piggybacked next to a protocol message (tag 0x13). */
export interface Gossip {
  /** The kind of message. */
  readonly type: 'Gossip';
  /** The sender. */
  readonly from: NodeId;
  /** Member updates, newest and least sent first. */
  readonly updates: readonly MemberUpdate[];
}

/** SWIM push-pull full-state exchange; also used to join through a seed (tag 0x14). */
export interface PushPull {
  /** The kind of message. */
  readonly type: 'PushPull';
  /** The sender. */
  readonly from: NodeId;
  /** `false` for the initiator's push, `true` for the answer. */
  readonly reply: boolean;
  /** The sender's view of the members (one window of it when the state is large). */
  readonly members: readonly MemberUpdate[];
}

// SWIM's messages, owned and registered by `@tala-net/membership`.
declare module '@tala-net/types' {
  interface MessageMap {
    /** Tag 0x10, see {@link PingReq}. */
    PingReq: PingReq;
    /** Tag 0x11, see {@link IndirectAck}. */
    IndirectAck: IndirectAck;
    /** Tag 0x12, see {@link Nack}. */
    Nack: Nack;
    /** Tag 0x13, see {@link Gossip}. */
    Gossip: Gossip;
    /** Tag 0x14, see {@link PushPull}. */
    PushPull: PushPull;
  }
}
