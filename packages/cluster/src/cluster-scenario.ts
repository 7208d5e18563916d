import { type Clock, NodeId, seededRandom, TalaError, type Transport } from '@tala-net/types';
import { ClusterNode } from './cluster-node.js';
import type { ClusterNodeOptions } from './cluster-node-options.js';
import { intentKey } from './partition-state.js';

/**
 * What a {@link ClusterScenario} needs of a simulated network: the shape of
 * `@tala-net/transport-inprocess`'s `SimulatedNetwork` (create it with the codec as its `wire`,
 * so that every message crosses the network as bytes).
 */
export interface ScenarioNetwork {
  /** Adds node `id` and returns its transport. */
  addNode(id: NodeId): Transport;
  /** Restarts node `id` with a fresh transport (crashing it first if it is up). */
  restart(id: NodeId): Transport;
  /** Crashes node `id`: it sends and receives nothing more. */
  crash(id: NodeId): void;
  /** `true` while node `id` is up. */
  isUp(id: NodeId): boolean;
  /** Every node ever added. */
  nodeIds(): NodeId[];
  /** The virtual clock of node `id`. */
  clockFor(id: NodeId): Clock;
  /** Virtual time, in milliseconds. */
  now(): number;
  /** Runs the network until virtual time `time`. */
  runUntil(time: number): number;
}

/** Options of every node of a scenario (the scenario supplies transport, clock, randomness and seeds). */
export type ScenarioNodeOptions = Omit<
  ClusterNodeOptions,
  'transport' | 'clock' | 'random' | 'seeds'
>;

/** Options of {@link ClusterScenario.start}. */
export interface ClusterScenarioOptions {
  /** The simulated network the nodes run on. */
  readonly network: ScenarioNetwork;
  /** Nodes to start, with ids 1 … `nodes` (node 1 first; the others join through it). */
  readonly nodes: number;
  /**
   * Seed of the nodes' randomness (each start of a node gets its own stream from it).
   * @default 1
   */
  readonly seed?: number;
  /** Options of every node. */
  readonly node?: ScenarioNodeOptions;
  /** Options of one node (by id), over `node`. */
  readonly nodeOptions?: (id: NodeId) => ScenarioNodeOptions;
}

/**
 * A cluster of `ClusterNode`s on a simulated network with virtual time, for tests of what a
 * cluster does under faults: start, crash and restart nodes, run time forward, submit intents
 * and count every delivery (over every node and incarnation). With
 * {@link clusterInvariantViolations} it checks TALA's invariants once faults stop.
 *
 * @example
 * ```ts
 * const network = new SimulatedNetwork({ seed: 3, wire: { encode, decode } });
 * const scenario = await ClusterScenario.start({ network, nodes: 3, node: { partitions: 8 } });
 * await scenario.run(3_000);
 * const receipt = await scenario.until(scenario.live()[0]!.submitIntent(intentIdOf(1), payload));
 * ```
 */
export class ClusterScenario {
  /** The simulated network. */
  readonly network: ScenarioNetwork;
  /** The current node of each id (replaced on restart; a crashed node is removed). */
  readonly nodes = new Map<NodeId, ClusterNode>();
  /** Deliveries (`intent` events) per intent id in hex, over every node and incarnation. */
  readonly deliveries = new Map<string, number>();
  readonly #options: ClusterScenarioOptions;
  #starts = 0;

  private constructor(options: ClusterScenarioOptions) {
    this.network = options.network;
    this.#options = options;
  }

  /** Starts nodes 1 … `options.nodes` in order, each once the one before it runs. */
  static async start(options: ClusterScenarioOptions): Promise<ClusterScenario> {
    const scenario = new ClusterScenario(options);
    for (let i = 1; i <= options.nodes; i++) await scenario.startNode(NodeId(i));
    return scenario;
  }

  /** Advances virtual time by `ms`, letting promise continuations run every `step` ms. */
  async run(ms: number, step = 5): Promise<void> {
    const network = this.network;
    const end = network.now() + ms;
    while (network.now() < end) {
      network.runUntil(Math.min(end, network.now() + step));
      await settle();
    }
  }

  /**
   * Starts (or restarts, after a crash) node `id`: node 1 has no seeds, the others join
   * through node 1. Short table timings (`tableDebounceMs` 50, `tablePullIntervalMs` 500) and
   * SWIM's `local` timing unless the options say otherwise.
   */
  async startNode(id: NodeId): Promise<ClusterNode> {
    const network = this.network;
    const options = this.#options;
    const transport =
      network.isUp(id) || !network.nodeIds().includes(id)
        ? network.addNode(id)
        : network.restart(id);
    const first = NodeId(1);
    const node = await ClusterNode.start({
      swim: 'local',
      tableDebounceMs: 50,
      tablePullIntervalMs: 500,
      ...options.node,
      ...options.nodeOptions?.(id),
      transport,
      clock: network.clockFor(id),
      random: seededRandom((options.seed ?? 1) * 1000 + this.#starts++),
      seeds: id === first ? [] : [`sim:${first}`],
    });
    node.addEventListener('intent', (event) => {
      const key = intentKey(event.id);
      this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
    });
    this.nodes.set(id, node);
    return node;
  }

  /** Crashes node `id`, as a killed process: no leave, its node object is dropped. */
  crash(id: NodeId): void {
    this.network.crash(id);
    this.nodes.delete(id);
  }

  /** The nodes that are up. */
  live(): ClusterNode[] {
    return [...this.nodes.values()].filter((node) => this.network.isUp(node.id));
  }

  /**
   * Runs virtual time until `promise` settles (at most `maxMs`, 60 s by default) and returns
   * its outcome; throws a `TalaError` (`RequestTimedOut`) when it is still pending then.
   */
  async until<T>(promise: Promise<T>, maxMs = 60_000): Promise<T> {
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
    for (let spent = 0; spent < maxMs && !done; spent += 50) await this.run(50);
    if (!done) {
      throw new TalaError(
        'RequestTimedOut',
        `ClusterScenario.until: still pending after ${maxMs} ms of virtual time`,
      );
    }
    return settled;
  }

  /** Stops every node gracefully, running virtual time meanwhile (at most 10 s). */
  async stopAll(): Promise<void> {
    await this.until(Promise.all([...this.nodes.values()].map((node) => node.stop())), 10_000);
  }
}

/** `true` when every one of `nodes` routes by the same table (same epoch and coordinator). */
export function tablesAgree(nodes: readonly ClusterNode[]): boolean {
  const first = nodes[0]?.table;
  return (
    first !== undefined &&
    nodes.every((n) => n.table?.epoch === first.epoch && n.table.coordinator === first.coordinator)
  );
}

/** A deterministic, well-spread 16-byte intent id for `n` (and `salt`). */
export function intentIdOf(n: number, salt = 0): Uint8Array {
  const id = new Uint8Array(16);
  const view = new DataView(id.buffer);
  view.setUint32(0, n);
  view.setUint32(4, salt);
  view.setUint32(8, Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) >>> 0);
  view.setUint32(12, Math.imul(n + salt, 0xc2b2ae35) >>> 0);
  return id;
}

/** Lets every queued promise continuation run (no virtual time passes). */
function settle(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
