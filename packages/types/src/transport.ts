import type { AddressBook } from './address-book.js';
import type { Message } from './message.js';
import type { NodeId, PeerId } from './node-id.js';
import type { PeerConnectEvent, PeerDisconnectEvent } from './peer-events.js';
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

/**
 * Events of a {@link Transport} (and `error`, an `ErrorReportEvent`, which every
 * `SafeEventTarget` dispatches).
 */
export interface TransportEventMap {
  /** A message arrived. */
  message: TransportMessageEvent;
  /** A connection to a peer is established (after its handshake). */
  'peer:connect': PeerConnectEvent;
  /** A connection to a peer ended, with the reason. */
  'peer:disconnect': PeerDisconnectEvent;
  /** The transport closed; nothing is dispatched after it. Dispatched once. */
  close: Event;
}

/** What a transport holds for one peer and has not yet handed to the network. */
export interface BufferedAmount {
  /** Frames (messages) waiting. */
  readonly frames: number;
  /** Their encoded size in bytes. */
  readonly bytes: number;
}

/** Options of {@link Transport.listen} and {@link Transport.dial}. */
export interface TransportOperationOptions {
  /**
   * Cuts the operation short: it rejects with a `TalaError` (`Aborted`).
   * @default undefined
   */
  readonly signal?: AbortSignal;
}

/** Receives a message as it arrives: its sender and the message. */
export type MessageHandler = (from: PeerId, message: Message) => void;

/** Options of {@link Transport.addMessageHandler}. */
export interface MessageHandlerOptions {
  /**
   * Removes the handler when it aborts.
   * @default undefined (the handler stays until the transport closes)
   */
  readonly signal?: AbortSignal;
}

/** Options of {@link Transport.close}. */
export interface TransportCloseOptions {
  /**
   * How long `close()` may spend flushing what is queued, in milliseconds; what is still queued
   * then is dropped (counted with cause `closed`).
   * @default 2_000
   */
  readonly timeoutMs?: number;
  /**
   * Cuts the flush short: what is still queued is dropped at once.
   * @default undefined
   */
  readonly signal?: AbortSignal;
}

/**
 * How one node sends messages to its peers and receives theirs. Every transport of tala-net
 * (in-process, simulated, TCP) implements it and passes the same conformance suite
 * (`@tala-net/transport-conformance`), so protocol code is the same over all of them.
 *
 * - **Addresses.** `listen()` binds an address and resolves with the one it got (for TCP,
 *   `host:port`; port 0 picks a free port). `dial(address)` connects to whoever listens there
 *   and resolves with its `NodeId`, learned from the handshake. The {@link AddressBook} maps
 *   ids to addresses: `send` to a peer that has an address but no connection dials it.
 * - **Sending.** `send` and `broadcast` are fire-and-forget: they never throw for a delivery
 *   problem (an unknown or unreachable peer, a full queue, a closed transport is a counted
 *   drop). Delivery is FIFO per sender→receiver pair.
 * - **Backpressure.** Each peer has a bounded queue; `buffered(peer)` tells what waits in it and
 *   `drained(peer)` resolves once it is empty.
 * - **Receiving.** While at least one `message` listener is attached, each received message is
 *   dispatched as a {@link TransportMessageEvent}; while none is, messages queue for
 *   {@link Transport.recv}. Messages queued before the first listener is attached are
 *   dispatched to it, in order, never lost; after `close()` no message is dispatched. A
 *   transport may also offer {@link Transport.addMessageHandler}, which takes the messages of
 *   some kinds without an `Event` each.
 * - **Peers.** `peer:connect` and `peer:disconnect` (with a reason) follow connections;
 *   `close` is dispatched once when the transport closes.
 * - A receiver never sees another receiver's or the sender's mutations of a message.
 */
export interface Transport extends TypedEventTarget<TransportEventMap> {
  /** This node's id. */
  readonly localId: NodeId;
  /** `true` once {@link Transport.close} was called. */
  readonly closed: boolean;
  /**
   * The address this transport listens on: set once `listen()` resolved, or from creation for a
   * transport that listens as soon as it exists (the in-process ones); `undefined` before.
   */
  readonly address: string | undefined;
  /** Where peers can be reached; `send` dials what it finds here. */
  readonly addressBook: AddressBook;
  /**
   * Starts accepting connections on `address` (a transport-specific default when omitted) and
   * resolves with the address it got. Idempotent: a second call resolves with the same address.
   * Rejects with a `TalaError` when the address cannot be bound or the transport is closed.
   */
  listen(address?: string, options?: TransportOperationOptions): Promise<string>;
  /**
   * Connects to whoever listens on `address` and resolves with its id once the handshake
   * completed; records the address in the address book. Rejects with a `TalaError`
   * (`Unreachable`, `TimedOut`, `Aborted`, `Closed`, or the handshake's refusal).
   */
  dial(address: string, options?: TransportOperationOptions): Promise<NodeId>;
  /** Sends `message` to `to`. Dropped (and counted) if it cannot be delivered. */
  send(to: PeerId, message: Message): void;
  /** Sends `message` to every peer this transport knows (connected or in the address book). */
  broadcast(message: Message): void;
  /** Takes the oldest queued message, or `undefined` when none is waiting (never blocks). */
  recv(): [from: PeerId, message: Message] | undefined;
  /** What waits in `peer`'s queue, not yet handed to the network. */
  buffered(peer: PeerId): BufferedAmount;
  /**
   * Optional, the fast path of a layer that owns some message kinds (such as a network): from
   * now on, every message received whose `type` is one of `types` is handed to `handler` (and to
   * every other handler of that type, in the order they were added) as it arrives, in arrival
   * order, in place of a `message` event or a place in the `recv()` queue, so that it costs no
   * `Event`. Messages of other kinds, and those that arrived before, are received as before.
   * A handler that throws is counted in `listenerErrors` and reported as an `error` event, and
   * delivery goes on. Throws a `TalaError` (`InvalidArgument`) for a handler that is not a
   * function or types that are not strings. A transport without it dispatches every message as
   * an event.
   */
  addMessageHandler?(
    types: readonly string[],
    handler: MessageHandler,
    options?: MessageHandlerOptions,
  ): void;
  /**
   * Resolves once `peer`'s queue is empty (at once when it is), or when the peer's queue is
   * dropped (its connection failed or the transport closed). Rejects with `Aborted` when
   * `signal` aborts.
   */
  drained(peer: PeerId, options?: TransportOperationOptions): Promise<void>;
  /**
   * Stops accepting, flushes what is queued within `timeoutMs` (or until `signal` aborts),
   * closes every connection and dispatches `close`. Idempotent: every call returns a promise
   * of the same completion.
   */
  close(options?: TransportCloseOptions): Promise<void>;
}
