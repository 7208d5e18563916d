import { decode, encode } from '@tala-net/codec';
import { PartitionTable, partitionForIntent } from '@tala-net/partition';
import {
  randomIntent,
  roundRobinAssignments,
  TalaNode,
} from '@tala-net/transport-inprocess/testing';
import { type NodeId, PartitionId } from '@tala-net/types';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type SimulatedClusterOptions,
  type SimulatedNetwork,
  simulateCluster,
  withSeed,
} from '../src/index.js';

const PARTITIONS = 12;

function talaCluster(
  nodes: number,
  seed: number,
  options: Omit<SimulatedClusterOptions, 'nodes'> = {},
  replicas = 0,
): { sim: SimulatedNetwork; ids: readonly NodeId[]; tala: TalaNode[] } {
  const { sim, ids } = simulateCluster({ seed, trace: false, ...options, nodes });
  const table = () =>
    new PartitionTable({
      version: 1n,
      assignments: roundRobinAssignments(ids, PARTITIONS, replicas),
      numPartitions: PARTITIONS,
    });
  const tala = ids.map((id) => new TalaNode(sim, id, table()));
  created.push(...tala);
  return { sim, ids, tala };
}

/** The nodes of the current test: their message handlers must never have thrown. */
const created: TalaNode[] = [];
afterEach(() => {
  const errors = created.reduce((sum, node) => sum + node.handlerErrors, 0);
  created.length = 0;
  expect(errors).toBe(0);
});

/** Every live node routes every partition to the same owner. */
function expectConsistentRouting(tala: TalaNode[], sim: SimulatedNetwork): void {
  const live = tala.filter((node) => sim.isUp(node.id));
  for (let p = 0; p < PARTITIONS; p++) {
    const owners = new Set(live.map((node) => node.table.ownerOf(PartitionId(p))));
    expect(owners.size).toBe(1);
  }
}

