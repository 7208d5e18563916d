/** Why frames for a peer were dropped before reaching the network. */
export interface TcpDropStats {
  /** The peer had no connection and no address to dial. */
  readonly unknown: number;
  /** The peer's queue was full. */
  readonly queueFull: number;
  /** Dialling the peer failed `maxDialAttempts` times in a row, or its handshake was refused. */
  readonly unreachable: number;
  /** The transport closed before they could be written. */
  readonly closed: number;
  /** Received while nobody listened and `recv()` already held `maxInboxMessages`. */
  readonly inboxFull: number;
  /** Sum of the causes. */
  readonly total: number;
}

/** Counters of one peer (see {@link TcpTransport.peerStats}). */
export interface TcpPeerStats {
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly framesIn: number;
  readonly framesOut: number;
  /** Connections opened to or from this peer after the first. */
  readonly reconnects: number;
  /** Handshakes with this peer that failed (refused, timed out, malformed). */
  readonly handshakeFailures: number;
  /** Dials to this peer that failed (refused by the network, timed out, or refused by the peer). */
  readonly dialFailures: number;
  /** Frames and bytes in the peer's queue now. */
  readonly queuedFrames: number;
  readonly queuedBytes: number;
  /** Frames for this peer that were dropped, by cause. */
  readonly dropped: TcpDropStats;
}

/** Counters of a whole transport (see {@link TcpTransport.stats}). */
export interface TcpTransportStats extends TcpPeerStats {
  /** Open connections now. */
  readonly connections: number;
  /** Connections closed because a peer sent a malformed or oversized frame. */
  readonly malformedFrames: number;
  /** Frames of unknown kinds skipped. */
  readonly skippedFrames: number;
  /** Inbound connections closed at once because `maxConnections` or `maxPendingHandshakes` was reached. */
  readonly rejectedConnections: number;
}

/** Mutable counters behind the stats. */
export class Counters {
  bytesIn = 0;
  bytesOut = 0;
  framesIn = 0;
  framesOut = 0;
  reconnects = 0;
  handshakeFailures = 0;
  dialFailures = 0;
  unknown = 0;
  queueFull = 0;
  unreachable = 0;
  closed = 0;
  inboxFull = 0;

  dropped(): TcpDropStats {
    const { unknown, queueFull, unreachable, closed, inboxFull } = this;
    return {
      unknown,
      queueFull,
      unreachable,
      closed,
      inboxFull,
      total: unknown + queueFull + unreachable + closed + inboxFull,
    };
  }
}
