import { type Clock, NodeId, seededRandom, type Transport } from '@tala-net/types';
import { type SwimConfig, swimConfig } from './swim-config.js';
import type { MemberUpdate } from './swim-messages.js';
import { SwimNode, type SwimNodeOptions } from './swim-node.js';

/** The address every node of the harness gossips: none. */
const NO_ADDRESS = new Uint8Array(0);

/**
 * The simulated network a {@link SwimCluster} runs on: what it needs of
 * `@tala-net/transport-inprocess`'s `SimulatedNetwork` (which fits as it is). Taken as a
 * parameter so that membership does not depend on a package of its own layer.
 */
export interface ClusterNetwork {
  /** Virtual time, in ms. */
  now(): number;
  /** Adds a node and returns its transport. */
  addNode(id: NodeId): Transport;
  /** The transport of node `id`. */
  transport(id: NodeId): Transport;
  /** The clock node `id` sees. */
  clockFor(id: NodeId): Clock;
  /** Crashes node `id`: it neither sends nor receives until restarted. */
  crash(id: NodeId): void;
  /** Restarts a crashed node with a fresh transport. */
  restart(id: NodeId): Transport;
  /** `false` while node `id` is crashed. */
  isUp(id: NodeId): boolean;
  /** Runs the simulation `ms` milliseconds of virtual time on. */
  runFor(ms: number): number;
}

/** One membership event seen by one node, with the virtual time it happened. */
export interface LoggedEvent {
  /** Virtual time of the event, in milliseconds. */
  readonly time: number;
  /** The node whose engine reported the event. */
  readonly observer: NodeId;
  /** The kind of change (a `MembershipEventType`). */
  readonly type: string;
  /** The member the event is about. */
  readonly node: NodeId;
  /** The member's incarnation after the change. */
  readonly incarnation: bigint;
}

/** The busiest receiver of a run (see {@link SwimCluster.runMeasuringLoad}). */
export interface ClusterLoad {
  /** The most messages one node received in one window. */
  readonly maxReceived: number;
  /** The node that received them. */
  readonly node: NodeId | undefined;
  /** Virtual time at which that window began. */
  readonly windowStart: number;
}

/** Options of a {@link SwimCluster}. */
export interface SwimClusterOptions<N extends ClusterNetwork> {
  /** The network to run on, with no nodes yet (e.g. `new SimulatedNetwork({ seed })`). */
  readonly network: N;
  /** Number of nodes, with ids 1…n. */
  readonly n: number;
  /** Seed of every node's randomness. */
  readonly seed: number;
  /**
   * Protocol tuning of every node.
   * @default swimConfig('lan')
   */
  readonly config?: SwimConfig;
  /**
   * `static`: every node knows every other from the start; `seeds`: all join through node 1
   * at the same time.
   * @default 'static'
   */
  readonly bootstrap?: 'static' | 'seeds';
  /**
   * Record every membership event in {@link SwimCluster.events} (costs time in large runs).
   * @default true
   */
  readonly log?: boolean;
  /**
   * Creates each node (e.g. to run another build of `SwimNode` on the same scenario).
   * @default options => new SwimNode(options)
   */
  readonly createNode?: (options: SwimNodeOptions) => SwimNode;
}

const EVENT_TYPES = ['joined', 'suspected', 'alive', 'dead', 'left', 'updated'] as const;

/**
 * A simulated SWIM cluster for tests and benchmarks: one {@link SwimNode} per node of a
 * simulated network, with seeded randomness, an event log, and the checks simulations ask
 * (converged, quiet, busiest receiver).
 *
 * @example
 * ```ts
 * const cluster = new SwimCluster({ network: new SimulatedNetwork({ seed: 1 }), n: 20, seed: 1 });
 * cluster.crash(NodeId(3));
 * cluster.sim.runFor(60_000);
 * cluster.converged(); // true: the 19 others see each other Alive and node 3 not
 * ```
 */
export class SwimCluster<N extends ClusterNetwork = ClusterNetwork> {
  /** The network the nodes run on. */
  readonly sim: N;
  /** Every node id, crashed ones included, in creation order. */
  readonly ids: NodeId[];
  /** The current node of each id (the latest after a restart). */
  readonly nodes = new Map<NodeId, SwimNode>();
  /** Every membership event, in order (empty with `log: false`). */
  readonly events: LoggedEvent[] = [];
  /** The configuration of every node. */
  readonly config: SwimConfig;
  readonly #seed: number;
  readonly #log: boolean;
  readonly #createNode: (options: SwimNodeOptions) => SwimNode;
  #restarts = 0;

