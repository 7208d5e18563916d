import { type Message, NodeId, TalaError, type TransportMessageEvent } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { InProcessNetwork } from '../src/index.js';

const ping = (from: number, seq: bigint): Message => ({ type: 'Ping', from: NodeId(from), seq });

describe('InProcessNetwork (reference behaviour)', () => {
  it('delivers point to point, and broadcast to everyone but the sender (reference example)', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    const t3 = net.addNode(NodeId(3));

    t1.send(NodeId(2), ping(1, 1n));
    const [from, message] = t2.recv()!;
    expect(from).toBe(NodeId(1));
    expect(message).toEqual(ping(1, 1n));
    expect(t2.recv()).toBeUndefined();

    const pong: Message = { type: 'Pong', from: NodeId(1), seq: 42n };
    t1.broadcast(pong);
    expect(t2.recv()).toEqual([NodeId(1), pong]);
    expect(t3.recv()).toEqual([NodeId(1), pong]);
    expect(t1.recv()).toBeUndefined();
  });

  it('drops a message to an unknown peer silently and counts it', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    expect(() => t1.send(NodeId(99), ping(1, 0n))).not.toThrow();
    const { sent, delivered, dropped, queued } = net.stats;
    expect([sent, delivered, queued]).toEqual([1, 0, 0]);
    expect(dropped).toEqual({ unknown: 1, closed: 0, total: 1 });
  });

  it('keeps FIFO order per pair over 10 messages', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    for (let seq = 0n; seq < 10n; seq++) t1.send(NodeId(2), ping(1, seq));
    for (let seq = 0n; seq < 10n; seq++) expect(t2.recv()?.[1]).toEqual(ping(1, seq));
    expect(t2.recv()).toBeUndefined();
  });

  it('keeps FIFO order at a depth of 100,000 messages', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    for (let seq = 0n; seq < 100_000n; seq++) t1.send(NodeId(2), ping(1, seq));
    expect(t2.queued).toBe(100_000);
    let expected = 0n;
    for (let entry = t2.recv(); entry; entry = t2.recv()) {
      expect((entry[1] as { seq: bigint }).seq).toBe(expected++);
    }
    expect(expected).toBe(100_000n);
  });

  it('shares nothing mutable between the sender and receivers of a broadcast', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    const t3 = net.addNode(NodeId(3));
    const payload = new Uint8Array([1, 2, 3]);
    const members = [NodeId(1)];
    t1.broadcast({ type: 'IntentForward', partition: 0 as never, payload });
    t1.broadcast({ type: 'MembershipUpdate', members, version: 1n });
    payload[0] = 99;
    members.push(NodeId(5));

    const a = t2.recv()![1] as { payload: Uint8Array };
    const b = t3.recv()![1] as { payload: Uint8Array };
    a.payload[1] = 77;
    expect(b.payload).toEqual(new Uint8Array([1, 2, 3]));
    expect(a.payload).toEqual(new Uint8Array([1, 77, 3]));

    const m2 = t2.recv()![1] as unknown as { members: bigint[] };
    const m3 = t3.recv()![1] as unknown as { members: bigint[] };
    m2.members.push(7n);
    expect(m3.members).toEqual([NodeId(1)]);
  });

  it('refuses a second open transport for the same id, and accepts it after close', () => {
    const net = new InProcessNetwork();
    const first = net.addNode(NodeId(1));
    expect(() => net.addNode(NodeId(1))).toThrow(TalaError);
    first.close();
    first.close();
    expect(first.closed).toBe(true);
    const second = net.addNode(NodeId(1));
    net.addNode(NodeId(2)).send(NodeId(1), ping(2, 1n));
    expect(second.recv()?.[0]).toBe(NodeId(2));
    expect(first.recv()).toBeUndefined();
  });

  it('drops messages to and from a closed transport', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    t1.send(NodeId(2), ping(1, 1n));
    t2.close();
    expect(t2.recv()).toBeUndefined();
    t1.send(NodeId(2), ping(1, 2n));
    t2.send(NodeId(1), ping(2, 1n));
    expect(t1.recv()).toBeUndefined();
    expect(net.nodeIds()).toEqual([NodeId(1)]);
  });

  it('broadcasts to the nodes registered when the broadcast starts', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    let t3 = net.addNode(NodeId(3));
    const old3 = t3;
    let t9: ReturnType<typeof net.addNode> | undefined;
    // Node 2's listener runs during the broadcast, before node 3's turn: it adds node 9 and
    // replaces node 3 with a new transport.
    t2.addEventListener('message', () => {
      if (t9 !== undefined) return;
      t9 = net.addNode(NodeId(9));
      t3.close();
      t3 = net.addNode(NodeId(3));
    });
    t1.broadcast(ping(1, 1n));
    expect(t9?.recv()).toBeUndefined();
    expect(t3).not.toBe(old3);
    expect(t3.recv()).toBeUndefined();
    // Node 2 received it (dispatched); the old node 3 closed during the broadcast.
    expect(net.stats).toMatchObject({ sent: 2, delivered: 1, queued: 0 });
    expect(net.stats.dropped).toEqual({ unknown: 0, closed: 1, total: 1 });
  });
});

