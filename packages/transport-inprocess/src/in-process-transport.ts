import {
  AddressBook,
  type BufferedAmount,
  type DisconnectReason,
  type Message,
  type NodeId,
  PeerConnectEvent,
  PeerDisconnectEvent,
  type PeerId,
  RingQueue,
  TalaError,
  type Transport,
  type TransportCloseOptions,
  type TransportEventMap,
  TransportEventTarget,
  TransportMessageEvent,
  type TransportOperationOptions,
} from '@tala-net/types';
import { abortedError, closedError } from './operation-errors.js';
import { PeerSlots } from './peer-slots.js';

/** What an {@link InProcessTransport} needs from its network. */
export interface InProcessLink {
  route(from: InProcessTransport, to: PeerId, message: Message): void;
  routeToAll(from: InProcessTransport, message: Message): void;
  scheduleDispatch(transport: InProcessTransport): void;
  /**
   * The transport is closing: the network stops routing to it and tells its connected peers
   * (their `peer:disconnect`), before the transport dispatches its own events.
   */
  detach(transport: InProcessTransport): void;
  /**
   * Resolves `address` to the open transport listening there and opens a connection to it;
   * returns its id. Throws a `TalaError` (`Unreachable`) when nobody can be reached there.
   */
  dial(from: InProcessTransport, address: string): NodeId;
  /** The id of the transport at network index `index`. */
  idAt(index: number): NodeId;
  /** What `from` sent to `peer` that has not reached `peer`'s transport yet. */
  buffered(from: InProcessTransport, peer: PeerId): BufferedAmount;
  /** The application received `message`: a listener was dispatched it, or `recv()` returned it. */
  handedOver(transport: InProcessTransport, from: PeerId, message: Message): void;
  /**
   * `message`, handed to `deliver`, never reaches the application: the transport was closed when
   * it arrived, or closed while it waited in the queue.
   */
  discarded(transport: InProcessTransport, from: PeerId, message: Message): void;
}

/**
 * Events of an {@link InProcessTransport}: those of every transport (`message`, `peer:connect`,
 * `peer:disconnect`, `close`).
 */
export interface InProcessTransportEventMap extends TransportEventMap {
  /**
   * Dispatched once, when the transport closes (by `close()`, or by a simulated crash or
   * restart of its node). No event follows it.
   */
  close: Event;
}

const NOTHING_BUFFERED: BufferedAmount = Object.freeze({ frames: 0, bytes: 0 });

interface DrainWaiter {
  readonly resolve: () => void;
  readonly cleanup: () => void;
}

/**
 * One node's endpoint on an {@link InProcessNetwork} or a `SimulatedNetwork`. Create it with
 * `network.addNode(id)`.
 *
 * **Addresses.** The transport listens from the moment it is added, on the address its network
 * gave it (`inproc:<id>` on an `InProcessNetwork`, `sim:<id>` on a `SimulatedNetwork`):
 * {@link InProcessTransport.address} is set from the start and `listen()` resolves with it
 * (idempotent; another address is refused). `dial(address)` resolves with the id of the open
 * transport listening there and records it in the {@link InProcessTransport.addressBook};
 * it rejects with `Unreachable` when no open transport listens there (or, in the simulator,
 * when a partition cuts the link either way). Every node of the network can be sent to by its
 * id, with or without an address-book entry.
 *
 * **Connections.** A connection between two transports starts with the first `dial` or
 * delivered `send` between them: both get a `peer:connect` naming the other, once per
 * connection, before the first message of that connection is dispatched. When one of them
 * closes (or its simulated node crashes or restarts), the other gets a `peer:disconnect` with
 * reason `remote-closed` (in the simulator, after the messages the closer sent before closing
 * have arrived) and the closer gets one with reason `closed` per connection, before its `close`
 * event. A partition does not end a simulated connection (messages across it are dropped).
 * Connections opened by `send` are kept track of only while one side has (or once had) a
 * peer-event listener, so traffic that nobody watches costs nothing per pair: a transport that
 * starts listening after it already exchanged messages with a peer hears of that connection at
 * its next message.
 *
 * **Receiving.** While a `message` listener is attached, each message is dispatched as a
 * `TransportMessageEvent` (never re-entrantly: a message sent from inside a listener is
 * dispatched after the current listener returns); otherwise messages queue for `recv()`.
 * Attaching a `message` listener while messages are queued dispatches them at once, oldest
 * first, through the network's dispatcher: synchronously inside `addEventListener`, or, when
 * it is called from inside a listener, right after that listener returns. So no message waits
 * in the queue while someone listens. The network's `stats` count a message as delivered at
 * that moment (dispatched, or returned by `recv()`), never earlier. Peer events go through the
 * same dispatcher, so they never nest either.
 *
 * **Backpressure.** `buffered(peer)` is what this transport sent to `peer` that has not reached
 * `peer`'s transport yet: always nothing on an `InProcessNetwork` (delivery is synchronous), the
 * messages in flight on a `SimulatedNetwork` (bytes counted only with its `wire` codec).
 * `drained(peer)` resolves once that is nothing, as the simulation runs.
 *
 * **Closing** (`close()`, idempotent) drops what is still queued for `recv()` (counted as
 * dropped, cause `closed`), dispatches the `peer:disconnect` events and then `close`,
 * synchronously, and returns a promise that is already settled: what this transport sent
 * before is in the network's hands (delivered, or in flight in the simulator, where it still
 * arrives), so there is nothing left to flush.
 */
