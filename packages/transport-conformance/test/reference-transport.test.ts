import { encodedLength, HEADER_BYTES } from '@tala-net/codec';
import {
  AddressBook,
  type BufferedAmount,
  cloneMessage,
  type Message,
  NodeId,
  PeerConnectEvent,
  PeerDisconnectEvent,
  type PeerId,
  TalaError,
  type Transport,
  TransportEventTarget,
  TransportMessageEvent,
  type TransportOperationOptions,
} from '@tala-net/types';
import { type QueueLimit, transportConformanceTests } from '../src/index.js';

const LIMIT: QueueLimit = { frames: 16_384, bytes: 8 * 1024 * 1024 };
const MAX_FRAME_BYTES = 2 * 1024 * 1024;

interface PeerQueue {
  readonly messages: Message[];
  bytes: number;
}

/** The transports of one {@link MiniTransport} network, by id and by address. */
class MiniNetwork {
  readonly byId = new Map<NodeId, MiniTransport>();
  readonly byAddress = new Map<string, MiniTransport>();
}

/**
 * The smallest transport that follows the contract, written from the interface alone: a check
 * that the suite asks for nothing beyond the `Transport` documentation. Sending queues a message
 * for its peer (bounded per peer, newest dropped when full); `flush()` hands every queue of a
 * reachable peer over, opening the connection (peer events) on the way. A peer that only has an
 * address-book entry where nobody listens keeps its queue.
 */
class MiniTransport extends TransportEventTarget implements Transport {
  closed = false;
  readonly addressBook = new AddressBook();
  readonly address: string;
  /** Messages dropped because a peer's queue was full. */
  queueDrops = 0;
  private readonly inbox: [PeerId, Message][] = [];
  private readonly queues = new Map<PeerId, PeerQueue>();
  private readonly connected = new Set<NodeId>();
  private readonly drainWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    readonly localId: NodeId,
    private readonly network: MiniNetwork,
  ) {
    super();
    this.address = `mini:${localId}`;
    network.byId.set(localId, this);
    network.byAddress.set(this.address, this);
  }

  listen(address?: string, options: TransportOperationOptions = {}): Promise<string> {
    if (options.signal?.aborted) return Promise.reject(new TalaError('Aborted', 'listen'));
    if (this.closed) return Promise.reject(new TalaError('Closed', 'listen'));
    if (address !== undefined && address !== this.address) {
      return Promise.reject(new TalaError('InvalidArgument', `listens on ${this.address}`));
    }
    return Promise.resolve(this.address);
  }

  dial(address: string, options: TransportOperationOptions = {}): Promise<NodeId> {
    if (options.signal?.aborted) return Promise.reject(new TalaError('Aborted', 'dial'));
    if (this.closed) return Promise.reject(new TalaError('Closed', 'dial'));
    const peer = this.network.byAddress.get(address);
    if (peer === undefined || peer.closed) {
      return Promise.reject(new TalaError('Unreachable', `nobody listens on ${address}`));
    }
    this.addressBook.set(peer.localId, address);
    this.connect(peer);
    return Promise.resolve(peer.localId);
  }

  send(to: PeerId, message: Message): void {
    if (this.closed) return;
    if (!this.network.byId.has(to) && !this.addressBook.has(to)) return; // unknown: dropped
    const size = encodedLength(message);
    if (size - HEADER_BYTES > MAX_FRAME_BYTES) return;
    let queue = this.queues.get(to);
    if (queue === undefined) {
      queue = { messages: [], bytes: 0 };
      this.queues.set(to, queue);
    }
    if (queue.messages.length >= LIMIT.frames || queue.bytes + size > LIMIT.bytes) {
      this.queueDrops++;
      return;
    }
    queue.messages.push(cloneMessage(message));
    queue.bytes += size;
  }

  broadcast(message: Message): void {
    for (const id of this.network.byId.keys()) if (id !== this.localId) this.send(id, message);
  }

  recv(): [PeerId, Message] | undefined {
    return this.inbox.shift();
  }

  buffered(peer: PeerId): BufferedAmount {
    const queue = this.queues.get(peer);
    return { frames: queue?.messages.length ?? 0, bytes: queue?.bytes ?? 0 };
  }

  drained(peer: PeerId, options: TransportOperationOptions = {}): Promise<void> {
    if (options.signal?.aborted) return Promise.reject(new TalaError('Aborted', 'drained'));
    if (this.closed || this.buffered(peer).frames === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    // What was sent before close() is handed over first.
    this.flush();
    this.closed = true;
    this.closing = Promise.resolve();
    this.inbox.length = 0;
    this.queues.clear();
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    for (const peer of this.connected) {
      this.network.byId.get(peer)?.remoteClosed(this.localId);
      this.dispatchEvent(new PeerDisconnectEvent(peer, 'closed'));
    }
    this.connected.clear();
    this.dispatchEvent(new Event('close'));
    return this.closing;
  }

  /** Hands every queue of a reachable peer over; returns `true` if any message moved. */
  flush(): boolean {
    let moved = false;
    for (const [to, queue] of this.queues) {
      const receiver = this.network.byId.get(to);
      if (receiver === undefined || receiver.closed) {
        // Unreachable for now: an address-book entry keeps the queue; otherwise it is dropped.
        if (!this.addressBook.has(to) || receiver?.closed) this.queues.delete(to);
        continue;
      }
      this.queues.delete(to);
      this.connect(receiver);
      for (const message of queue.messages) receiver.receive(this.localId, message);
      moved ||= queue.messages.length > 0;
    }
    if (this.queues.size === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
    return moved;
  }

  private connect(peer: MiniTransport): void {
    if (this.connected.has(peer.localId)) return;
    this.connected.add(peer.localId);
    peer.connected.add(this.localId);
    this.dispatchEvent(new PeerConnectEvent(peer.localId, peer.address));
    peer.dispatchEvent(new PeerConnectEvent(this.localId, this.address));
  }

  private remoteClosed(peer: NodeId): void {
    if (this.connected.delete(peer)) {
      this.dispatchEvent(new PeerDisconnectEvent(peer, 'remote-closed'));
    }
  }

  private receive(from: PeerId, message: Message): void {
    if (this.closed) return;
    if (this.hasMessageListeners) this.dispatchEvent(new TransportMessageEvent(from, message));
    else this.inbox.push([from, message]);
  }
}

transportConformanceTests({
  name: 'a minimal reference transport',
  burst: 2_000,
  setup(nodes) {
    const network = new MiniNetwork();
    const transports: MiniTransport[] = [];
    for (let i = 1; i <= nodes; i++) transports.push(new MiniTransport(NodeId(i), network));
    return {
      transports,
      deliver() {
        let moved = true;
        while (moved) {
          moved = false;
          for (const transport of transports) moved = transport.flush() || moved;
        }
      },
      maxFrameBytes: MAX_FRAME_BYTES,
      queueLimit: LIMIT,
      unreachablePeer: () => ({ id: NodeId(nodes + 1000), address: 'mini:nowhere' }),
      queueDrops: () => transports[0]!.queueDrops,
    };
  },
});
