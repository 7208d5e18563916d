import { decode, encode } from '@tala-net/codec';
import { type LinkOptions, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { NodeId, type PeerId, seededRandom } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReliableMessaging } from '../src/index.js';

const FAULTY: LinkOptions = {
  latency: { kind: 'uniform', min: 1, max: 20 },
  loss: 0.2,
  duplicate: 0.1,
  reorder: 0.2,
  reorderWindow: 50,
};
const CLEAN: LinkOptions = { latency: { kind: 'fixed', ms: 2 }, loss: 0, duplicate: 0, reorder: 0 };

interface SimNode {
  readonly id: NodeId;
  readonly messaging: ReliableMessaging;
  /** `sender:seq` of every `data` event, in order. */
  readonly delivered: string[];
}

/**
 * A simulated cluster on faulty links: `links` lists who is connected to whom (both ways),
 * `proxies` who forwards.
 */
function simCluster(
  seed: number,
  count: number,
  links: readonly (readonly [number, number])[],
  proxies: ReadonlySet<number> = new Set(),
) {
  const sim = new SimulatedNetwork({ seed, link: FAULTY, wire: { encode, decode } });
  const neighbours = new Map<number, PeerId[]>();
  for (const [a, b] of links) {
    neighbours.set(a, [...(neighbours.get(a) ?? []), NodeId(b)]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), NodeId(a)]);
  }
  const nodes: SimNode[] = [];
  for (let i = 1; i <= count; i++) {
    const id = NodeId(i);
    const messaging = new ReliableMessaging({
      transport: sim.addNode(id),
      clock: sim.clockFor(id),
      random: seededRandom(seed * 100 + i),
      proxy: proxies.has(i),
      peers: () => neighbours.get(i) ?? [],
    });
    const delivered: string[] = [];
    messaging.addEventListener('data', (event) => delivered.push(`${event.sender}:${event.seq}`));
    messaging.start();
    nodes.push({ id, messaging, delivered });
  }
  return { sim, nodes, neighbours };
}

function fullMesh(count: number): [number, number][] {
  const links: [number, number][] = [];
  for (let a = 1; a <= count; a++) for (let b = a + 1; b <= count; b++) links.push([a, b]);
  return links;
}

/** Asserts every node delivered exactly `expected.get(node)`, each once. */
function expectExactlyOnce(nodes: readonly SimNode[], expected: Map<NodeId, string[]>): void {
  for (const node of nodes) {
    expect(new Set(node.delivered).size).toBe(node.delivered.length);
    expect([...node.delivered].sort()).toEqual([...(expected.get(node.id) ?? [])].sort());
  }
}

/** Broadcasts a message from `node` and records that every other node must deliver it. */
function broadcastExpected(
  node: SimNode,
  nodes: readonly SimNode[],
  expected: Map<NodeId, string[]>,
): void {
  const result = node.messaging.broadcast(new Uint8Array([expected.size]));
  if (!result.ok) throw new Error('broadcast refused');
  for (const other of nodes) {
    if (other !== node) {
      expected.set(other.id, [...(expected.get(other.id) ?? []), `${node.id}:${result.seq}`]);
    }
  }
}

/** The links of a spanning tree (node i + 2's parent is tree[i] + 1) plus `extra` (0-based). */
function graphLinks(
  tree: readonly number[],
  extra: readonly (readonly [number, number])[],
): [number, number][] {
  const links = new Set<string>();
  for (const [i, parent] of tree.entries()) links.add(`${parent + 1}-${i + 2}`);
  for (const [a, b] of extra) {
    if (a !== b) links.add(`${Math.min(a, b) + 1}-${Math.max(a, b) + 1}`);
  }
  return [...links].map((link) => link.split('-').map(Number) as [number, number]);
}

const SEEDS = [1, 2, 3, 4, 5];