export class InProcessTransport
  extends TransportEventTarget<InProcessTransportEventMap>
  implements Transport
{
  readonly localId: NodeId;
  /** Where peers can be reached (informational here: every node is reachable by its id). */
  readonly addressBook = new AddressBook();
  /**
   * @internal Open connections, by the network's index of the peer: the incarnation of the peer
   * connected to (0: none). Slots, not a map: a lookup on every send must cost no hashing.
   */
  readonly links = new PeerSlots();
  /** @internal This transport's index in its network (stable across a simulated restart). */
  readonly index: number;
  /** @internal Which incarnation of its node this transport is (1, then +1 per restart). */
  readonly incarnation: number;
  /**
   * @internal `true` once a `peer:connect` or `peer:disconnect` listener was attached: the
   * networks track the connections of a pair only when one side observes them, so that traffic
   * nobody watches costs no bookkeeping per pair.
   */
  observesPeers = false;
  readonly #address: string;
  /** Senders of the messages waiting (the messages are in `inboxMessages`, in the same order). */
  private readonly inboxFrom = new RingQueue<PeerId>();
  private readonly inboxMessages = new RingQueue<Message>();
  private readonly peerEvents = new RingQueue<Event>();
  private drainWaiters: Map<PeerId, Set<DrainWaiter>> | undefined;
  private closing: Promise<void> | undefined;
  private isClosed = false;

  private constructor(
    localId: NodeId,
    index: number,
    incarnation: number,
    address: string,
    private readonly link: InProcessLink,
  ) {
    super();
    this.localId = localId;
    this.index = index;
    this.incarnation = incarnation;
    this.#address = address;
  }

  /** @internal Used by `InProcessNetwork.addNode` and `SimulatedNetwork.addNode`. */
  static create(
    localId: NodeId,
    index: number,
    incarnation: number,
    address: string,
    link: InProcessLink,
  ): InProcessTransport {
    return new InProcessTransport(localId, index, incarnation, address, link);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The address the network gave this transport (`inproc:<id>` or `sim:<id>`). */
  get address(): string {
    return this.#address;
  }

  /** Number of messages waiting for `recv()`. */
  get queued(): number {
    return this.inboxFrom.length;
  }

  /**
   * Resolves with this transport's address (it listens from creation). Rejects with a
   * `TalaError`: `InvalidArgument` for another address, `Closed` once closed, `Aborted` when
   * `signal` is aborted.
   */
  listen(address?: string, options: TransportOperationOptions = {}): Promise<string> {
    if (options.signal?.aborted) return Promise.reject(abortedError('listen', options.signal));
    if (this.isClosed) return Promise.reject(closedError('listen'));
    if (address !== undefined && address !== this.#address) {
      return Promise.reject(
        new TalaError('InvalidArgument', `listen: this transport listens on ${this.#address}`),
      );
    }
    return Promise.resolve(this.#address);
  }

  /**
   * Resolves with the id of the open transport listening on `address`, connected, and records
   * it in the address book. Rejects with a `TalaError`: `Unreachable`, `Closed`, `Aborted`.
   */
  dial(address: string, options: TransportOperationOptions = {}): Promise<NodeId> {
    if (options.signal?.aborted) return Promise.reject(abortedError('dial', options.signal));
    if (this.isClosed) return Promise.reject(closedError('dial'));
    try {
      const id = this.link.dial(this, address);
      if (id !== this.localId) this.addressBook.set(id, address);
      return Promise.resolve(id);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  send(to: PeerId, message: Message): void {
    if (!this.isClosed) this.link.route(this, to, message);
  }

  broadcast(message: Message): void {
    if (!this.isClosed) this.link.routeToAll(this, message);
  }

  recv(): [from: PeerId, message: Message] | undefined {
    const from = this.inboxFrom.shift();
    if (from === undefined) return undefined;
    const message = this.inboxMessages.shift()!;
    this.link.handedOver(this, from, message);
    return [from, message];
  }

  buffered(peer: PeerId): BufferedAmount {
    return this.isClosed ? NOTHING_BUFFERED : this.link.buffered(this, peer);
  }

  drained(peer: PeerId, options: TransportOperationOptions = {}): Promise<void> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortedError('drained', signal));
    if (this.isClosed || this.link.buffered(this, peer).frames === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.drainWaiters ??= new Map();
      let waiters = this.drainWaiters.get(peer);
      if (waiters === undefined) {
        waiters = new Set();
        this.drainWaiters.set(peer, waiters);
      }
      const onAbort = () => {
        waiter.cleanup();
        reject(abortedError('drained', signal!));
      };
      const waiter: DrainWaiter = {
        resolve,
        cleanup: () => {
          signal?.removeEventListener('abort', onAbort);
          const set = this.drainWaiters?.get(peer);
          set?.delete(waiter);
          if (set?.size === 0) this.drainWaiters?.delete(peer);
        },
      };
      waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Stops sending and receiving, drops queued messages (counted by the network as dropped with
   * cause `closed`), dispatches `peer:disconnect` (reason `closed`) for every connection and then
   * `close`. Idempotent: every call returns the same settled promise.
   */
  close(_options?: TransportCloseOptions): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closing = Promise.resolve();
    this.isClosed = true;
    this.link.detach(this);
    for (let from = this.inboxFrom.shift(); from !== undefined; from = this.inboxFrom.shift()) {
      this.link.discarded(this, from, this.inboxMessages.shift()!);
    }
    this.peerEvents.clear();
    const peers = this.links.indices().map((index) => this.link.idAt(index));
    this.links.clear();
    this.resolveAllDrains();
    const announce = this.listenerCount('peer:disconnect') > 0;
    for (const peer of peers) {
      if (announce) this.dispatchEvent(new PeerDisconnectEvent(peer, 'closed'));
    }
    this.dispatchEvent(new Event('close'));
    return this.closing;
  }

  protected override listenerAdded(type: string): void {
    if (type === 'peer:connect' || type === 'peer:disconnect') this.observesPeers = true;
    // Messages queued while nobody listened go to the new listener now (never re-entrantly:
    // the dispatcher defers this when a dispatch is already running).
    if (type === 'message' && this.inboxFrom.length > 0 && !this.isClosed) {
      this.link.scheduleDispatch(this);
    }
  }

  /**
   * @internal Accepts a message the network routed here (already cloned for this receiver).
   * Every message given to it is later reported to the network exactly once, as handed over to
   * the application or as discarded.
   */
  deliver(from: PeerId, message: Message): void {
    if (this.isClosed) {
      this.link.discarded(this, from, message);
      return;
    }
    this.inboxFrom.push(from);
    this.inboxMessages.push(message);
    if (this.hasMessageListeners) this.link.scheduleDispatch(this);
  }

  /**
   * @internal A connection to `remote` opened: records it and announces `peer:connect`. A
   * connection to an earlier incarnation of the same id still on record ends first
   * (`remote-closed`).
   */
  connect(remote: InProcessTransport): void {
    if (this.isClosed) return;
    const previous = this.links.get(remote.index);
    if (previous === remote.incarnation) return;
    if (previous !== 0) this.announceDisconnect(remote.localId, 'remote-closed');
    this.links.set(remote.index, remote.incarnation);
    if (this.listenerCount('peer:connect') > 0) {
      this.queuePeerEvent(new PeerConnectEvent(remote.localId, remote.address));
    }
  }

  /**
   * @internal The connection to `remote` (one incarnation of a peer) ended: announces
   * `peer:disconnect`. Does nothing when that connection is no longer on record.
   */
  disconnect(remote: InProcessTransport, reason: DisconnectReason): void {
    if (this.isClosed || this.links.get(remote.index) !== remote.incarnation) return;
    this.links.set(remote.index, 0);
    this.announceDisconnect(remote.localId, reason);
  }

  private announceDisconnect(peer: NodeId, reason: DisconnectReason): void {
    this.notifyDrained(peer);
    if (this.listenerCount('peer:disconnect') > 0) {
      this.queuePeerEvent(new PeerDisconnectEvent(peer, reason));
    }
  }

  /** @internal Nothing is buffered for `peer` any more: resolves its `drained()` promises. */
  notifyDrained(peer: PeerId): void {
    const waiters = this.drainWaiters?.get(peer);
    if (waiters === undefined) return;
    this.drainWaiters?.delete(peer);
    for (const waiter of waiters) {
      waiter.cleanup();
      waiter.resolve();
    }
  }

  /** @internal `true` while some `drained()` promise waits (lets the hot path skip the rest). */
  get awaitsDrain(): boolean {
    return this.drainWaiters !== undefined && this.drainWaiters.size > 0;
  }

  /** @internal Dispatches queued peer events, then queued messages while listeners are attached. */
  dispatchQueued(): void {
    for (let event = this.peerEvents.shift(); event !== undefined; ) {
      if (this.isClosed) return;
      this.dispatchEvent(event);
      event = this.peerEvents.shift();
    }
    while (this.hasMessageListeners && !this.isClosed) {
      const from = this.inboxFrom.shift();
      if (from === undefined) return;
      const message = this.inboxMessages.shift()!;
      this.link.handedOver(this, from, message);
      this.dispatchToListeners(new TransportMessageEvent(from, message));
    }
  }

  private queuePeerEvent(event: Event): void {
    this.peerEvents.push(event);
    this.link.scheduleDispatch(this);
  }

  private resolveAllDrains(): void {
    const waiters = this.drainWaiters;
    if (waiters === undefined) return;
    for (const peer of [...waiters.keys()]) this.notifyDrained(peer);
  }
}
