import { NodeId, PartitionId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignPartitions } from '../src/index.js';
import { loads, nodeIds, violation } from './support.js';

/** Distinct node ids in random order. */
const nodeSets = fc
  .uniqueArray(fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }), { minLength: 1, maxLength: 24 })
  .map((ids) => ids.map(NodeId));

describe('assignPartitions', () => {
  it('gives every partition one owner and RF − 1 distinct replicas, balanced', () => {
    const nodes = nodeIds(3);
    const table = assignPartitions({ nodes, numPartitions: 12, replicationFactor: 2 });
    expect(table.version).toBe(1n);
    expect(table.numPartitions).toBe(12);
    expect(table.assignments.map((a) => a.partitionId)).toEqual([...Array(12).keys()]);
    const { owned, replicated } = loads(table);
    for (const n of nodes) {
      expect(owned.get(n)).toBe(4);
      expect(replicated.get(n)).toBe(4);
    }
    expect(violation(table, nodes, 12, 2)).toBeUndefined();
  });

  it('holds the invariants for random node sets, partition counts 1…4096 and RF 1…5', () => {
    fc.assert(
      fc.property(
        nodeSets,
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 1, max: 5 }),
        (nodes, numPartitions, rf) => {
          const replicationFactor = Math.min(rf, nodes.length);
          const table = assignPartitions({ nodes, numPartitions, replicationFactor });
          expect(violation(table, nodes, numPartitions, replicationFactor)).toBeUndefined();
        },
      ),
      { numRuns: 60, seed: 0x5a11_0001 },
    );
  });

  it('depends on the node set only, not on the order of the nodes', () => {
    fc.assert(
      fc.property(
        nodeSets.chain((nodes) =>
          fc.tuple(fc.constant(nodes), fc.shuffledSubarray(nodes, { minLength: nodes.length })),
        ),
        fc.integer({ min: 1, max: 512 }),
        fc.integer({ min: 1, max: 5 }),
        ([nodes, shuffled], numPartitions, rf) => {
          const replicationFactor = Math.min(rf, nodes.length);
          const a = assignPartitions({ nodes, numPartitions, replicationFactor });
          const b = assignPartitions({ nodes: shuffled, numPartitions, replicationFactor });
          expect(b.assignments).toEqual(a.assignments);
        },
      ),
      { numRuns: 40, seed: 0x5a11_0002 },
    );
  });

  it('spreads the holders of each partition over distinct zones when zones have equal sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 2048 }),
        fc.integer({ min: 1, max: 5 }),
        (numZones, perZone, numPartitions, rf) => {
          const nodes = nodeIds(numZones * perZone, 7);
          const zones = new Map(nodes.map((n, i) => [n, `zone-${i % numZones}`]));
          const replicationFactor = Math.min(rf, nodes.length);
          const table = assignPartitions({ nodes, numPartitions, replicationFactor, zones });
          // `violation` checks at most ⌈RF / zones⌉ holders per zone: distinct zones when
          // there are at least RF zones.
          expect(violation(table, nodes, numPartitions, replicationFactor, zones)).toBeUndefined();
        },
      ),
      { numRuns: 60, seed: 0x5a11_0003 },
    );
  });

  it('uses distinct zones for 3 zones, RF 3', () => {
    const nodes = nodeIds(6);
    const zones = new Map(nodes.map((n, i) => [n, ['a', 'b', 'c'][i % 3]!]));
    const table = assignPartitions({ nodes, numPartitions: 64, replicationFactor: 3, zones });
    for (const a of table.assignments) {
      expect(new Set([a.owner, ...a.replicas].map((n) => zones.get(n))).size).toBe(3);
    }
  });

  it('spreads co-holding: when a node fails, every other node replicates some of its partitions', () => {
    const nodes = nodeIds(8);
    const table = assignPartitions({ nodes, numPartitions: 1024, replicationFactor: 3 });
    const first = nodes[0]!;
    const partners = new Set<NodeId>();
    for (const a of table.assignments)
      if (a.owner === first) for (const r of a.replicas) partners.add(r);
    expect(partners.size).toBe(7);
  });

  it('accepts zero partitions and RF 1', () => {
    expect(assignPartitions({ nodes: [], numPartitions: 0, replicationFactor: 3 }).size).toBe(0);
    const single = assignPartitions({ nodes: [NodeId(5)], numPartitions: 3, replicationFactor: 1 });
    expect(single.assignments.map((a) => a.replicas)).toEqual([[], [], []]);
    expect(single.partitionsFor(NodeId(5))).toEqual([0, 1, 2].map(PartitionId));
  });

  it.each([
    ['no nodes', { nodes: [], numPartitions: 4, replicationFactor: 1 }, /needs at least 1 nodes/],
    [
      'RF above the node count',
      { nodes: nodeIds(2), numPartitions: 4, replicationFactor: 3 },
      /replicationFactor 3 needs at least 3 nodes, found 2/,
    ],
    [
      'RF 0',
      { nodes: nodeIds(2), numPartitions: 4, replicationFactor: 0 },
      /replicationFactor ≥ 1/,
    ],
    ['RF 1.5', { nodes: nodeIds(2), numPartitions: 4, replicationFactor: 1.5 }, /≥ 1/],
    [
      'a negative count',
      { nodes: nodeIds(2), numPartitions: -1, replicationFactor: 1 },
      /numPartitions/,
    ],
    [
      'a count above u32',
      { nodes: nodeIds(2), numPartitions: 2 ** 32, replicationFactor: 1 },
      /0 … 2\^24/,
    ],
    [
      'a duplicate node',
      { nodes: [NodeId(1), NodeId(1)], numPartitions: 4, replicationFactor: 1 },
      /listed twice/,
    ],
    [
      'a node without zone',
      {
        nodes: nodeIds(2),
        numPartitions: 4,
        replicationFactor: 1,
        zones: new Map([[NodeId(1), 'a']]),
      },
      /node 2 has no zone/,
    ],
  ])('rejects %s', (_name, options, message) => {
    expect(() => assignPartitions(options)).toThrow(message);
    try {
      assignPartitions(options);
    } catch (error) {
      expect(error).toBeInstanceOf(TalaError);
      expect((error as TalaError).code).toBe('InvalidArgument');
    }
  });
});