  constructor(options: SwimClusterOptions<N>) {
    this.sim = options.network;
    this.config = options.config ?? swimConfig('lan');
    this.#seed = options.seed;
    this.#log = options.log ?? true;
    this.#createNode = options.createNode ?? ((nodeOptions) => new SwimNode(nodeOptions));
    this.ids = Array.from({ length: options.n }, (_, i) => NodeId(i + 1));
    for (const id of this.ids) this.sim.addNode(id);
    // Nodes of the harness gossip no address (the simulator routes by id), so the static
    // bootstrap lists each node with an empty one, as its node gossips it. Joining by address
    // and feeding address books are tested on their own.
    const members: MemberUpdate[] = this.ids.map((node) => ({
      node,
      state: 'Alive',
      incarnation: 0n,
      address: NO_ADDRESS,
    }));
    const seeds = options.bootstrap === 'seeds' ? { seeds: [this.ids[0]!] } : { members };
    for (const id of this.ids) this.#create(id, seeds).start();
  }

  /** Crashes node `id` (silently: no leave). */
  crash(id: NodeId): void {
    this.nodes.get(id)?.stop();
    this.sim.crash(id);
  }

  /** Restarts node `id` with a fresh engine at incarnation 0 that joins through `seeds`. */
  restart(id: NodeId, seeds: NodeId[]): SwimNode {
    this.nodes.get(id)?.stop();
    this.sim.restart(id);
    this.#restarts++;
    const node = this.#create(id, { seeds });
    node.start();
    return node;
  }

  /** Adds a new node `id` that joins through `seeds`. */
  join(id: NodeId, seeds: NodeId[]): SwimNode {
    this.sim.addNode(id);
    this.ids.push(id);
    const node = this.#create(id, { seeds });
    node.start();
    return node;
  }

  /** Running nodes. */
  live(): SwimNode[] {
    return this.ids.filter((id) => this.sim.isUp(id)).map((id) => this.nodes.get(id)!);
  }

  /**
   * `true` when every running node sees exactly the running nodes as Alive and every other
   * known node as not Alive.
   */
  converged(): boolean {
    const up = new Set(this.ids.filter((id) => this.sim.isUp(id)));
    for (const node of this.live()) {
      const alive = node.list.aliveMembers();
      if (alive.length !== up.size) return false;
      for (const id of alive) if (!up.has(id)) return false;
    }
    return true;
  }

  /** `true` when no running node has an update left to piggyback. */
  quiet(): boolean {
    return this.live().every((node) => node.engine.queuedUpdates === 0);
  }

  /**
   * Runs until `done` holds (checked every `step` ms) or `limit` ms pass; returns the time it
   * took, or `undefined` at the limit.
   */
  runUntil(done: () => boolean, limit: number, step = 100): number | undefined {
    const start = this.sim.now();
    while (this.sim.now() - start <= limit) {
      if (done()) return this.sim.now() - start;
      this.sim.runFor(step);
    }
    return undefined;
  }

  /** Runs until {@link SwimCluster.converged} (checked every `step` ms) or `limit` ms pass. */
  runUntilConverged(limit: number, step = 100): number | undefined {
    return this.runUntil(() => this.converged(), limit, step);
  }

  /**
   * Runs `ms` on in windows of `window` ms (e.g. one protocol period) and returns the most
   * messages any running node received in one window: the hottest node, not the average.
   */
  runMeasuringLoad(ms: number, window: number): ClusterLoad {
    let load: ClusterLoad = { maxReceived: 0, node: undefined, windowStart: this.sim.now() };
    const received = new Map<NodeId, number>();
    for (const node of this.live()) received.set(node.id, node.stats.messagesReceived);
    const end = this.sim.now() + ms;
    while (this.sim.now() < end) {
      const windowStart = this.sim.now();
      this.sim.runFor(Math.min(window, end - windowStart));
      for (const node of this.live()) {
        const now = node.stats.messagesReceived;
        const inWindow = now - (received.get(node.id) ?? 0);
        received.set(node.id, now);
        if (inWindow > load.maxReceived)
          load = { maxReceived: inWindow, node: node.id, windowStart };
      }
    }
    return load;
  }

  /** Events of one type about `node`, in time order. */
  eventsAbout(type: string, node: NodeId): LoggedEvent[] {
    return this.events.filter((e) => e.type === type && e.node === node);
  }

  #create(id: NodeId, extra: { seeds?: NodeId[]; members?: MemberUpdate[] }): SwimNode {
    const node = this.#createNode({
      transport: this.sim.transport(id),
      clock: this.sim.clockFor(id),
      random: seededRandom(this.#seed * 100_003 + Number(id) * 7 + this.#restarts * 1_000_003),
      config: this.config,
      address: NO_ADDRESS,
      ...extra,
    });
    if (this.#log) this.#record(id, node);
    this.nodes.set(id, node);
    return node;
  }

  #record(id: NodeId, node: SwimNode): void {
    for (const type of EVENT_TYPES) {
      node.addEventListener(type, (event) => {
        this.events.push({
          time: this.sim.now(),
          observer: id,
          type,
          node: event.member.node,
          incarnation: event.member.incarnation,
        });
      });
    }
  }
}
