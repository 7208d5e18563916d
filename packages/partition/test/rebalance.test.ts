import { NodeId, PartitionId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignPartitions, isNewerTableVersion, PartitionTable, rebalance } from '../src/index.js';
import {
  exactLeaveBound,
  loads,
  minimumOwnerMoves,
  minimumReplicaMoves,
  movement,
  nodeIds,
  violation,
} from './support.js';

/** A join, a leave, or both at once (a replacement); the node pool supplies fresh ids. */
type Step = { kind: 'join' } | { kind: 'leave'; pick: number } | { kind: 'replace'; pick: number };
const steps = fc.array(
  fc.oneof(
    fc.constant<Step>({ kind: 'join' }),
    fc.nat().map<Step>((pick) => ({ kind: 'leave', pick })),
    fc.nat().map<Step>((pick) => ({ kind: 'replace', pick })),
  ),
  { minLength: 1, maxLength: 5 },
);

function apply(nodes: readonly NodeId[], step: Step, fresh: () => NodeId): NodeId[] {
  const next = [...nodes];
  if (step.kind !== 'join' && next.length > 1) next.splice(step.pick % next.length, 1);
  if (step.kind !== 'leave' || nodes.length === 1) next.push(fresh());
  return next;
}

describe('rebalance', () => {
  it('moves only what the joining node needs: ⌊P/(N+1)⌋ or ⌈P/(N+1)⌉ owner slots', () => {
    for (const n of [3, 4, 7, 16, 31, 64]) {
      const nodes = nodeIds(n);
      const table = assignPartitions({ nodes, numPartitions: 1024, replicationFactor: 3 });
      const next = [...nodes, NodeId(1000)];
      const { table: after, plan } = rebalance(table, { nodes: next });
      expect(violation(after, next, 1024, 3)).toBeUndefined();
      expect(after.version).toBe(2n);
      const minimum = Math.ceil(1024 / (n + 1));
      expect(plan.ownerMoves).toBeLessThanOrEqual(minimum);
      expect(plan.ownerMoves).toBe(minimumOwnerMoves(table, next, 1024));
      // Every owner change goes to the new node; every other node only gives.
      for (const change of plan.ownerChanges) expect(change.to).toBe(NodeId(1000));
      const { owned, replicated } = loads(after);
      expect(plan.ownerMoves).toBe(owned.get(NodeId(1000)));
      expect(plan.replicaMoves).toBe(replicated.get(NodeId(1000)));
      // Data copies: exactly what the new node now holds.
      expect(plan.syncs.length).toBe(after.partitionsFor(NodeId(1000)).length);
      expect(plan.syncs.every((s) => s.to === NodeId(1000) && s.from !== undefined)).toBe(true);
    }
  });

  it('moves only what a leaving node held, promoting its replicas', () => {
    let exact = 0;
    for (const n of [4, 5, 9, 16, 33, 64, 65]) {
      const nodes = nodeIds(n);
      const table = assignPartitions({ nodes, numPartitions: 1024, replicationFactor: 3 });
      for (const gone of [nodes[0]!, nodes[n >> 1]!, nodes[n - 1]!]) {
        const next = nodes.filter((x) => x !== gone);
        const { table: after, plan } = rebalance(table, { nodes: next });
        expect(violation(after, next, 1024, 3)).toBeUndefined();
        const held = table.partitionsFor(gone).length;
        const ownedByGone = table.assignments.filter((a) => a.owner === gone).length;
        const minimum = minimumOwnerMoves(table, next, 1024);
        expect(plan.ownerMoves).toBe(minimum);
        for (const change of plan.ownerChanges) {
          if (change.from === gone) expect(change.promoted).toBe(true);
        }
        for (const sync of plan.syncs) {
          const before = table.assignmentOf(sync.partitionId)!;
          expect(sync.from).not.toBe(gone);
          expect([before.owner, ...before.replicas]).toContain(sync.from);
        }
        // When every orphan can be promoted within the new quotas (all but the tightest
        // quotas), exactly the departed node's holdings move and nothing else.
        if (minimum === ownedByGone) {
          exact++;
          expect(plan.ownerChanges.every((c) => c.from === gone)).toBe(true);
          expect(plan.syncs.length).toBe(held);
        }
      }
    }
    expect(exact).toBeGreaterThanOrEqual(17);
  });

  it('lets every node of a fresh table leave moving exactly what it held, where counts allow', () => {
    const cases: [nodes: number, partitions: number, rf: number][] = [
      [4, 1024, 3],
      [9, 1024, 3],
      [26, 1024, 3],
      [33, 1024, 3],
      [39, 1024, 3],
      [50, 1024, 3],
      [58, 1024, 3],
      [65, 1024, 3],
      [12, 100, 2],
      [40, 256, 4],
    ];
    for (const [n, numPartitions, rf] of cases) {
      const nodes = nodeIds(n);
      const table = assignPartitions({ nodes, numPartitions, replicationFactor: rf });
      let exact = 0;
      for (const gone of nodes) {
        const next = nodes.filter((x) => x !== gone);
        const { table: after, plan } = rebalance(table, { nodes: next });
        expect(violation(after, next, numPartitions, rf)).toBeUndefined();
        const owned = table.assignments.filter((a) => a.owner === gone).length;
        if (plan.ownerMoves !== owned) continue;
        exact++;
        // Exactly what it held: its partitions get promoted owners, its slots are refilled,
        // and no other partition changes.
        expect(plan.ownerChanges.every((c) => c.from === gone && c.promoted)).toBe(true);
        expect(plan.syncs.length).toBe(table.partitionsFor(gone).length);
        const heldIds = new Set(table.partitionsFor(gone));
        for (const change of plan.replicaChanges) expect(heldIds).toContain(change.partitionId);
      }
      const bound = exactLeaveBound(numPartitions, n, rf);
      expect(exact, `${n} nodes, ${numPartitions} partitions, RF ${rf}`).toBeLessThanOrEqual(bound);
      expect(exact, `${n} nodes, ${numPartitions} partitions, RF ${rf}`).toBeGreaterThanOrEqual(
        bound === n ? n : bound - 2,
      );
    }
  });

  it('promotes a surviving replica when an owner crashes (TALA crash scenario)', () => {
    const nodes = nodeIds(3);
    const table = assignPartitions({ nodes, numPartitions: 12, replicationFactor: 2 });
    const crashed = NodeId(2);
    const { table: after, plan } = rebalance(table, { nodes: [NodeId(1), NodeId(3)] });
    for (const a of table.assignments) {
      if (a.owner !== crashed) continue;
      const now = after.assignmentOf(a.partitionId)!;
      expect(a.replicas).toContain(now.owner);
    }
    expect(plan.ownerChanges.length).toBe(4);
    expect(plan.ownerChanges.every((c) => c.promoted)).toBe(true);
    expect(violation(after, [NodeId(1), NodeId(3)], 12, 2)).toBeUndefined();
  });

  it('keeps the invariants and moves the minimum over random join/leave sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 2048 }),
        fc.integer({ min: 1, max: 5 }),
        steps,
        (size, numPartitions, rf, sequence) => {
          let nodes = nodeIds(size, 10);
          let nextId = 1000;
          const replicationFactor = Math.min(rf, nodes.length);
          let table = assignPartitions({ nodes, numPartitions, replicationFactor });
          for (const step of sequence) {
            const next = apply(nodes, step, () => NodeId(nextId++));
            const { table: after, plan } = rebalance(table, { nodes: next, replicationFactor });
            expect(after.version).toBe(table.version + 1n);
            expect(violation(after, next, numPartitions, replicationFactor)).toBeUndefined();
            // Owners: exactly the fewest moves any balanced table allows when every orphan
            // with a surviving replica must be promoted (computed independently).
            const moved = movement(table, after);
            expect(moved.owners).toBe(minimumOwnerMoves(table, next, numPartitions));
            expect(plan.ownerMoves).toBe(moved.owners);
            // Replicas: never below the bound, and at most one slot above it (the bound
            // ignores that a node cannot hold a partition twice).
            const bound = minimumReplicaMoves(table, after, next, replicationFactor);
            expect(moved.replicas).toBeGreaterThanOrEqual(bound);
            expect(moved.replicas).toBeLessThanOrEqual(bound + 2);
            expect(plan.replicaMoves).toBe(moved.replicas);
            expect(plan.syncs.length).toBe(moved.syncs);
            // A departed owner with a surviving replica is replaced by one of them.
            const live = new Set(next);
            for (const a of table.assignments) {
              const survivors = a.replicas.filter((r) => live.has(r));
              if (!live.has(a.owner) && survivors.length > 0) {
                expect(survivors).toContain(after.ownerOf(a.partitionId));
              }
            }
            table = after;
            nodes = next;
          }
        },
      ),
      { numRuns: 40, seed: 0x5a11_0006 },
    );
  });

  it('is deterministic and independent of the order of the nodes', () => {
    const table = assignPartitions({ nodes: nodeIds(5), numPartitions: 100, replicationFactor: 3 });
    const next = [NodeId(9), NodeId(1), NodeId(4), NodeId(3), NodeId(2)];
    const a = rebalance(table, { nodes: next });
    const b = rebalance(table, { nodes: [...next].reverse() });
    expect(b.table.assignments).toEqual(a.table.assignments);
    expect(b.plan).toEqual(a.plan);
  });

  it('keeps zones distinct when nodes join every zone', () => {
    const nodes = nodeIds(6);
    const zoneOf = (n: NodeId) => `zone-${Number(n) % 3}`;
    const zones = new Map(nodes.map((n) => [n, zoneOf(n)]));
    const table = assignPartitions({ nodes, numPartitions: 256, replicationFactor: 3, zones });
    const next = [...nodes, NodeId(7), NodeId(8), NodeId(9)];
    const { table: after } = rebalance(table, {
      nodes: next,
      zones: new Map(next.map((n) => [n, zoneOf(n)])),
    });
    expect(
      violation(after, next, 256, 3, new Map(next.map((n) => [n, zoneOf(n)]))),
    ).toBeUndefined();
  });

  it('places every slot when zones of unequal sizes cannot meet the zone limit (RF = nodes)', () => {
    // 4 nodes in one zone, 1 in the other, RF 5: every node holds every partition, so at most
    // ⌈5/2⌉ = 3 holders per zone cannot hold; balance and distinct holders still must.
    const zoneOf = (n: NodeId) => `zone-${Number(n) % 2}`;
    const zonesOf = (nodes: readonly NodeId[]) => new Map(nodes.map((n) => [n, zoneOf(n)]));
    const before = [10, 13, 16, 19, 22, 25].map(NodeId);
    const table = assignPartitions({
      nodes: before,
      numPartitions: 174,
      replicationFactor: 5,
      zones: zonesOf(before),
    });
    const after = [10, 16, 19, 22, 1000].map(NodeId);
    const next = rebalance(table, { nodes: after, zones: zonesOf(after), replicationFactor: 5 });
    expect(violation(next.table, after, 174, 5)).toBeUndefined();
  });

  it('keeps balance and distinct holders over join/leave sequences with zones of any sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 5 }),
        steps,
        (size, numZones, numPartitions, rf, sequence) => {
          const zoneOf = (n: NodeId) => `zone-${Number(n) % numZones}`;
          const zonesOf = (nodes: readonly NodeId[]) => new Map(nodes.map((n) => [n, zoneOf(n)]));
          let nodes = nodeIds(size, 10);
          let nextId = 1000;
          const replicationFactor = Math.min(rf, nodes.length);
          let table = assignPartitions({
            nodes,
            numPartitions,
            replicationFactor,
            zones: zonesOf(nodes),
          });
          for (const step of sequence) {
            const next = apply(nodes, step, () => NodeId(nextId++));
            table = rebalance(table, {
              nodes: next,
              replicationFactor,
              zones: zonesOf(next),
            }).table;
            expect(violation(table, next, numPartitions, replicationFactor)).toBeUndefined();
            nodes = next;
          }
        },
      ),
      { numRuns: 150, seed: 0x5a11_0009 },
    );
  });

  it('caps RF at the node count and refills replicas when nodes come back', () => {
    const nodes = nodeIds(3);
    const table = assignPartitions({ nodes, numPartitions: 30, replicationFactor: 3 });
    const shrunk = rebalance(table, { nodes: [NodeId(1), NodeId(2)] }).table;
    expect(shrunk.assignments.every((a) => a.replicas.length === 1)).toBe(true);
    const alone = rebalance(shrunk, { nodes: [NodeId(1)], replicationFactor: 3 }).table;
    expect(alone.assignments.every((a) => a.owner === NodeId(1) && a.replicas.length === 0)).toBe(
      true,
    );
    const back = rebalance(alone, { nodes: nodeIds(4), replicationFactor: 3 });
    expect(violation(back.table, nodeIds(4), 30, 3)).toBeUndefined();
    expect(back.plan.syncs.every((s) => s.from === NodeId(1))).toBe(true);
  });

  it('assigns partitions that the table lacks and reports lost data', () => {
    const table = new PartitionTable({
      version: 7n,
      numPartitions: 4,
      assignments: [{ partitionId: PartitionId(1), owner: NodeId(1), replicas: [] }],
    });
    const { table: after, plan } = rebalance(table, { nodes: [NodeId(1), NodeId(2)] });
    expect(after.version).toBe(8n);
    expect(after.numPartitions).toBe(4);
    expect(after.ownerOf(PartitionId(1))).toBe(NodeId(1));
    expect(violation(after, [NodeId(1), NodeId(2)], 4, 1)).toBeUndefined();
    const fresh = plan.ownerChanges.filter((c) => c.from === undefined);
    expect(fresh.map((c) => c.partitionId).sort()).toEqual([0, 2, 3]);
    expect(plan.syncs.filter((s) => s.from === undefined).length).toBe(3);
  });

  it('takes the count of a table without a declared count from its assignments, never its largest id', () => {
    const complete = new PartitionTable({
      version: 1n,
      assignments: [2, 0, 1].map((p) => ({
        partitionId: PartitionId(p),
        owner: NodeId(1),
        replicas: [],
      })),
    });
    const { table: after } = rebalance(complete, { nodes: [NodeId(1), NodeId(2)] });
    expect(after.numPartitions).toBe(3);
    expect(after.size).toBe(3);
    // A gap leaves the count unknown: the table must declare it. A lone partition 2^24 or
    // 2^32−1 is rejected at once, without sizing anything by it.
    for (const id of [2, 2 ** 24, 2 ** 32 - 1]) {
      const gap = new PartitionTable({
        version: 1n,
        assignments: [{ partitionId: PartitionId(id), owner: NodeId(1), replicas: [] }],
      });
      expect(() => rebalance(gap, { nodes: [NodeId(1)] })).toThrow(/declare numPartitions/);
      expectCode(() => rebalance(gap, { nodes: [NodeId(1)] }), 'InvalidArgument');
    }
  });

  it('rejects a declared count above 2^24 instead of allocating for it', () => {
    const table = new PartitionTable({ version: 1n, assignments: [], numPartitions: 2 ** 32 - 1 });
    expect(() => rebalance(table, { nodes: [NodeId(1)] })).toThrow(/2\^24/);
    expectCode(() => rebalance(table, { nodes: [NodeId(1)] }), 'InvalidArgument');
  });

  it('rejects an empty node set and a bad RF; the version after 2^64−1 is 0, which is newer', () => {
    const table = assignPartitions({ nodes: nodeIds(2), numPartitions: 4, replicationFactor: 1 });
    expect(() => rebalance(table, { nodes: [] })).toThrow(/no nodes/);
    expect(() => rebalance(table, { nodes: nodeIds(2), replicationFactor: 0 })).toThrow(TalaError);
    const last = assignPartitions({
      nodes: nodeIds(2),
      numPartitions: 4,
      replicationFactor: 1,
      version: 0xffff_ffff_ffff_ffffn,
    });
    const { table: next } = rebalance(last, { nodes: nodeIds(2) });
    expect(next.version).toBe(0n);
    expect(isNewerTableVersion(next.version, last.version)).toBe(true);
  });
});

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TalaError);
    expect((error as TalaError).code).toBe(code);
    return;
  }
  expect.unreachable('expected a TalaError');
}
