import {
  type BufferedAmount,
  type Message,
  type NodeId,
  type PeerId,
  TalaError,
} from '@tala-net/types';
import { copyMessage } from './copy-message.js';
import { DispatchScheduler } from './dispatch-scheduler.js';
import { InProcessTransport } from './in-process-transport.js';

/** Drop counters of an {@link InProcessNetwork}, by cause (a subset of `DropCause`). */
export interface InProcessDropStats {
  /** No open transport had the receiver's id when the message was sent. */
  readonly unknown: number;
  /**
   * The receiver's transport closed before the application received the message: it waited in
   * the queue for `recv()` when `close()` was called, or the receiver closed during the
   * broadcast that carried it.
   */
  readonly closed: number;
  /** Sum of the causes. */
  readonly total: number;
}

/**
 * Counters of an {@link InProcessNetwork}. Every message sent is counted exactly once as
 * delivered, dropped (with its cause) or still queued, so at any time
 * `sent = delivered + dropped.total + queued`.
 */
export interface InProcessNetworkStats {
  /** Messages handed to `send`/`broadcast` (a broadcast counts once per receiver). */
  readonly sent: number;
  /**
   * Messages the application received: dispatched to a `message` listener or returned by
   * `recv()`.
   */
  readonly delivered: number;
  /** Messages that never reached the application, by cause. */
  readonly dropped: InProcessDropStats;
  /** Messages waiting in open transports' queues for `recv()` (or for a listener). */
  readonly queued: number;
}

const NOTHING_BUFFERED: BufferedAmount = Object.freeze({ frames: 0, bytes: 0 });

/**
 * A network of in-process transports, for tests: synchronous, lossless, FIFO per
 * sender→receiver pair. Each receiver gets its own deep copy of a message, so no receiver can
 * change what another receiver or the sender sees. Node `id` listens on the address
 * `inproc:<id>`; a connection between two nodes opens at their first `dial` or delivered `send`
 * (see {@link InProcessTransport} for addresses, peer events and closing).
 *
 * @example
 * ```ts
 * const net = new InProcessNetwork();
 * const t1 = net.addNode(NodeId(1));
 * const t2 = net.addNode(NodeId(2));
 * t1.send(NodeId(2), { type: 'Ping', from: NodeId(1), seq: 1n });
 * t2.recv(); // [1n, { type: 'Ping', from: 1n, seq: 1n }]
 * ```
 */
export class InProcessNetwork {
  private readonly nodes = new Map<NodeId, InProcessTransport>();
  private readonly addresses = new Map<string, InProcessTransport>();
  /** Every transport added, by index. */
  private readonly byIndex: InProcessTransport[] = [];
  private readonly dispatcher = new DispatchScheduler();
  private readonly counters = { sent: 0, delivered: 0, unknown: 0, closed: 0, queued: 0 };

  private readonly link = {
    route: (from: InProcessTransport, to: PeerId, message: Message) =>
      this.route(from, to, message),
    routeToAll: (from: InProcessTransport, message: Message) => {
      // The recipients are the nodes registered when the broadcast starts: a node a listener
      // adds (or re-adds) during the broadcast does not receive it.
      for (const receiver of [...this.nodes.values()]) {
        if (receiver !== from) this.route(from, receiver.localId, message, receiver);
      }
    },
    scheduleDispatch: (transport: InProcessTransport) => this.dispatcher.schedule(transport),
    detach: (transport: InProcessTransport) => {
      if (this.nodes.get(transport.localId) === transport) this.nodes.delete(transport.localId);
      if (this.addresses.get(transport.address) === transport) {
        this.addresses.delete(transport.address);
      }
      // The peers hear of it now; the closer announces its own side after this.
      for (const index of transport.links.indices()) {
        this.byIndex[index]!.disconnect(transport, 'remote-closed');
      }
    },
    dial: (from: InProcessTransport, address: string): NodeId => {
      const receiver = this.addresses.get(address);
      if (receiver === undefined || receiver.closed) {
        throw new TalaError('Unreachable', `InProcessNetwork: nobody listens on ${address}`);
      }
      if (receiver !== from) this.connect(from, receiver);
      return receiver.localId;
    },
    idAt: (index: number) => this.byIndex[index]!.localId,
    buffered: () => NOTHING_BUFFERED,
    handedOver: () => {
      this.counters.queued--;
      this.counters.delivered++;
    },
    discarded: () => {
      this.counters.queued--;
      this.counters.closed++;
    },
  };

  /**
   * Registers node `id` and returns its transport. Throws a `TalaError` (`InvalidArgument`)
   * when `id` already has an open transport; close it first to re-register the id.
   */
  addNode(id: NodeId): InProcessTransport {
    if (this.nodes.has(id)) {
      throw new TalaError('InvalidArgument', `InProcessNetwork: node ${id} is already registered`);
    }
    const index = this.byIndex.length;
    const transport = InProcessTransport.create(id, index, 1, `inproc:${id}`, this.link);
    this.byIndex.push(transport);
    this.nodes.set(id, transport);
    this.addresses.set(transport.address, transport);
    return transport;
  }

  /** Ids of the registered (open) nodes, in registration order. */
  nodeIds(): NodeId[] {
    return [...this.nodes.keys()];
  }

  /** Counters since the network was created (see {@link InProcessNetworkStats}). */
  get stats(): InProcessNetworkStats {
    const { sent, delivered, unknown, closed, queued } = this.counters;
    return { sent, delivered, dropped: { unknown, closed, total: unknown + closed }, queued };
  }

  private route(
    from: InProcessTransport,
    to: PeerId,
    message: Message,
    receiver = this.nodes.get(to),
  ): void {
    this.counters.sent++;
    if (receiver === undefined) {
      this.counters.unknown++;
      return;
    }
    if (receiver.closed) {
      this.counters.closed++;
      return;
    }
    if ((from.observesPeers || receiver.observesPeers) && from.links.get(receiver.index) !== 1) {
      this.connect(from, receiver);
    }
    // Queued until the receiver reports it handed over or discarded.
    this.counters.queued++;
    receiver.deliver(from.localId, copyMessage(message));
  }

  /** Opens the connection between `a` and `b`: both record it and announce `peer:connect`. */
  private connect(a: InProcessTransport, b: InProcessTransport): void {
    a.connect(b);
    b.connect(a);
  }
}
