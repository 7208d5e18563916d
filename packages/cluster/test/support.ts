import { decode, encode } from '@tala-net/codec';
import { type LinkOptions, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { NodeId, seededRandom } from '@tala-net/types';
import { ClusterNode, type ClusterNodeOptions } from '../src/index.js';

/** Lets every queued promise continuation run (no virtual time passes). */
export function settle(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Options of {@link simulatedCluster}. */
export interface SimulatedClusterOptions {
  readonly seed?: number;
  readonly link?: LinkOptions;
  readonly node?: Omit<ClusterNodeOptions, 'transport' | 'clock' | 'random' | 'seeds'>;
  /** Options of one node (by id), over `node`. */
  readonly nodeOptions?: (
    id: NodeId,
  ) => Omit<ClusterNodeOptions, 'transport' | 'clock' | 'random' | 'seeds'>;
}

/** Cluster nodes in a `SimulatedNetwork`, with virtual time. */
export interface SimCluster {
  readonly sim: SimulatedNetwork;
  /** The current node of each id (replaced on restart). */
  readonly nodes: Map<NodeId, ClusterNode>;
  /** Intent deliveries per intent key (hex), over every node and incarnation. */
  readonly deliveries: Map<string, number>;
  /** Advances virtual time by `ms`, letting promise continuations run every `step` ms. */
  run(ms: number, step?: number): Promise<void>;
  /** Starts node `id` (first node: no seeds; others join through node 1's address). */
  start(id: NodeId): Promise<ClusterNode>;
  /** Crashes node `id` (no leave). */
  crash(id: NodeId): void;
  /** Nodes that are up. */
  live(): ClusterNode[];
  /**
   * Runs virtual time until `promise` settles (at most `maxMs`) and returns its outcome;
   * throws when it is still pending then.
   */
  until<T>(promise: Promise<T>, maxMs?: number): Promise<T>;
  /** Stops every node gracefully (running virtual time meanwhile). */
  stopAll(): Promise<void>;
}

/** Starts `count` nodes (ids 1 … count) in a simulated network. */
export async function simulatedCluster(
  count: number,
  options: SimulatedClusterOptions = {},
): Promise<SimCluster> {
  const seed = options.seed ?? 1;
  const sim = new SimulatedNetwork({
    seed,
    link: options.link ?? { latency: { kind: 'fixed', ms: 2 } },
    wire: { encode, decode },
  });
  const nodes = new Map<NodeId, ClusterNode>();
  const deliveries = new Map<string, number>();
  let starts = 0;
  const cluster: SimCluster = {
    sim,
    nodes,
    deliveries,
    async run(ms, step = 5) {
      const end = sim.now() + ms;
      while (sim.now() < end) {
        sim.runUntil(Math.min(end, sim.now() + step));
        await settle();
      }
    },
    async start(id) {
      const transport =
        sim.isUp(id) || !sim.nodeIds().includes(id) ? sim.addNode(id) : sim.restart(id);
      const first = NodeId(1);
      const node = await ClusterNode.start({
        swim: 'local',
        tableDebounceMs: 50,
        tablePullIntervalMs: 500,
        ...options.node,
        ...options.nodeOptions?.(id),
        transport,
        clock: sim.clockFor(id),
        random: seededRandom(seed * 1000 + starts++),
        seeds: id === first ? [] : [`sim:${first}`],
      });
      node.addEventListener('intent', (event) => {
        const key = Buffer.from(event.id).toString('hex');
        deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
      });
      nodes.set(id, node);
      return node;
    },
    crash(id) {
      // A crashed process does nothing more: its node is dropped, not stopped.
      sim.crash(id);
      nodes.delete(id);
    },
    live() {
      return [...nodes.values()].filter((node) => sim.isUp(node.id));
    },
    async until(promise, maxMs = 60_000) {
      let done = false;
      const settled = promise.then(
        (value) => {
          done = true;
          return value;
        },
        (error: unknown) => {
          done = true;
          throw error;
        },
      );
      settled.catch(() => undefined);
      for (let spent = 0; spent < maxMs && !done; spent += 50) await cluster.run(50);
      if (!done) throw new Error(`still pending after ${maxMs} ms of virtual time`);
      return settled;
    },
    async stopAll() {
      await cluster.until(Promise.all([...nodes.values()].map((node) => node.stop())), 10_000);
    },
  };
  for (let i = 1; i <= count; i++) await cluster.start(NodeId(i));
  return cluster;
}

/** A deterministic 16-byte intent id for `n` (and `salt`). */
export function intentId(n: number, salt = 0): Uint8Array {
  const id = new Uint8Array(16);
  const view = new DataView(id.buffer);
  view.setUint32(0, n);
  view.setUint32(4, salt);
  view.setUint32(8, Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) >>> 0);
  view.setUint32(12, Math.imul(n + salt, 0xc2b2ae35) >>> 0);
  return id;
}

/** `true` when every live node routes by the same table (same epoch and coordinator). */
export function tablesAgree(nodes: readonly ClusterNode[]): boolean {
  const first = nodes[0]?.table;
  return (
    first !== undefined &&
    nodes.every((n) => n.table?.epoch === first.epoch && n.table.coordinator === first.coordinator)
  );
}
