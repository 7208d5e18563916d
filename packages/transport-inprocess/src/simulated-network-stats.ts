import type { DropCause } from './trace.js';

/** Drop counters of a `SimulatedNetwork`, by {@link DropCause}. */
export interface SimulatedDropStats {
  /** Random loss on the link. */
  readonly loss: number;
  /** The link was cut by a partition. */
  readonly partition: number;
  /** The receiver was crashed or closed, or the sender crashed while the message was in flight. */
  readonly crashed: number;
  /** The receiver was never added to the network. */
  readonly unknown: number;
  /** The `wire` codec failed to decode the message (see `SimulatedNetwork.wireErrors`). */
  readonly corrupt: number;
  /**
   * The message had arrived and waited in the receiver's queue for `recv()` when its transport
   * closed (by `close()`, or a crash or restart of its node).
   */
  readonly closed: number;
  /** Sum of the causes. */
  readonly total: number;
}

/**
 * Counters of a `SimulatedNetwork`. Every message sent, and every extra copy made by
 * duplication, is counted exactly once as delivered, dropped (with its cause), in flight or
 * queued, so at any time `sent + duplicated = delivered + dropped.total + inFlight + queued`.
 */
export interface SimulatedNetworkStats {
  /** Messages handed to `send`/`broadcast` (a broadcast counts once per receiver). */
  readonly sent: number;
  /**
   * Messages the application received (duplicates included): dispatched to a `message`
   * listener or returned by `recv()`.
   */
  readonly delivered: number;
  /** Messages dropped, by cause. */
  readonly dropped: SimulatedDropStats;
  /** Extra copies created by duplication. */
  readonly duplicated: number;
  /** Encoded bytes put on the wire (only with the `wire` option; 0 otherwise). */
  readonly bytes: number;
  /** Messages scheduled for delivery that have not arrived yet (nor been dropped). */
  readonly inFlight: number;
  /** Messages that arrived and wait in running nodes' queues for `recv()` (or a listener). */
  readonly queued: number;
}

/**
 * The running counters behind {@link SimulatedNetworkStats}: one field per cause, so a drop is a
 * single increment on the hot path.
 */
export class SimulatedCounters {
  sent = 0;
  delivered = 0;
  duplicated = 0;
  bytes = 0;
  inFlight = 0;
  queued = 0;
  readonly dropped: Record<DropCause, number> = {
    loss: 0,
    partition: 0,
    crashed: 0,
    unknown: 0,
    corrupt: 0,
    closed: 0,
  };

  /** A snapshot, with the drop total. */
  snapshot(): SimulatedNetworkStats {
    const { loss, partition, crashed, unknown, corrupt, closed } = this.dropped;
    return {
      sent: this.sent,
      delivered: this.delivered,
      dropped: {
        loss,
        partition,
        crashed,
        unknown,
        corrupt,
        closed,
        total: loss + partition + crashed + unknown + corrupt + closed,
      },
      duplicated: this.duplicated,
      bytes: this.bytes,
      inFlight: this.inFlight,
      queued: this.queued,
    };
  }
}
