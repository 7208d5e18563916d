import {
  type Message,
  NodeId,
  PartitionId,
  type PeerId,
  TransportMessageEvent,
} from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { conformanceHarness, drain, ping, seqOf } from './conformance-harness.js';
import type { TransportConformanceOptions } from './conformance-network.js';

/**
 * Registers the messaging cases of the `Transport` conformance suite (a vitest `describe`
 * block): point-to-point delivery, every message kind intact, FIFO per pair, broadcast to
 * everyone but the sender, silent drops to unknown peers, no aliasing between the sender and
 * receivers, event-driven receive and `recv()`, what closing does to messages, honest delivery
 * counts, and bursts without loss. `@tala-net/transport-conformance/messaging`.
 *
 * @example
 * ```ts
 * messagingTests({
 *   setup(nodes) {
 *     const net = new InProcessNetwork();
 *     const transports = Array.from({ length: nodes }, (_, i) => net.addNode(NodeId(i + 1)));
 *     return { transports, deliver() {} };
 *   },
 * });
 * ```
 */
export function messagingTests(options: TransportConformanceOptions): void {
  const burst = options.burst ?? 10_000;

  describe(options.name ?? 'Transport conformance: messaging', () => {
    const { network } = conformanceHarness(options);

    it('starts open, with distinct ids', async () => {
      const { all } = await network(4);
      expect(new Set(all.map((t) => t.localId)).size).toBe(4);
      for (const t of all) expect(t.closed).toBe(false);
    });

    it('delivers point to point, to the addressee only, with the sender id', async () => {
      const { net, a, b, c } = await network();
      expect(a.recv()).toBeUndefined();
      a.send(b.localId, ping(a.localId, 1));
      await net.deliver();
      expect(b.recv()).toEqual([a.localId, ping(a.localId, 1)]);
      expect(b.recv()).toBeUndefined();
      expect(a.recv()).toBeUndefined();
      expect(c.recv()).toBeUndefined();
    });

    it('delivers every message kind intact', async () => {
      const { net, a, b } = await network();
      const messages: Message[] = [
        ping(a.localId, 7),
        { type: 'Pong', from: a.localId, seq: 2n ** 64n - 1n },
        { type: 'IntentForward', partition: PartitionId(3), payload: new Uint8Array([1, 2, 3]) },
        { type: 'SegmentSync', partition: PartitionId(0), segmentData: new Uint8Array(1024) },
        { type: 'MembershipUpdate', members: [a.localId, b.localId], version: 9n },
        {
          type: 'PartitionTableUpdate',
          assignments: [{ partitionId: PartitionId(1), owner: a.localId, replicas: [b.localId] }],
          version: 4n,
        },
      ];
      for (const message of messages) a.send(b.localId, message);
      await net.deliver();
      expect(drain(b)).toEqual(messages.map((message) => [a.localId, message]));
    });

    it('keeps FIFO order per sender→receiver pair', async () => {
      const { net, a, b, c } = await network();
      for (let seq = 0; seq < 200; seq++) {
        a.send(c.localId, ping(a.localId, seq));
        b.send(c.localId, ping(b.localId, seq));
      }
      await net.deliver();
      const received = drain(c);
      expect(received).toHaveLength(400);
      const fromA = received.filter(([from]) => from === a.localId).map(([, m]) => seqOf(m));
      const fromB = received.filter(([from]) => from === b.localId).map(([, m]) => seqOf(m));
      const expected = Array.from({ length: 200 }, (_, i) => i);
      expect(fromA).toEqual(expected);
      expect(fromB).toEqual(expected);
    });

    it('broadcasts to every other node, never to the sender', async () => {
      const { net, a, all } = await network(5);
      a.broadcast(ping(a.localId, 1));
      await net.deliver();
      expect(a.recv()).toBeUndefined();
      for (const t of all.slice(1)) {
        expect(drain(t)).toEqual([[a.localId, ping(a.localId, 1)]]);
      }
    });

    it('drops a message to an unknown peer silently', async () => {
      const { net, a, b, all } = await network();
      const maxId = all.reduce((max, t) => (t.localId > max ? t.localId : max), 0n);
      const unknown = NodeId(maxId + 1000n);
      expect(() => a.send(unknown, ping(a.localId, 1))).not.toThrow();
      a.send(b.localId, ping(a.localId, 2));
      await net.deliver();
      for (const t of all) {
        const received = drain(t);
        expect(received).toEqual(t === b ? [[a.localId, ping(a.localId, 2)]] : []);
      }
    });

    it('shares nothing mutable between the sender and receivers', async () => {
      const { net, a, b, c } = await network();
      const payload = new Uint8Array([1, 2, 3]);
      const members = [a.localId];
      const replicas = [b.localId];
      a.broadcast({ type: 'IntentForward', partition: PartitionId(0), payload });
      a.broadcast({ type: 'MembershipUpdate', members, version: 1n });
      a.broadcast({
        type: 'PartitionTableUpdate',
        assignments: [{ partitionId: PartitionId(0), owner: a.localId, replicas }],
        version: 1n,
      });
      // The sender mutates its objects after sending.
      payload[0] = 99;
      members.push(NodeId(999));
      replicas.push(NodeId(999));
      await net.deliver();
      const atB = drain(b).map(([, m]) => m);
      const atC = drain(c).map(([, m]) => m);
      expect(atB).toHaveLength(3);
      expect(atC).toHaveLength(3);
      const [intentB, membersB, tableB] = atB as unknown as [
        { payload: Uint8Array },
        { members: NodeId[] },
        { assignments: { replicas: NodeId[] }[] },
      ];
      const [intentC, membersC, tableC] = atC as unknown as [
        { payload: Uint8Array },
        { members: NodeId[] },
        { assignments: { replicas: NodeId[] }[] },
      ];
      expect(intentB.payload).toEqual(new Uint8Array([1, 2, 3]));
      expect(membersB.members).toEqual([a.localId]);
      expect(tableB.assignments[0]?.replicas).toEqual([b.localId]);
      // One receiver mutates its copy; the other one does not see it.
      intentB.payload[1] = 77;
      membersB.members.push(NodeId(555));
      tableB.assignments[0]?.replicas.push(NodeId(555));
      expect(intentC.payload).toEqual(new Uint8Array([1, 2, 3]));
      expect(membersC.members).toEqual([a.localId]);
      expect(tableC.assignments[0]?.replicas).toEqual([b.localId]);
      expect(payload).toEqual(new Uint8Array([99, 2, 3]));
    });

    it('dispatches message events while a listener is attached, and queues otherwise', async () => {
      const { net, a, b } = await network();
      // Listener exceptions may be swallowed by the transport: record, assert afterwards.
      const seen: [PeerId, number][] = [];
      const events: Event[] = [];
      const listener = (event: TransportMessageEvent) => {
        events.push(event);
        seen.push([event.from, seqOf(event.message)]);
      };
      b.addEventListener('message', listener);
      a.send(b.localId, ping(a.localId, 1));
      a.send(b.localId, ping(a.localId, 2));
      await net.deliver();
      expect(seen).toEqual([
        [a.localId, 1],
        [a.localId, 2],
      ]);
      for (const event of events) expect(event).toBeInstanceOf(TransportMessageEvent);
      expect(b.recv()).toBeUndefined();

      b.removeEventListener('message', listener);
      a.send(b.localId, ping(a.localId, 3));
      await net.deliver();
      expect(seen).toHaveLength(2);
      expect(b.recv()).toEqual([a.localId, ping(a.localId, 3)]);
    });

    it('lets a listener reply, in order, without losing messages', async () => {
      const { net, a, b } = await network();
      const atA: number[] = [];
      b.addEventListener('message', (event) => {
        const seq = seqOf(event.message);
        if (seq < 20) b.send(a.localId, ping(b.localId, seq + 1));
      });
      a.addEventListener('message', (event) => {
        atA.push(seqOf(event.message));
        a.send(b.localId, ping(a.localId, seqOf(event.message) + 1));
      });
      a.send(b.localId, ping(a.localId, 0));
      for (let round = 0; round < 25; round++) await net.deliver();
      expect(atA).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    });

    it('honours once listeners', async () => {
      const { net, a, b } = await network();
      const seen: number[] = [];
      b.addEventListener('message', (event) => seen.push(seqOf(event.message)), { once: true });
      a.send(b.localId, ping(a.localId, 1));
      await net.deliver();
      a.send(b.localId, ping(a.localId, 2));
      await net.deliver();
      expect(seen).toEqual([1]);
      expect(drain(b).map(([, m]) => seqOf(m))).toEqual([2]);
    });

    it('closes idempotently: closed flag, queue dropped, nothing delivered after', async () => {
      const { net, a, b, c } = await network();
      a.send(b.localId, ping(a.localId, 1));
      await net.deliver();
      let events = 0;
      b.addEventListener('message', () => events++);
      // Attaching may dispatch the queued message at once or leave it queued; either way it
      // never arrives after close.
      const eventsBeforeClose = events;
      expect(eventsBeforeClose).toBeLessThanOrEqual(1);
      b.close();
      expect(b.closed).toBe(true);
      expect(() => b.close()).not.toThrow();
      expect(b.closed).toBe(true);
      expect(b.recv()).toBeUndefined();

      // To a closed transport: dropped, without throwing.
      expect(() => a.send(b.localId, ping(a.localId, 2))).not.toThrow();
      a.broadcast(ping(a.localId, 3));
      // From a closed transport: nothing leaves.
      expect(() => b.send(c.localId, ping(b.localId, 4))).not.toThrow();
      expect(() => b.broadcast(ping(b.localId, 5))).not.toThrow();
      await net.deliver();
      expect(events).toBe(eventsBeforeClose);
      expect(b.recv()).toBeUndefined();
      expect(drain(c)).toEqual([[a.localId, ping(a.localId, 3)]]);
      expect(a.recv()).toBeUndefined();

      // The others keep working.
      c.send(a.localId, ping(c.localId, 6));
      await net.deliver();
      expect(drain(a)).toEqual([[c.localId, ping(c.localId, 6)]]);
    });

    it('counts as delivered only what the application received', async (context) => {
      const { net, a, b, c } = await network();
      const delivered = net.delivered?.bind(net);
      if (delivered === undefined) return context.skip('the network keeps no delivered counter');
      const before = delivered();
      for (let seq = 0; seq < 4; seq++) a.send(b.localId, ping(a.localId, seq));
      await net.deliver();
      expect(delivered() - before).toBe(0);
      expect(b.recv()?.[1]).toEqual(ping(a.localId, 0));
      expect(delivered() - before).toBe(1);
      // The three messages still queued are dropped by close, not delivered.
      b.close();
      await net.deliver();
      expect(delivered() - before).toBe(1);

      let seen = 0;
      c.addEventListener('message', () => seen++);
      a.send(c.localId, ping(a.localId, 4));
      a.send(c.localId, ping(a.localId, 5));
      await net.deliver();
      expect(seen).toBe(2);
      expect(delivered() - before).toBe(3);
    });

    it('never loses a message queued before a listener is attached', async () => {
      const { net, a, b } = await network();
      a.send(b.localId, ping(a.localId, 1));
      await net.deliver();
      const seen: number[] = [];
      b.addEventListener('message', (event) => seen.push(seqOf(event.message)));
      a.send(b.localId, ping(a.localId, 2));
      await net.deliver();
      // Dispatched on attach (or later) or still waiting for recv(): once each, never dropped.
      const all = [...seen, ...drain(b).map(([, m]) => seqOf(m))];
      expect(all.sort()).toEqual([1, 2]);
    });

    it('ends event-driven receive cleanly on close: no message event after it', async () => {
      const { net, a, b, c } = await network();
      const seen: number[] = [];
      b.addEventListener('message', (event) => {
        seen.push(seqOf(event.message));
        // Closing from inside a listener: the messages behind this one are never dispatched.
        if (seen.length === 2) b.close();
      });
      a.send(b.localId, ping(a.localId, 1));
      await net.deliver();
      expect(seen).toEqual([1]);
      for (let seq = 2; seq <= 5; seq++) a.send(b.localId, ping(a.localId, seq));
      c.send(b.localId, ping(c.localId, 6));
      await net.deliver();
      // Senders are not ordered against each other: the second event is a's 2 or c's 6.
      expect(seen).toHaveLength(2);
      expect([2, 6]).toContain(seen[1]);
      expect(b.closed).toBe(true);
      const closedWith = [...seen];
      a.send(b.localId, ping(a.localId, 7));
      a.broadcast(ping(a.localId, 8));
      await net.deliver();
      expect(seen).toEqual(closedWith);
      expect(b.recv()).toBeUndefined();
      // The others keep receiving.
      expect(drain(c)).toEqual([[a.localId, ping(a.localId, 8)]]);
    });

    it('drops messages in flight to a transport that closes before delivery', async () => {
      const { net, a, b } = await network();
      a.send(b.localId, ping(a.localId, 1));
      b.close();
      await net.deliver();
      expect(b.recv()).toBeUndefined();
    });

    it(`delivers a burst of ${burst} messages without loss, in order`, async () => {
      const { net, a, b } = await network();
      for (let seq = 0; seq < burst; seq++) a.send(b.localId, ping(a.localId, seq));
      await net.deliver();
      let expected = 0;
      for (let entry = b.recv(); entry !== undefined; entry = b.recv()) {
        if (entry[0] !== a.localId || seqOf(entry[1]) !== expected) {
          throw new Error(`message ${expected}: found ${String(entry[0])} #${seqOf(entry[1])}`);
        }
        expected++;
      }
      expect(expected).toBe(burst);
    });

    it(`dispatches a burst of ${burst} messages to a listener without loss`, async () => {
      const { net, a, b } = await network();
      let expected = 0;
      let outOfOrder = 0;
      b.addEventListener('message', (event) => {
        if (seqOf(event.message) !== expected) outOfOrder++;
        expected++;
      });
      for (let seq = 0; seq < burst; seq++) a.send(b.localId, ping(a.localId, seq));
      await net.deliver();
      expect(outOfOrder).toBe(0);
      expect(expected).toBe(burst);
    });
  });
}
