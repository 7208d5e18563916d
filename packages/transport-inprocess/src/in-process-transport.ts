import {
  type Message,
  type NodeId,
  type PeerId,
  type Transport,
  type TransportEventMap,
  TransportEventTarget,
  TransportMessageEvent,
} from '@tala-net/types';
import { RingQueue } from './ring-queue.js';

/** What an {@link InProcessTransport} needs from its network. */
export interface InProcessLink {
  route(from: InProcessTransport, to: PeerId, message: Message): void;
  routeToAll(from: InProcessTransport, message: Message): void;
  scheduleDispatch(transport: InProcessTransport): void;
  detach(transport: InProcessTransport): void;
  /** The application received `message`: a listener was dispatched it, or `recv()` returned it. */
  handedOver(transport: InProcessTransport, from: PeerId, message: Message): void;
  /**
   * `message`, handed to `deliver`, never reaches the application: the transport was closed when
   * it arrived, or closed while it waited in the queue.
   */
  discarded(transport: InProcessTransport, from: PeerId, message: Message): void;
}

/**
 * Events of an {@link InProcessTransport}: the `message` events of every transport, plus `close`.
 */
export interface InProcessTransportEventMap extends TransportEventMap {
  /**
   * Dispatched once, when the transport closes (by `close()`, or by a simulated crash or
   * restart of its node). No `message` event follows it.
   */
  close: Event;
}

/**
 * One node's endpoint on an {@link InProcessNetwork} or a `SimulatedNetwork`. Create it with
 * `network.addNode(id)`.
 *
 * Receiving: while a `message` listener is attached, each message is dispatched as a
 * `TransportMessageEvent` (never re-entrantly: a message sent from inside a listener is
 * dispatched after the current listener returns); otherwise messages queue for `recv()`.
 * Attaching a `message` listener while messages are queued dispatches them at once, oldest
 * first, through the network's dispatcher: synchronously inside `addEventListener`, or, when
 * it is called from inside a listener, right after that listener returns. So no message waits
 * in the queue while someone listens. The network's `stats` count a message as delivered at
 * that moment (dispatched, or returned by `recv()`), never earlier.
 *
 * Closing drops what is still queued (counted as dropped, cause `closed`) and dispatches a
 * `close` event (see {@link InProcessTransportEventMap}).
 */
export class InProcessTransport
  extends TransportEventTarget<InProcessTransportEventMap>
  implements Transport
{
  readonly localId: NodeId;
  private readonly inbox = new RingQueue<[PeerId, Message]>();
  private isClosed = false;

  private constructor(
    localId: NodeId,
    private readonly link: InProcessLink,
  ) {
    super();
    this.localId = localId;
  }

  /** @internal Used by `InProcessNetwork.addNode` and `SimulatedNetwork.addNode`. */
  static create(localId: NodeId, link: InProcessLink): InProcessTransport {
    return new InProcessTransport(localId, link);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Number of messages waiting for `recv()`. */
  get queued(): number {
    return this.inbox.length;
  }

  send(to: PeerId, message: Message): void {
    if (!this.isClosed) this.link.route(this, to, message);
  }

  broadcast(message: Message): void {
    if (!this.isClosed) this.link.routeToAll(this, message);
  }

  recv(): [from: PeerId, message: Message] | undefined {
    const entry = this.inbox.shift();
    if (entry !== undefined) this.link.handedOver(this, entry[0], entry[1]);
    return entry;
  }

  /**
   * Stops sending and receiving, drops queued messages (counted by the network as dropped with
   * cause `closed`) and dispatches `close`. Idempotent.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.link.detach(this);
    for (let entry = this.inbox.shift(); entry !== undefined; entry = this.inbox.shift()) {
      this.link.discarded(this, entry[0], entry[1]);
    }
    this.dispatchEvent(new Event('close'));
  }

  protected override listenerAdded(type: string): void {
    // Messages queued while nobody listened go to the new listener now (never re-entrantly:
    // the dispatcher defers this when a dispatch is already running).
    if (type === 'message' && this.inbox.length > 0 && this.hasMessageListeners && !this.isClosed) {
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
    this.inbox.push([from, message]);
    if (this.hasMessageListeners) this.link.scheduleDispatch(this);
  }

  /** @internal Dispatches queued messages while listeners are attached. */
  dispatchQueued(): void {
    while (this.hasMessageListeners && !this.isClosed) {
      const entry = this.inbox.shift();
      if (entry === undefined) return;
      this.link.handedOver(this, entry[0], entry[1]);
      this.dispatchEvent(new TransportMessageEvent(entry[0], entry[1]));
    }
  }
}
