import { decode, encode } from '@tala-net/codec';
import { InProcessNetwork, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { NodeId, type PeerId, seededRandom, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalidArgument } from '../../../testing/expect-tala-error.js';
import { type ClusterData, type ClusterDataEvent, ReliableMessaging } from '../src/index.js';
import { SEQ_RESTART_DISTANCE, SeenWindow } from '../src/reliable-seen-window.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

/** Two simulated nodes (1 and 2) on a fixed 5 ms link, each with its messaging started. */
function simPair(
  options: { readonly retransmitAfterMs?: number; readonly maxAttempts?: number } = {},
) {
  const sim = new SimulatedNetwork({
    seed: 3,
    link: { latency: { kind: 'fixed', ms: 5 } },
    wire: { encode, decode },
  });
  const make = (id: NodeId, peer: NodeId) => {
    const messaging = new ReliableMessaging({
      transport: sim.addNode(id),
      clock: sim.clockFor(id),
      random: seededRandom(Number(id)),
      peers: () => [peer],
      ...options,
    });
    const received: ClusterDataEvent[] = [];
    messaging.addEventListener('data', (event) => received.push(event));
    messaging.start();
    return { messaging, received };
  };
  return { sim, a: make(NodeId(1), NodeId(2)), b: make(NodeId(2), NodeId(1)) };
}

describe('SeenWindow', () => {
  it('says new once, then duplicate, and old below the floor', () => {
    const window = new SeenWindow(100n, 16);
    expect(window.observe(100n)).toBe('new');
    expect(window.observe(100n)).toBe('duplicate');
    expect(window.observe(95n)).toBe('new'); // reordered before the first one seen
    expect(window.observe(101n)).toBe('new');
    expect(window.observe(200n)).toBe('new'); // slides the window
    expect(window.floor).toBe(184n);
    expect(window.observe(101n)).toBe('old');
    expect(window.observe(190n)).toBe('new');
    expect(window.observe(190n)).toBe('duplicate');
    expect(window.observe(185n)).toBe('new');
    expect(window.observe(185n)).toBe('old'); // the floor moved over it
  });

  it('starts over for a sequence number of another instance, far away either way', () => {
    const window = new SeenWindow(5n * SEQ_RESTART_DISTANCE, 64);
    expect(window.observe(5n * SEQ_RESTART_DISTANCE)).toBe('new');
    expect(window.observe(2n * SEQ_RESTART_DISTANCE)).toBe('new');
    expect(window.observe(2n * SEQ_RESTART_DISTANCE)).toBe('duplicate');
    expect(window.observe(9n * SEQ_RESTART_DISTANCE)).toBe('new');
  });

  it('reports new exactly for the first sight of each number within the window', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 63n }),
        fc.array(fc.nat({ max: 63 }), { maxLength: 300 }),
        (base, offsets) => {
          const window = new SeenWindow(base, 128);
          const seen = new Set<number>();
          for (const offset of offsets) {
            const verdict = window.observe(base + BigInt(offset));
            expect(verdict === 'new').toBe(!seen.has(offset));
            seen.add(offset);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('ReliableMessaging', () => {
  it('delivers a message once, acknowledges it, and stops retransmitting on the ack', () => {
    const { sim, a, b } = simPair();
    const result = a.messaging.send(NodeId(2), bytes(1, 2, 3));
    expect(result.ok).toBe(true);
    expect(a.messaging.stats.unconfirmed).toBe(1);
    sim.runFor(10);
    expect(b.received.map((event) => [event.sender, event.payload])).toEqual([
      [NodeId(1), bytes(1, 2, 3)],
    ]);
    expect(b.received[0]!.seq).toBe(result.ok ? result.seq : -1n);
    expect(a.messaging.stats).toMatchObject({ dataSent: 1, ackReceived: 1, unconfirmed: 0 });
    expect(b.messaging.stats).toMatchObject({ dataReceived: 1, ackSent: 1, delivered: 1 });
    sim.runFor(60_000);
    expect(a.messaging.stats).toMatchObject({ dataSent: 1, retransmissions: 0 });
  });

  it('retransmits with backoff while no ack comes, then gives up', () => {
    const { sim, a, b } = simPair({ retransmitAfterMs: 100, maxAttempts: 4 });
    b.messaging.stop();
    const expired: string[] = [];
    a.messaging.addEventListener('expired', (event) => {
      expired.push(`${event.peer} ${event.sender}:${event.seq} at ${sim.now()}`);
    });
    const sent = a.messaging.send(NodeId(2), bytes(9));
    const sends: number[] = [];
    let last = 1;
    for (let t = 0; t < 2_000; t += 10) {
      sim.runFor(10);
      if (a.messaging.stats.dataSent !== last) {
        last = a.messaging.stats.dataSent;
        sends.push(sim.now());
      }
    }
    // First send at 0; again 100, 200 and 400 ms after each previous one.
    expect(sends).toEqual([100, 300, 700]);
    expect(a.messaging.stats).toMatchObject({ dataSent: 4, retransmissions: 3, expired: 1 });
    expect(a.messaging.stats.unconfirmed).toBe(0);
    // Given up when the fourth send's wait (800 ms, from 700) runs out.
    expect(expired).toEqual([`2 1:${sent.ok ? sent.seq : -1n} at 1500`]);
  });

  it('uses one sequence number per broadcast and increasing numbers per sender', () => {
    const net = new InProcessNetwork();
    const transports = [1, 2, 3].map((id) => net.addNode(NodeId(id)));
    const nodes = transports.map((transport) => new ReliableMessaging({ transport }));
    const received = new Map<NodeId, ClusterDataEvent[]>();
    for (const node of nodes) {
      received.set(node.id, []);
      node.addEventListener('data', (event) => received.get(node.id)!.push(event));
      node.start();
    }
    // Peers become connected on their first exchange (peer:connect).
    nodes[1]!.send(NodeId(1), bytes(0));
    nodes[2]!.send(NodeId(1), bytes(0));
    expect(nodes[0]!.connectedPeers().sort()).toEqual([NodeId(2), NodeId(3)]);
    const first = nodes[0]!.broadcast(bytes(7));
    const second = nodes[0]!.send(NodeId(3), bytes(8));
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect([...first.sentTo].sort()).toEqual([NodeId(2), NodeId(3)]);
    expect(second.seq).toBe(first.seq + 1n);
    expect(received.get(NodeId(2))!.map((event) => event.seq)).toEqual([first.seq]);
    expect(received.get(NodeId(3))!.map((event) => event.seq)).toEqual([first.seq, second.seq]);
    for (const node of nodes) expect(node.stats.unconfirmed).toBe(0);
    // A peer whose connection ends leaves the connected peers.
    void transports[2]!.close();
    expect(nodes[0]!.connectedPeers()).toEqual([NodeId(2)]);
    for (const node of nodes) node.stop();
  });

  it('refuses what it cannot take with a result, never an exception', () => {
    const { a } = simPair();
    expect(a.messaging.send(NodeId(1), bytes(1))).toEqual({ ok: false, reason: 'self' });
    expect(a.messaging.send(NodeId(2), new Uint8Array(1024 * 1024 + 1))).toEqual({
      ok: false,
      reason: 'tooLarge',
    });
    expect(a.messaging.send(NodeId(2), 'text' as never)).toEqual({ ok: false, reason: 'tooLarge' });
    a.messaging.stop();
    expect(a.messaging.send(NodeId(2), bytes(1))).toEqual({ ok: false, reason: 'stopped' });
    expect(a.messaging.broadcast(bytes(1))).toEqual({ ok: false, reason: 'stopped' });
  });

  it('rejects numeric options out of range with InvalidArgument', () => {
    const transport = new InProcessNetwork().addNode(NodeId(1));
    invalidArgument(() => new ReliableMessaging({ transport, maxAttempts: 0 }));
    invalidArgument(() => new ReliableMessaging({ transport, seenWindow: 12 }));
    invalidArgument(() => new ReliableMessaging({ transport, retransmitAfterMs: 1.5 }));
    invalidArgument(() => new ReliableMessaging({ transport, maxUnconfirmed: '5' as never }));
  });

  it('holds at most its bounds for a peer that never acks, and frees them as frames expire', () => {
    const sim = new SimulatedNetwork({ seed: 1 });
    const silent = sim.addNode(NodeId(2)); // receives, never acknowledges
    const messaging = new ReliableMessaging({
      transport: sim.addNode(NodeId(1)),
      clock: sim.clockFor(NodeId(1)),
      random: seededRandom(1),
      maxUnconfirmedPerPeer: 50,
      maxUnconfirmedBytesPerPeer: 10_000,
      maxUnconfirmed: 70,
      maxAttempts: 3,
      retransmitAfterMs: 100,
    });
    messaging.start();
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const result = messaging.send(NodeId(2), new Uint8Array(100));
      const key = result.ok ? 'ok' : result.reason;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      expect(messaging.stats.unconfirmed).toBeLessThanOrEqual(50);
      expect(messaging.stats.unconfirmedBytes).toBeLessThanOrEqual(10_000);
    }
    // 100 payload bytes make 121-byte frames: the byte bound (82 frames) is above the count bound.
    expect(outcomes).toEqual(
      new Map([
        ['ok', 50],
        ['full', 150],
      ]),
    );
    // A second silent peer is held by the total bound (70), not its own (50).
    for (let i = 0; i < 40; i++) messaging.send(NodeId(3), new Uint8Array(10));
    expect(messaging.stats.unconfirmed).toBe(70);
    expect(messaging.stats.refusedFull).toBe(150 + 20);
    sim.runFor(10_000);
    expect(messaging.stats).toMatchObject({ unconfirmed: 0, unconfirmedBytes: 0, expired: 70 });
    expect(messaging.stats.dataSent).toBe(70 * 3);
    expect(silent.recv()).toBeDefined();
  });

  it('holds at most its byte bounds, per peer and in all', () => {
    const sim = new SimulatedNetwork({ seed: 2 });
    const messaging = new ReliableMessaging({
      transport: sim.addNode(NodeId(1)),
      clock: sim.clockFor(NodeId(1)),
      random: seededRandom(2),
      maxUnconfirmedBytesPerPeer: 1_000,
      maxUnconfirmedBytes: 1_500,
    });
    messaging.start();
    const taken = (to: NodeId, count: number) =>
      Array.from({ length: count }, () => messaging.send(to, new Uint8Array(100))).filter(
        (r) => r.ok,
      ).length;
    // 121-byte frames: 8 fit in 1,000 bytes for peer 2, then 4 more in the 1,500 in all.
    expect(taken(NodeId(2), 20)).toBe(8);
    expect(taken(NodeId(3), 20)).toBe(4);
    expect(messaging.stats).toMatchObject({ unconfirmed: 12, unconfirmedBytes: 12 * 121 });
    // A smaller frame still fits in what is left.
    expect(messaging.send(NodeId(3), new Uint8Array(10)).ok).toBe(true);
    expect(messaging.stats.unconfirmedBytes).toBe(12 * 121 + 31);
  });

  it('stores nothing without bound for a hostile peer that floods forged senders and sequence numbers', () => {
    const sim = new SimulatedNetwork({ seed: 5 });
    const hostile = sim.addNode(NodeId(66));
    sim.addNode(NodeId(3)); // a peer the proxy forwards to; it never acknowledges
    const proxy = new ReliableMessaging({
      transport: sim.addNode(NodeId(1)),
      clock: sim.clockFor(NodeId(1)),
      random: seededRandom(1),
      proxy: true,
      peers: () => [NodeId(66), NodeId(3)],
      maxSenders: 16,
      seenWindow: 64,
      maxUnconfirmed: 100,
      maxAttempts: 2,
    });
    let delivered = 0;
    proxy.addEventListener('data', () => delivered++);
    proxy.start();
    const random = seededRandom(9);
    for (let i = 0; i < 5_000; i++) {
      const data: ClusterData = {
        type: 'ClusterData',
        sender: NodeId(random.nextInt(1_000) + 100),
        seq: BigInt(random.nextInt(0xffff_ffff)) * BigInt(random.nextInt(0xffff_ffff)),
        payload: new Uint8Array(8),
      };
      hostile.send(NodeId(1), data);
      // Acks for what it never sent.
      hostile.send(NodeId(1), { type: 'ClusterDataAck', sender: NodeId(1), seq: BigInt(i) });
      if (i % 100 === 0) sim.runFor(1);
      expect(proxy.stats.unconfirmed).toBeLessThanOrEqual(100);
    }
    sim.runFor(60_000);
    const stats = proxy.stats;
    expect(stats.dataReceived).toBe(5_000);
    expect(stats.ackSent).toBe(5_000);
    expect(stats.acksUnknown).toBe(5_000);
    expect(stats.sendersForgotten).toBeGreaterThan(4_000);
    expect(stats.delivered).toBe(delivered);
    expect(stats.forwarded).toBeLessThanOrEqual(delivered);
    expect(stats.refusedFull).toBe(delivered - stats.forwarded);
    expect(stats.unconfirmed).toBe(0);
  });

  it('ignores and counts messages with fields of the wrong type', () => {
    // The in-process network hands objects over as they are, without the codec.
    const net = new InProcessNetwork();
    const messaging = new ReliableMessaging({ transport: net.addNode(NodeId(1)) });
    const received: ClusterDataEvent[] = [];
    messaging.addEventListener('data', (event) => received.push(event));
    messaging.start();
    const transport = net.addNode(NodeId(2));
    const bad = [
      { type: 'ClusterData', sender: NodeId(2), seq: 1, payload: new Uint8Array(1) },
      { type: 'ClusterData', sender: NodeId(2), seq: -1n, payload: new Uint8Array(1) },
      { type: 'ClusterData', sender: NodeId(2), seq: 1n, payload: [1] },
      { type: 'ClusterDataAck', sender: 'x', seq: 1n },
    ];
    for (const message of bad) transport.send(NodeId(1), message as never);
    expect(received).toEqual([]);
    expect(messaging.stats).toMatchObject({ malformed: 4, dataReceived: 0, ackReceived: 0 });
  });

  it('acknowledges and ignores its own messages echoed back', () => {
    const { sim, a, b } = simPair();
    const transport = sim.transport(NodeId(2));
    transport.send(NodeId(1), {
      type: 'ClusterData',
      sender: NodeId(1),
      seq: 5n,
      payload: bytes(1),
    });
    sim.runFor(20);
    expect(a.received).toEqual([]);
    expect(a.messaging.stats).toMatchObject({ dataReceived: 1, ackSent: 1, duplicates: 1 });
    expect(b.messaging.stats.acksUnknown).toBe(1);
  });

  it('reports a transport that throws as an error event and keeps going', () => {
    const net = new InProcessNetwork();
    const transport = net.addNode(NodeId(1));
    net.addNode(NodeId(2));
    const messaging = new ReliableMessaging({ transport });
    const errors: unknown[] = [];
    messaging.addEventListener('error', (event) => errors.push(event.error));
    messaging.start();
    const send = transport.send;
    transport.send = () => {
      throw new TalaError('Closed', 'broken');
    };
    expect(messaging.send(NodeId(2), bytes(1)).ok).toBe(true);
    transport.send = send;
    expect(messaging.stats.sendErrors).toBe(1);
    expect(errors).toHaveLength(1);
    messaging.stop();
  });

  it('stops when its signal aborts', () => {
    const controller = new AbortController();
    const transport = new InProcessNetwork().addNode(NodeId(1));
    const messaging = new ReliableMessaging({ transport, signal: controller.signal });
    messaging.start();
    expect(messaging.running).toBe(true);
    controller.abort();
    expect(messaging.running).toBe(false);
    messaging.start();
    expect(messaging.running).toBe(false);
  });

  it('tells peers apart by sender and sequence number, so a restarted sender is heard again', () => {
    const { sim, b } = simPair();
    sim.crash(NodeId(1));
    sim.runFor(1);
    const deliveredBefore = b.received.length;
    for (const seed of [11, 12]) {
      const transport = sim.restart(NodeId(1));
      const again = new ReliableMessaging({
        transport,
        clock: sim.clockFor(NodeId(1)),
        random: seededRandom(seed),
        peers: (): PeerId[] => [NodeId(2)],
      });
      again.start();
      again.send(NodeId(2), bytes(seed));
      sim.runFor(50);
      expect(again.stats.unconfirmed).toBe(0);
    }
    expect(b.received.slice(deliveredBefore).map((event) => event.payload)).toEqual([
      bytes(11),
      bytes(12),
    ]);
  });
});
