import type { NodeId, PeerId } from '@tala-net/types';

/**
 * Dispatched by a `ReliableMessaging` once per message (per sender and sequence number) that
 * reaches this node, whatever the retransmissions and proxy paths it took.
 */
export class ClusterDataEvent extends Event {
  /** The node that sent the message. */
  readonly sender: NodeId;
  /** Its sequence number at the sender. */
  readonly seq: bigint;
  /** The application's bytes. */
  readonly payload: Uint8Array;
  /** The hop it arrived from (the sender itself, or a proxy). */
  readonly from: PeerId;

  constructor(sender: NodeId, seq: bigint, payload: Uint8Array, from: PeerId) {
    super('data');
    this.sender = sender;
    this.seq = seq;
    this.payload = payload;
    this.from = from;
  }
}

/**
 * Dispatched by a `ReliableMessaging` when it gives a Data frame to one peer up, unacknowledged
 * after `maxAttempts` sends.
 */
export class ClusterDataExpiredEvent extends Event {
  /** The peer that never acknowledged it. */
  readonly peer: PeerId;
  /** The message's sender (this node, or another one for a forwarded message). */
  readonly sender: NodeId;
  /** Its sequence number at the sender. */
  readonly seq: bigint;

  constructor(peer: PeerId, sender: NodeId, seq: bigint) {
    super('expired');
    this.peer = peer;
    this.sender = sender;
    this.seq = seq;
  }
}

/** Events of a `ReliableMessaging` (and `error`, which every `SafeEventTarget` dispatches). */
export interface ReliableMessagingEventMap {
  /** A message reached this node for the first time. */
  data: ClusterDataEvent;
  /** A Data frame was given up for one peer. */
  expired: ClusterDataExpiredEvent;
}
