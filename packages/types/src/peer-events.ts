import type { NodeId } from './node-id.js';

/**
 * Why a transport's connection to a peer ended (the `reason` of a {@link PeerDisconnectEvent}):
 *
 * - `closed`: this transport closed;
 * - `remote-closed`: the peer closed the connection (or its process ended);
 * - `replaced`: a newer connection to the same peer took its place (the peer restarted, or both
 *   sides dialled at once and the other connection won);
 * - `timeout`: nothing was heard from the peer within the idle timeout (e.g. a half-open
 *   connection), or its handshake took too long;
 * - `protocol`: the peer broke the wire protocol (a malformed or oversized frame, a message
 *   before the handshake completed);
 * - `refused`: the handshake was refused (wrong cluster label, no common version, an identity
 *   that does not match the certificate);
 * - `error`: the connection failed (reset, unreachable).
 */
export type DisconnectReason =
  | 'closed'
  | 'remote-closed'
  | 'replaced'
  | 'timeout'
  | 'protocol'
  | 'refused'
  | 'error';

/** Dispatched by a transport when a connection to `peer` is established (after its handshake). */
export class PeerConnectEvent extends Event {
  /** The peer, as its handshake named it. */
  readonly peer: NodeId;
  /** The peer's address when known (the dialled address, or the address it advertised). */
  readonly address: string | undefined;

  constructor(peer: NodeId, address: string | undefined) {
    super('peer:connect');
    this.peer = peer;
    this.address = address;
  }
}

/** Dispatched by a transport when its connection to `peer` ends; `reason` says why. */
export class PeerDisconnectEvent extends Event {
  /** The peer. */
  readonly peer: NodeId;
  /** Why the connection ended. */
  readonly reason: DisconnectReason;
  /** What happened, for people (e.g. the error message). */
  readonly detail: string;

  constructor(peer: NodeId, reason: DisconnectReason, detail = '') {
    super('peer:disconnect');
    this.peer = peer;
    this.reason = reason;
    this.detail = detail;
  }
}
