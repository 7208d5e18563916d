import { type LinkOptions, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { NodeId, seededRandom } from '@tala-net/types';
import { type MemberUpdate, type SwimConfig, SwimNode, swimConfig } from '../../src/index.js';

/** One membership event seen by one node, with the virtual time it happened. */
export interface LoggedEvent {
  readonly time: number;
  readonly observer: NodeId;
  readonly type: string;
  readonly node: NodeId;
  readonly incarnation: bigint;
}

/** Options of {@link swimCluster}. */
export interface SwimClusterOptions {
  readonly n: number;
  readonly seed: number;
  readonly config?: SwimConfig;
  readonly link?: LinkOptions;
  /** `static`: every node knows every other from the start; `seeds`: all join through node 1. */
  readonly bootstrap?: 'static' | 'seeds';
}

/** A simulated SWIM cluster: a SimulatedNetwork with one SwimNode per node. */
export class SwimCluster {
  readonly sim: SimulatedNetwork;
  readonly ids: NodeId[];
  readonly nodes = new Map<NodeId, SwimNode>();
  readonly events: LoggedEvent[] = [];
  readonly config: SwimConfig;
  readonly #seed: number;
  #restarts = 0;

  constructor(options: SwimClusterOptions) {
    this.config = options.config ?? swimConfig('lan');
    this.#seed = options.seed;
    this.sim = new SimulatedNetwork({
      seed: options.seed,
      ...(options.link === undefined ? {} : { link: options.link }),
    });
    this.ids = Array.from({ length: options.n }, (_, i) => NodeId(i + 1));
    const members: MemberUpdate[] = this.ids.map((node) => ({
      node,
      state: 'Alive',
      incarnation: 0n,
      address: new Uint8Array(),
    }));
    for (const id of this.ids) this.sim.addNode(id);
    for (const id of this.ids) {
      const node =
        options.bootstrap === 'seeds'
          ? this.#create(id, { seeds: [this.ids[0]!] })
          : this.#create(id, { members });
      node.start();
    }
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

  /** Runs until {@link SwimCluster.converged} (checked every `step` ms) or `limit` ms pass. */
  runUntilConverged(limit: number, step = 100): number | undefined {
    const start = this.sim.now();
    while (this.sim.now() - start <= limit) {
      if (this.converged()) return this.sim.now() - start;
      this.sim.runFor(step);
    }
    return undefined;
  }

  /** Events of one type about `node`, in time order. */
  eventsAbout(type: string, node: NodeId): LoggedEvent[] {
    return this.events.filter((e) => e.type === type && e.node === node);
  }

  #create(id: NodeId, extra: { seeds?: NodeId[]; members?: MemberUpdate[] }): SwimNode {
    const node = new SwimNode({
      transport: this.sim.transport(id),
      clock: this.sim.clockFor(id),
      random: seededRandom(this.#seed * 100_003 + Number(id) * 7 + this.#restarts * 1_000_003),
      config: this.config,
      ...extra,
    });
    for (const type of ['joined', 'suspected', 'alive', 'dead', 'left', 'updated'] as const) {
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
    this.nodes.set(id, node);
    return node;
  }
}