describe('InProcessTransport events', () => {
  it('dispatches to message listeners instead of queueing while one is attached', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    const seen: bigint[] = [];
    const senders: bigint[] = [];
    const listener = (event: TransportMessageEvent) => {
      senders.push(event.from);
      seen.push((event.message as { seq: bigint }).seq);
    };
    t2.addEventListener('message', listener);
    t1.send(NodeId(2), ping(1, 1n));
    t1.send(NodeId(2), ping(1, 2n));
    expect(seen).toEqual([1n, 2n]);
    expect(senders).toEqual([NodeId(1), NodeId(1)]);
    expect(t2.recv()).toBeUndefined();

    t2.removeEventListener('message', listener);
    t1.send(NodeId(2), ping(1, 3n));
    expect(seen).toEqual([1n, 2n]);
    expect(t2.recv()?.[1]).toEqual(ping(1, 3n));
  });

  it('never dispatches re-entrantly: replies sent from a listener arrive after it returns', () => {
    const net = new InProcessNetwork();
    const a = net.addNode(NodeId(1));
    const b = net.addNode(NodeId(2));
    const trace: string[] = [];
    let depth = 0;
    let maxDepth = 0;
    const echo = (self: typeof a, peer: number) => (event: TransportMessageEvent) => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      const seq = (event.message as { seq: bigint }).seq;
      trace.push(`${self.localId}<-${seq}`);
      if (seq < 5n) self.send(NodeId(peer), ping(Number(self.localId), seq + 1n));
      depth--;
    };
    a.addEventListener('message', echo(a, 2));
    b.addEventListener('message', echo(b, 1));
    a.send(NodeId(2), ping(1, 0n));
    expect(trace).toEqual(['2<-0', '1<-1', '2<-2', '1<-3', '2<-4', '1<-5']);
    expect(maxDepth).toBe(1);
    expect(a.listenerErrors + b.listenerErrors).toBe(0);
  });

  it('honours once and AbortSignal listeners when deciding to queue', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    let calls = 0;
    t2.addEventListener('message', () => calls++, { once: true });
    t1.send(NodeId(2), ping(1, 1n));
    t1.send(NodeId(2), ping(1, 2n));
    expect(calls).toBe(1);
    expect(t2.recv()?.[1]).toEqual(ping(1, 2n));

    const controller = new AbortController();
    t2.addEventListener('message', () => calls++, { signal: controller.signal });
    t1.send(NodeId(2), ping(1, 3n));
    controller.abort();
    t1.send(NodeId(2), ping(1, 4n));
    expect(calls).toBe(2);
    expect(t2.recv()?.[1]).toEqual(ping(1, 4n));
  });

  it('dispatches the queued messages at once when a listener is attached', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    t1.send(NodeId(2), ping(1, 1n));
    t1.send(NodeId(2), ping(1, 2n));
    const seen: bigint[] = [];
    t2.addEventListener('message', (event) => {
      seen.push((event.message as { seq: bigint }).seq);
    });
    expect(seen).toEqual([1n, 2n]);
    expect(t2.queued).toBe(0);
    t1.send(NodeId(2), ping(1, 3n));
    expect(seen).toEqual([1n, 2n, 3n]);
  });

  it('flushes a queue for a listener attached inside another listener after it returns', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    const t3 = net.addNode(NodeId(3));
    t1.send(NodeId(3), ping(1, 7n));
    const trace: string[] = [];
    t2.addEventListener('message', () => {
      trace.push('2:start');
      t3.addEventListener('message', (event) => {
        trace.push(`3:${(event.message as { seq: bigint }).seq}`);
      });
      trace.push('2:end');
    });
    t1.send(NodeId(2), ping(1, 1n));
    expect(trace).toEqual(['2:start', '2:end', '3:7']);
  });

  it('dispatches close once on close; no message event follows', () => {
    const net = new InProcessNetwork();
    const t1 = net.addNode(NodeId(1));
    const t2 = net.addNode(NodeId(2));
    const events: string[] = [];
    t2.addEventListener('message', () => events.push('message'));
    t2.addEventListener('close', () => events.push('close'));
    t1.send(NodeId(2), ping(1, 1n));
    t2.close();
    t2.close();
    t1.send(NodeId(2), ping(1, 2n));
    expect(events).toEqual(['message', 'close']);
  });
});
