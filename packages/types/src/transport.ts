import type { Message } from './message.js';
import type { NodeId, PeerId } from './node-id.js';
import type { TypedEventTarget } from './typed-event-target.js';

/** Dispatched by a {@link Transport} for every message it receives while it has listeners. */
export class TransportMessageEvent extends Event {
  /** The sender. */
  readonly from: PeerId;
  /** The received message. */
  readonly message: Message;

  constructor(from: PeerId, message: Message) {
    super('message');
    this.from = from;
    this.message = message;
  }
}

/** Events of a {@link Transport}. */
export interface TransportEventMap {
  /** A message was received (see {@link TransportMessageEvent}). */
  message: TransportMessageEvent;
}

/**
 * How one node sends messages to its peers and receives theirs. Every transport of tala-net
 * (in-process, simulated, TCP) implements it and passes the same conformance suite.
 *
 * - `send` and `broadcast` are fire-and-forget: they never throw for a delivery problem (an
 *   unknown or unreachable peer is a silent, counted drop).
 * - Delivery is FIFO per sender→receiver pair.
 * - Receiving: while at least one `message` listener is attached, each received message is
 *   dispatched as a {@link TransportMessageEvent}; while none is, messages queue for
 *   {@link Transport.recv}. Messages queued before the first listener is attached are
 *   dispatched to it, in order, never lost; after `close()` no message is dispatched.
 * - A receiver never sees another receiver's or the sender's mutations of a message.
 */
export interface Transport extends TypedEventTarget<TransportEventMap> {
  /** This node's id. */
  readonly localId: NodeId;
  /** `true` once {@link Transport.close} was called. */
  readonly closed: boolean;
  /** Sends `message` to `to`. Silently dropped if `to` is unknown or the transport is closed. */
  send(to: PeerId, message: Message): void;
  /** Sends `message` to every known peer except this node. */
  broadcast(message: Message): void;
  /** Takes the oldest queued message, or `undefined` when none is waiting (never blocks). */
  recv(): [from: PeerId, message: Message] | undefined;
  /** Stops sending and receiving and drops queued messages. Idempotent. */
  close(): void;
}
