import { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId, type Transport } from '@tala-net/types';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClusterDataEvent, ReliableMessaging } from '../src/index.js';

const transports: Transport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

function node(id: number, proxy = false) {
  const transport = new TcpTransport({ localId: NodeId(id) });
  transports.push(transport);
  const messaging = new ReliableMessaging({ transport, proxy });
  const received: ClusterDataEvent[] = [];
  messaging.addEventListener('data', (event) => received.push(event));
  messaging.start();
  return { transport, messaging, received };
}

/** Resolves once `transport` has received `count` messages of `type` (counted from now). */
function receivedCount(transport: Transport, type: string, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const onMessage = (event: { message: { type: string } }): void => {
      if (event.message.type === type && ++seen === count) {
        transport.removeEventListener('message', onMessage);
        resolve();
      }
    };
    transport.addEventListener('message', onMessage);
  });
}

describe('ReliableMessaging over TCP', () => {
  it('delivers and confirms messages between two nodes on loopback', async () => {
    const a = node(1);
    const b = node(2);
    await a.transport.dial(await b.transport.listen('127.0.0.1:0'));
    const acks = receivedCount(a.transport, 'ClusterDataAck', 100);
    for (let i = 0; i < 100; i++) {
      expect(a.messaging.send(NodeId(2), new Uint8Array([i, i >> 8])).ok).toBe(true);
    }
    await acks;
    expect(b.received.map((event) => event.payload[0])).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(a.messaging.stats).toMatchObject({ dataSent: 100, ackReceived: 100, unconfirmed: 0 });
    expect(a.messaging.connectedPeers()).toEqual([NodeId(2)]);
  });

  it('reaches a node two hops away through a proxy', async () => {
    const a = node(1);
    const proxy = node(2, true);
    const c = node(3);
    const address = await proxy.transport.listen('127.0.0.1:0');
    await a.transport.dial(address);
    await c.transport.dial(address);
    const atC = receivedCount(c.transport, 'ClusterData', 1);
    const result = a.messaging.broadcast(new Uint8Array([42]));
    expect(result.ok && result.sentTo).toEqual([NodeId(2)]);
    await atC;
    expect(c.received.map((event) => [event.sender, event.from, event.payload[0]])).toEqual([
      [NodeId(1), NodeId(2), 42],
    ]);
    expect(proxy.messaging.stats.forwarded).toBe(1);
  });
});
