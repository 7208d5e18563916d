import { NodeId, type PartitionId } from '@tala-net/types';
import type { PartitionTable } from '../src/index.js';

/** `count` node ids from `first` on. */
export function nodeIds(count: number, first = 1): NodeId[] {
  return Array.from({ length: count }, (_, i) => NodeId(first + i));
}

/** max − min of the values of `counts` over `nodes` (absent nodes count 0). */
export function spread(counts: ReadonlyMap<NodeId, number>, nodes: readonly NodeId[]): number {
  const values = nodes.map((n) => counts.get(n) ?? 0);
  return Math.max(...values) - Math.min(...values);
}

/** Owned and replicated counts per node. */
export function loads(table: PartitionTable): {
  owned: Map<NodeId, number>;
  replicated: Map<NodeId, number>;
} {
  const owned = new Map<NodeId, number>();
  const replicated = new Map<NodeId, number>();
  for (const a of table.assignments) {
    owned.set(a.owner, (owned.get(a.owner) ?? 0) + 1);
    for (const r of a.replicas) replicated.set(r, (replicated.get(r) ?? 0) + 1);
  }
  return { owned, replicated };
}

/**
 * Checks every invariant of a balanced table and returns a description of the first violation,
 * or `undefined`. `zones`, when given, must be satisfiable: at most ⌈RF/zones⌉ holders of a
 * partition share a zone.
 */
export function violation(
  table: PartitionTable,
  nodes: readonly NodeId[],
  numPartitions: number,
  replicationFactor: number,
  zones?: ReadonlyMap<NodeId, string>,
): string | undefined {
  const rf = Math.min(replicationFactor, nodes.length);
  const live = new Set(nodes);
  if (table.assignments.length !== numPartitions) {
    return `expected ${numPartitions} partitions, found ${table.assignments.length}`;
  }
  if (table.numPartitions !== numPartitions) return `numPartitions ${table.numPartitions}`;
  const seen = new Set<number>();
  for (const a of table.assignments) {
    const p = a.partitionId;
    if (p >= numPartitions || seen.has(p)) return `partition ${p} out of range or repeated`;
    seen.add(p);
    if (!live.has(a.owner)) return `partition ${p}: owner ${a.owner} is not a node`;
    if (a.replicas.length !== rf - 1) return `partition ${p}: ${a.replicas.length} replicas`;
    const holders = new Set([a.owner, ...a.replicas]);
    if (holders.size !== rf) return `partition ${p}: holders not distinct`;
    for (const r of a.replicas) if (!live.has(r)) return `partition ${p}: replica ${r} not a node`;
    if (zones !== undefined) {
      const numZones = new Set(nodes.map((n) => zones.get(n))).size;
      const cap = Math.ceil(rf / numZones);
      const use = new Map<string | undefined, number>();
      for (const h of holders) use.set(zones.get(h), (use.get(zones.get(h)) ?? 0) + 1);
      if (Math.max(...use.values()) > cap) return `partition ${p}: zones ${[...use.entries()]}`;
    }
  }
  const { owned, replicated } = loads(table);
  if (spread(owned, nodes) > 1) return `owners unbalanced: ${[...owned.values()]}`;
  if (spread(replicated, nodes) > 1) return `replicas unbalanced: ${[...replicated.values()]}`;
  return undefined;
}

/** Owner slots and replica slots that differ between two tables, and data copies needed. */
export function movement(
  before: PartitionTable,
  after: PartitionTable,
): { owners: number; replicas: number; syncs: number } {
  let owners = 0;
  let replicas = 0;
  let syncs = 0;
  for (const a of after.assignments) {
    const b = before.assignmentOf(a.partitionId);
    if (b?.owner !== a.owner) owners++;
    for (const r of a.replicas) if (!b?.replicas.includes(r)) replicas++;
    for (const h of [a.owner, ...a.replicas]) {
      if (b === undefined || (b.owner !== h && !b.replicas.includes(h))) syncs++;
    }
  }
  return { owners, replicas, syncs };
}

/**
 * The fewest owner slots any balanced table over `nodes` must move from `before`: partitions
 * whose owner is gone, plus each node's excess over its quota, with the ⌈P/N⌉ quotas given to
 * the nodes that own the most.
 */
export function minimumOwnerMoves(
  before: PartitionTable,
  nodes: readonly NodeId[],
  numPartitions: number,
): number {
  const { owned } = loads(before);
  const counts = nodes.map((n) => owned.get(n) ?? 0).sort((x, y) => y - x);
  const base = Math.floor(numPartitions / nodes.length);
  const extra = numPartitions % nodes.length;
  let kept = 0;
  counts.forEach((c, i) => {
    kept += Math.min(c, base + (i < extra ? 1 : 0));
  });
  return numPartitions - kept;
}

/**
 * The fewest replica slots any balanced table with the owners of `after` must move from
 * `before`: replica slots still valid (live node, not the new owner) are kept up to the
 * node's quota, with the ⌈⌉ quotas given to the nodes that keep the most.
 */
export function minimumReplicaMoves(
  before: PartitionTable,
  after: PartitionTable,
  nodes: readonly NodeId[],
  replicationFactor: number,
): number {
  const k = Math.min(replicationFactor, nodes.length) - 1;
  const live = new Set(nodes);
  const valid = new Map<NodeId, number>();
  for (const a of after.assignments) {
    const b = before.assignmentOf(a.partitionId as PartitionId);
    let perPartition = 0;
    for (const r of b?.replicas ?? []) {
      if (!live.has(r) || r === a.owner || perPartition === k) continue;
      perPartition++;
      valid.set(r, (valid.get(r) ?? 0) + 1);
    }
  }
  const total = after.assignments.length * k;
  const counts = nodes.map((n) => valid.get(n) ?? 0).sort((x, y) => y - x);
  const base = Math.floor(total / nodes.length);
  const extra = total % nodes.length;
  let kept = 0;
  counts.forEach((c, i) => {
    kept += Math.min(c, base + (i < extra ? 1 : 0));
  });
  return total - kept;
}