describe('TALA scenarios on the simulator', () => {
  it('routes 1,000 intents to their owners on a clean network', () => {
    const { sim, tala } = talaCluster(5, 1, {
      link: { latency: { kind: 'uniform', min: 1, max: 5 } },
    });
    const intents = Array.from({ length: 1_000 }, () => randomIntent(sim.random));
    sim.runRounds(100, 10, (round) => {
      for (const intent of intents.slice(round * 10, round * 10 + 10)) {
        tala[sim.random.nextInt(tala.length)]!.submit(intent);
      }
    });
    sim.runUntilIdle();
    let total = 0;
    for (const node of tala) {
      for (const [, partition] of node.accepted) {
        expect(node.table.ownerOf(partition)).toBe(node.id);
        total++;
      }
      expect(node.misrouted).toBe(0);
      expect(node.duplicateIntents).toBe(0);
    }
    expect(total).toBe(1_000);
    for (const intent of intents) {
      const owner = tala[0]!.table.ownerOf(partitionForIntent(intent, PARTITIONS));
      const accepted = tala.filter((node) =>
        node.accepted.has(Buffer.from(intent).toString('hex')),
      );
      expect(accepted.map((node) => node.id)).toEqual([owner]);
    }
    expect(sim.stats.dropped.total).toBe(0);
    expectConsistentRouting(tala, sim);
  });

  it('converges membership gossip at 30% message loss', () => {
    withSeed(30, (seed) => {
      const { sim, ids, tala } = talaCluster(20, seed, { link: { loss: 0.3, jitter: 2 } });
      // Each node starts knowing itself and node 1 (a seed node).
      for (const node of tala) node.members.add(ids[0]!);
      let convergedAt = -1;
      sim.runRounds(60, 50, (round) => {
        if (convergedAt < 0 && tala.every((node) => node.members.size === ids.length)) {
          convergedAt = round;
        }
        for (const node of tala) {
          const known = [...node.members].filter((id) => id !== node.id);
          for (let fanout = 0; fanout < 2 && known.length > 0; fanout++) {
            node.gossipTo(known[sim.random.nextInt(known.length)]!);
          }
        }
      });
      expect(convergedAt).toBeGreaterThan(0);
      for (const node of tala) expect(node.members.size).toBe(ids.length);
      const { sent, dropped } = sim.stats;
      expect(dropped.loss / sent).toBeGreaterThan(0.25);
      expect(dropped.loss / sent).toBeLessThan(0.35);
    });
  });

  it('re-routes after a node crash once a new table version is adopted', () => {
    const { sim, ids, tala } = talaCluster(5, 3);
    const crashed = ids[1]!;
    const intents = Array.from({ length: 500 }, () => randomIntent(sim.random));
    sim.crash(crashed);
    for (const intent of intents) tala[0]!.submit(intent);
    sim.runUntilIdle();
    const lost = intents.filter(
      (intent) => tala[0]!.table.ownerOf(partitionForIntent(intent, PARTITIONS)) === crashed,
    );
    expect(lost.length).toBeGreaterThan(0);
    expect(sim.stats.dropped.crashed).toBe(lost.length);

    // Node 1 publishes version 2 without the crashed node; every live node adopts it.
    const live = ids.filter((id) => id !== crashed);
    tala[0]!.table = new PartitionTable({
      version: 2n,
      assignments: roundRobinAssignments(live, PARTITIONS),
      numPartitions: PARTITIONS,
    });
    tala[0]!.broadcastTable();
    sim.runUntilIdle();
    for (const node of tala) {
      if (node.id !== crashed) expect(node.table.version).toBe(2n);
    }
    expectConsistentRouting(tala, sim);

    // The client retries the lost intents at another node: they reach live owners.
    for (const intent of lost) tala[3]!.submit(intent);
    sim.runUntilIdle();
    const acceptedTotal = tala.reduce((sum, node) => sum + node.accepted.size, 0);
    expect(acceptedTotal).toBe(intents.length);
    expect(tala[1]!.accepted.size).toBe(0);
    for (const node of tala) expect(node.misrouted).toBe(0);
  });

  it('isolates traffic across partition {1,2}|{3,4} and heals', () => {
    const { sim, ids } = simulateCluster({ nodes: 4, seed: 4 });
    const heard = ids.map(() => new Map<NodeId, number>());
    ids.forEach((id, i) => {
      sim.transport(id).addEventListener('message', (event) => {
        heard[i]!.set(event.from, (heard[i]!.get(event.from) ?? 0) + 1);
      });
    });
    const everyoneBroadcasts = () => {
      for (const id of ids) {
        sim.transport(id).broadcast({ type: 'Ping', from: id, seq: BigInt(Math.round(sim.now())) });
      }
    };
    const [n1, n2, n3, n4] = ids as [NodeId, NodeId, NodeId, NodeId];
    sim.partition([n1, n2], [n3, n4]);
    sim.runRounds(10, 10, everyoneBroadcasts);
    expect(heard.map((m) => [...m.keys()].sort())).toEqual([[n2], [n1], [n4], [n3]]);
    expect(sim.stats.dropped.partition).toBe(10 * 4 * 2);

    sim.heal();
    for (const m of heard) m.clear();
    sim.runRounds(10, 10, everyoneBroadcasts);
    for (const [i, m] of heard.entries()) {
      expect(m.size).toBe(3);
      for (const [from, count] of m) {
        expect(from).not.toBe(ids[i]);
        expect(count).toBe(10);
      }
    }
    expect(sim.stats.dropped.partition).toBe(80);
  });

  it('replicates segments to identical replicas, with retries at 50% loss', () => {
    withSeed(50, (seed) => {
      const { sim, ids, tala } = talaCluster(
        5,
        seed,
        {
          link: { loss: 0.5, latency: { kind: 'uniform', min: 1, max: 10 } },
          wire: { encode, decode },
        },
        2,
      );
      const data = new Map<number, Uint8Array>();
      for (let p = 0; p < PARTITIONS; p++) {
        const bytes = new Uint8Array(4_096);
        for (let i = 0; i < bytes.length; i++) bytes[i] = sim.random.nextInt(256);
        data.set(p, bytes);
        const owner = tala.find((node) => node.id === ids[p % ids.length])!;
        owner.replicate(PartitionId(p), bytes, 20);
      }
      sim.runFor(5_000);
      for (let p = 0; p < PARTITIONS; p++) {
        const assignment = tala[0]!.table.assignmentOf(PartitionId(p))!;
        for (const holder of [assignment.owner, ...assignment.replicas]) {
          const node = tala.find((n) => n.id === holder)!;
          expect(node.segments.get(PartitionId(p))).toEqual(data.get(p));
        }
        const owner = tala.find((n) => n.id === assignment.owner)!;
        expect(owner.unacked.get(PartitionId(p))?.size).toBe(0);
      }
      const { sent, dropped } = sim.stats;
      // Retries happened: far more sends than the 24 segments + 24 acks of a clean run.
      expect(sent).toBeGreaterThan(60);
      expect(dropped.loss).toBeGreaterThan(20);
      expect(sim.stats.bytes).toBeGreaterThan(24 * 4_096);
    });
  });

  it('adopts a broadcast partition table on every other node, newest version wins', () => {
    const { sim, ids, tala } = talaCluster(8, 6, {
      link: {
        duplicate: 0.3,
        reorder: 0.5,
        reorderWindow: 50,
        latency: { kind: 'normal', mean: 5, stddev: 2 },
      },
    });
    const leader = tala[0]!;
    const reversed = [...ids].reverse();
    for (const version of [2n, 3n]) {
      leader.table = new PartitionTable({
        version,
        assignments: roundRobinAssignments(version === 2n ? ids : reversed, PARTITIONS, 1),
        numPartitions: PARTITIONS,
      });
      leader.broadcastTable();
    }
    sim.runUntilIdle();
    expect(sim.stats.duplicated).toBeGreaterThan(0);
    for (const node of tala) {
      expect(node.table.version).toBe(3n);
      expect(node.table.assignments).toEqual(leader.table.assignments);
    }
    expectConsistentRouting(tala, sim);
  });

  it('delivers 100,000 intents over 12 partitions with zero loss on a clean network', () => {
    const { sim, tala } = talaCluster(5, 7, {
      link: { latency: { kind: 'uniform', min: 0.5, max: 2 } },
      wire: { encode, decode },
    });
    const perPartition = new Array<number>(PARTITIONS).fill(0);
    sim.runRounds(1_000, 1, () => {
      for (let i = 0; i < 100; i++) {
        const intent = randomIntent(sim.random);
        perPartition[partitionForIntent(intent, PARTITIONS)]!++;
        tala[sim.random.nextInt(tala.length)]!.submit(intent);
      }
    });
    sim.runUntilIdle();
    const accepted = new Array<number>(PARTITIONS).fill(0);
    for (const node of tala) {
      for (const partition of node.accepted.values()) accepted[partition]!++;
      expect(node.misrouted).toBe(0);
      expect(node.duplicateIntents).toBe(0);
    }
    expect(accepted).toEqual(perPartition);
    expect(accepted.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(sim.stats.dropped.total).toBe(0);
    expect(sim.stats.inFlight).toBe(0);
  });
});
