import type { MemberState, NodeId } from '@tala-net/types';

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
  /**
   * Only on a `Suspect`: the member whose own probe failed (the accuser). Lifeguard counts
   * distinct accusers as independent confirmations, and the suspect tells its accuser its
   * refutation. Absent when unknown.
   */
  readonly accuser?: NodeId;
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

declare module '@tala-net/types' {
  /** SWIM's messages, owned and registered by `@tala-net/membership`. */
  interface MessageMap {
    PingReq: PingReq;
    IndirectAck: IndirectAck;
    Nack: Nack;
    Gossip: Gossip;
    PushPull: PushPull;
  }
}