describe('ReliableMessaging under loss, duplication, delay and a partition', () => {
  it.each(SEEDS)('delivers every message exactly once once faults stop (seed %i)', (seed) => {
    const count = 5;
    const { sim, nodes, neighbours } = simCluster(seed, count, fullMesh(count));
    const random = seededRandom(seed);
    const expected = new Map<NodeId, string[]>();
    const expect1 = (to: PeerId, key: string) =>
      expected.set(to, [...(expected.get(to) ?? []), key]);
    const cut = { heal: () => {} };
    for (let round = 0; round < 60; round++) {
      if (round === 10) Object.assign(cut, sim.partition([NodeId(5)], [1, 2, 3, 4].map(NodeId)));
      if (round === 40) cut.heal();
      const node = nodes[random.nextInt(count)]!;
      const payload = new Uint8Array([round, seed]);
      if (round % 6 === 0) {
        const result = node.messaging.broadcast(payload);
        if (!result.ok) throw new Error('broadcast refused');
        for (const peer of result.sentTo) expect1(peer, `${node.id}:${result.seq}`);
        expect(result.sentTo).toHaveLength(neighbours.get(Number(node.id))!.length);
      } else {
        const to = NodeId(((Number(node.id) + random.nextInt(count - 1)) % count) + 1);
        const result = node.messaging.send(to, payload);
        if (!result.ok) throw new Error('send refused');
        expect1(to, `${node.id}:${result.seq}`);
      }
      sim.runFor(50);
    }
    sim.setDefaultLink(CLEAN);
    sim.runFor(60_000);
    expectExactlyOnce(nodes, expected);
    const stats = nodes.map((node) => node.messaging.stats);
    for (const s of stats) expect(s).toMatchObject({ unconfirmed: 0, expired: 0, refusedFull: 0 });
    // The faults made it work: frames were lost and duplicated, and it retransmitted.
    expect(sim.stats.dropped.loss).toBeGreaterThan(0);
    expect(sim.stats.duplicated).toBeGreaterThan(0);
    expect(stats.reduce((sum, s) => sum + s.retransmissions, 0)).toBeGreaterThan(0);
    expect(stats.reduce((sum, s) => sum + s.duplicates, 0)).toBeGreaterThan(0);
    // Retransmission stopped with the last ack.
    const sent = stats.reduce((sum, s) => sum + s.dataSent, 0);
    sim.runFor(60_000);
    expect(nodes.reduce((sum, node) => sum + node.messaging.stats.dataSent, 0)).toBe(sent);
  });
});

