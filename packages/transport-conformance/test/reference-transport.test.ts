import {
  cloneMessage,
  type Message,
  NodeId,
  type PeerId,
  type Transport,
  TransportEventTarget,
  TransportMessageEvent,
} from '@tala-net/types';
import { transportConformanceTests } from '../src/index.js';

/**
 * The smallest transport that follows the contract, written from the interface alone: a check
 * that the suite asks for nothing beyond the `Transport` documentation.
 */
class MiniTransport extends TransportEventTarget implements Transport {
  closed = false;
  readonly inbox: [PeerId, Message][] = [];
  readonly outbox: [PeerId, Message][] = [];

  constructor(
    readonly localId: NodeId,
    private readonly peers: Map<NodeId, MiniTransport>,
  ) {
    super();
  }

  send(to: PeerId, message: Message): void {
    if (!this.closed) this.outbox.push([to, cloneMessage(message)]);
  }

  broadcast(message: Message): void {
    for (const id of this.peers.keys()) if (id !== this.localId) this.send(id, message);
  }

  recv(): [PeerId, Message] | undefined {
    return this.inbox.shift();
  }

  close(): void {
    this.closed = true;
    this.inbox.length = 0;
    this.outbox.length = 0;
  }

  /** Moves every sent message to its receiver; returns `true` if any moved. */
  flush(): boolean {
    const sending = this.outbox.splice(0);
    for (const [to, message] of sending) {
      const receiver = this.peers.get(to);
      if (receiver === undefined || receiver.closed) continue;
      if (receiver.hasMessageListeners) {
        receiver.dispatchEvent(new TransportMessageEvent(this.localId, message));
      } else {
        receiver.inbox.push([this.localId, message]);
      }
    }
    return sending.length > 0;
  }
}

transportConformanceTests({
  name: 'a minimal reference transport',
  burst: 2_000,
  setup(nodes) {
    const peers = new Map<NodeId, MiniTransport>();
    for (let i = 1; i <= nodes; i++) peers.set(NodeId(i), new MiniTransport(NodeId(i), peers));
    return {
      transports: [...peers.values()],
      deliver() {
        let moved = true;
        while (moved) {
          moved = false;
          for (const transport of peers.values()) moved = transport.flush() || moved;
        }
      },
    };
  },
});
