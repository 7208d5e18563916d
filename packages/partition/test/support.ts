import { NodeId, type PartitionId } from '@tala-net/types';
import type { PartitionTable } from '../src/index.js';

export { exactLeaveBound } from '../../../testing/partition-bounds.js';

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
    const crowded = zones === undefined ? undefined : zoneViolation(holders, nodes, rf, zones);
    if (crowded !== undefined) return `partition ${p}: ${crowded}`;
  }
  const { owned, replicated } = loads(table);
  if (spread(owned, nodes) > 1) return `owners unbalanced: ${[...owned.values()]}`;
  if (spread(replicated, nodes) > 1) return `replicas unbalanced: ${[...replicated.values()]}`;
  return undefined;
}

/** More than ⌈RF/zones⌉ of `holders` in one zone: a description, else `undefined`. */
function zoneViolation(
  holders: ReadonlySet<NodeId>,
  nodes: readonly NodeId[],
  rf: number,
  zones: ReadonlyMap<NodeId, string>,
): string | undefined {
  const numZones = new Set(nodes.map((n) => zones.get(n))).size;
  const cap = Math.ceil(rf / numZones);
  const use = new Map<string | undefined, number>();
  for (const h of holders) use.set(zones.get(h), (use.get(zones.get(h)) ?? 0) + 1);
  return Math.max(...use.values()) > cap ? `zones ${[...use.entries()]}` : undefined;
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
 * The fewest owner slots any balanced table over `nodes` can move from `before` when every
 * partition whose owner is gone must be taken over by one of its surviving replicas (when it
 * has one). Computed independently of the placement engine, with a max-flow:
 *
 * - partitions whose owner is gone move (1 each), and each live node's excess over its quota
 *   moves (the ⌈P/N⌉ quotas to the nodes that own the most);
 * - orphans with a surviving replica need a replica with room: room is the node's quota minus
 *   what it keeps, plus at most one of the ⌈P/N⌉ quotas left over ("flex", shared). An orphan
 *   that finds no such replica costs one more move (the promoted replica gives one away).
 */
export function minimumOwnerMoves(
  before: PartitionTable,
  nodes: readonly NodeId[],
  numPartitions: number,
): number {
  const N = nodes.length;
  const index = new Map(nodes.map((n, i) => [n, i] as const));
  const owned = new Array<number>(N).fill(0);
  const orphans: number[][] = [];
  let orphanCount = 0;
  for (let p = 0; p < numPartitions; p++) {
    const a = before.assignmentOf(p as PartitionId);
    const o = a === undefined ? undefined : index.get(a.owner);
    if (o !== undefined) {
      owned[o]!++;
      continue;
    }
    orphanCount++;
    const live = (a?.replicas ?? []).map((r) => index.get(r)).filter((i) => i !== undefined);
    if (live.length > 0) orphans.push(live);
  }
  const base = Math.floor(numPartitions / N);
  let flex = numPartitions - base * N;
  const quota = new Array<number>(N).fill(base);
  const byOwned = [...Array(N).keys()].sort((x, y) => owned[y]! - owned[x]!);
  for (const n of byOwned) {
    if (flex === 0 || owned[n]! <= base) break;
    quota[n] = base + 1;
    flex--;
  }
  let surplus = 0;
  for (let n = 0; n < N; n++) surplus += Math.max(0, owned[n]! - quota[n]!);
  // Flow graph: source → orphan (1) → replica node (1) → sink (room) and → hub (1) → sink (flex).
  const source = 0;
  const firstOrphan = 1;
  const firstNode = firstOrphan + orphans.length;
  const hub = firstNode + N;
  const sink = hub + 1;
  const graph = new FlowGraph(sink + 1);
  orphans.forEach((replicas, i) => {
    graph.add(source, firstOrphan + i, 1);
    for (const m of replicas) graph.add(firstOrphan + i, firstNode + m, 1);
  });
  for (let n = 0; n < N; n++) {
    graph.add(firstNode + n, sink, Math.max(0, quota[n]! - owned[n]!));
    if (owned[n]! <= base && quota[n] === base) graph.add(firstNode + n, hub, 1);
  }
  graph.add(hub, sink, flex);
  const promoted = graph.maxFlow(source, sink);
  return orphanCount + surplus + (orphans.length - promoted);
}

/** A small max-flow (Edmonds–Karp) for the lower bounds above. */
class FlowGraph {
  private readonly to: number[] = [];
  private readonly capacity: number[] = [];
  private readonly adjacency: number[][];

  constructor(size: number) {
    this.adjacency = Array.from({ length: size }, () => []);
  }

  add(from: number, to: number, capacity: number): void {
    this.adjacency[from]!.push(this.to.length);
    this.to.push(to);
    this.capacity.push(capacity);
    this.adjacency[to]!.push(this.to.length);
    this.to.push(from);
    this.capacity.push(0);
  }

  maxFlow(source: number, sink: number): number {
    let flow = 0;
    for (;;) {
      const via = new Array<number>(this.adjacency.length).fill(-1);
      const queue = [source];
      via[source] = -2;
      for (let head = 0; head < queue.length && via[sink] === -1; head++) {
        const u = queue[head]!;
        for (const e of this.adjacency[u]!) {
          const v = this.to[e]!;
          if (via[v] === -1 && this.capacity[e]! > 0) {
            via[v] = e;
            queue.push(v);
          }
        }
      }
      if (via[sink] === -1) return flow;
      for (let v = sink; v !== source; v = this.to[via[v]! ^ 1]!) {
        this.capacity[via[v]!]!--;
        this.capacity[via[v]! ^ 1]!++;
      }
      flow++;
    }
  }
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