describe('ReliableMessaging in proxy mode', () => {
  // Three proxies (1, 2, 3) in a triangle; clients 4, 5 on proxy 1, 6 on proxy 2, 7 on proxy 3.
  const TRIANGLE: [number, number][] = [
    [1, 2],
    [2, 3],
    [1, 3],
    [1, 4],
    [1, 5],
    [2, 6],
    [3, 7],
  ];

  it.each(SEEDS)('reaches every node once through a triangle of proxies (seed %i)', (seed) => {
    const { sim, nodes } = simCluster(seed, 7, TRIANGLE, new Set([1, 2, 3]));
    const random = seededRandom(seed);
    const expected = new Map<NodeId, string[]>();
    for (let round = 0; round < 30; round++) {
      const node = nodes[random.nextInt(7)]!;
      const result = node.messaging.broadcast(new Uint8Array([round]));
      if (!result.ok) throw new Error('broadcast refused');
      for (const other of nodes) {
        if (other !== node) {
          expected.set(other.id, [...(expected.get(other.id) ?? []), `${node.id}:${result.seq}`]);
        }
      }
      sim.runFor(40);
    }
    sim.setDefaultLink(CLEAN);
    sim.runFor(60_000);
    expectExactlyOnce(nodes, expected);
    const stats = nodes.map((node) => node.messaging.stats);
    for (const s of stats) expect(s).toMatchObject({ unconfirmed: 0, expired: 0 });
    // No storm: each proxy forwards each message at most once to each of its other peers
    // (degrees 4, 3 and 3 in this topology, so at most 3 + 2 + 2 forwards per message).
    const forwarded = stats.reduce((sum, s) => sum + s.forwarded, 0);
    expect(forwarded).toBeLessThanOrEqual(30 * 7);
    // Clients never forward.
    for (const s of stats.slice(3)) expect(s.forwarded).toBe(0);
    const sent = stats.reduce((sum, s) => sum + s.dataSent, 0);
    sim.runFor(60_000);
    expect(nodes.reduce((sum, node) => sum + node.messaging.stats.dataSent, 0)).toBe(sent);
  });

  it('forwards each message exactly once per other link when nothing is lost', () => {
    const { sim, nodes } = simCluster(1, 7, TRIANGLE, new Set([1, 2, 3]));
    sim.setDefaultLink(CLEAN);
    const result = nodes[3]!.messaging.send(NodeId(1), new Uint8Array([42]));
    expect(result.ok).toBe(true);
    sim.runFor(1_000);
    // 1 forwards to 2, 3 and 5; 2 forwards to 3 and 6; 3 forwards to 2 and 7: 7 frames.
    expect(nodes.map((node) => node.messaging.stats.forwarded)).toEqual([3, 2, 2, 0, 0, 0, 0]);
    expect(nodes.map((node) => node.delivered.length)).toEqual([1, 1, 1, 0, 1, 1, 1]);
    // 2 and 3 each got the message twice (from 1 and from each other) and delivered it once.
    expect(nodes.map((node) => node.messaging.stats.duplicates)).toEqual([0, 1, 1, 0, 0, 0, 0]);
  });

  it.each(SEEDS)(
    'converges in a ring of proxies with chords, every node a sender (seed %i)',
    (seed) => {
      const count = 8;
      const links: [number, number][] = [];
      for (let i = 1; i <= count; i++) links.push([i, (i % count) + 1]);
      links.push([1, 5], [2, 6], [3, 7]);
      const all = new Set(Array.from({ length: count }, (_, i) => i + 1));
      const { sim, nodes } = simCluster(seed, count, links, all);
      const expected = new Map<NodeId, string[]>();
      for (const node of nodes) {
        for (let k = 0; k < 4; k++) {
          const result = node.messaging.broadcast(new Uint8Array([k]));
          if (!result.ok) throw new Error('broadcast refused');
          for (const other of nodes) {
            if (other !== node) {
              expected.set(other.id, [
                ...(expected.get(other.id) ?? []),
                `${node.id}:${result.seq}`,
              ]);
            }
          }
        }
        sim.runFor(25);
      }
      sim.setDefaultLink(CLEAN);
      sim.runFor(60_000);
      expectExactlyOnce(nodes, expected);
      const stats = nodes.map((node) => node.messaging.stats);
      for (const s of stats) expect(s.unconfirmed).toBe(0);
      // Each of the 32 messages is forwarded at most once by each node to each other neighbour.
      const bound = 32 * links.length * 2;
      expect(stats.reduce((sum, s) => sum + s.forwarded, 0)).toBeLessThanOrEqual(bound);
    },
  );
});

describe('ReliableMessaging, any connected graph of proxies', () => {
  /** A connected graph on 1 … count: a random spanning tree plus extra links. */
  const graphs = fc.integer({ min: 2, max: 6 }).chain((count) =>
    fc.record({
      count: fc.constant(count),
      tree: fc.tuple(...Array.from({ length: count - 1 }, (_, i) => fc.nat({ max: i }))),
      extra: fc.array(fc.tuple(fc.nat({ max: count - 1 }), fc.nat({ max: count - 1 })), {
        maxLength: 6,
      }),
    }),
  );

  it('delivers every broadcast to every node exactly once, whatever the faults', () => {
    fc.assert(
      fc.property(
        graphs,
        fc.integer({ min: 1, max: 1_000 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        ({ count, tree, extra }, seed, loss, duplicate) => {
          const all = new Set(Array.from({ length: count }, (_, i) => i + 1));
          const { sim, nodes } = simCluster(seed, count, graphLinks(tree, extra), all);
          sim.setDefaultLink({ ...FAULTY, loss, duplicate });
          const expected = new Map<NodeId, string[]>();
          for (const node of nodes) {
            for (let k = 0; k < 3; k++) {
              broadcastExpected(node, nodes, expected);
              sim.runFor(30);
            }
          }
          sim.runFor(500);
          sim.setDefaultLink(CLEAN);
          sim.runFor(60_000);
          expectExactlyOnce(nodes, expected);
          for (const node of nodes) expect(node.messaging.stats.unconfirmed).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});
