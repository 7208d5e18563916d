import { cloneMessage, type Message, type NodeId, type PeerId, TalaError } from '@tala-net/types';
import { DispatchScheduler } from './dispatch-scheduler.js';
import { InProcessTransport } from './in-process-transport.js';

/** Counters of an {@link InProcessNetwork}. */
export interface InProcessNetworkStats {
  /** Messages handed to `send`/`broadcast` (a broadcast counts once per receiver). */
  readonly sent: number;
  /** Messages placed in a receiver's queue. */
  readonly delivered: number;
  /** Messages addressed to an unknown or closed node (also one closed during a broadcast). */
  readonly dropped: number;
}

/**
 * A network of in-process transports, for tests: synchronous, lossless, FIFO per
 * sender→receiver pair. Each receiver gets its own deep copy of a message, so no receiver can
 * change what another receiver or the sender sees.
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
  private readonly dispatcher = new DispatchScheduler();
  private counters = { sent: 0, delivered: 0, dropped: 0 };

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
    const transport = new InProcessTransport(id, this.link);
    this.nodes.set(id, transport);
    return transport;
  }

  /** Ids of the registered (open) nodes, in registration order. */
  nodeIds(): NodeId[] {
    return [...this.nodes.keys()];
  }

  /** Counters since the network was created. */
  get stats(): InProcessNetworkStats {
    return { ...this.counters };
  }

  private route(
    from: InProcessTransport,
    to: PeerId,
    message: Message,
    receiver = this.nodes.get(to),
  ): void {
    this.counters.sent++;
    if (receiver === undefined || receiver.closed) {
      this.counters.dropped++;
      return;
    }
    this.counters.delivered++;
    receiver.deliver(from.localId, cloneMessage(message));
  }
}
