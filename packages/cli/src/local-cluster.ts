import { TalaError } from '@tala-net/types';
import { ChildNode } from './child-node.js';
import { freePort } from './free-port.js';
import { localNodeArguments } from './local-node-arguments.js';
import type { NodeLine } from './node-protocol.js';

/** Options of a {@link LocalCluster}. */
export interface LocalClusterOptions {
  /** Path of the `tala-net` command's script. */
  readonly cliPath: string;
  /** Number of nodes. */
  readonly nodes: number;
  /** Partitions of the cluster's table. */
  readonly partitions: number;
  /** Replicas of each partition, besides its owner. */
  readonly replicas: number;
  /** Cluster label of the nodes. */
  readonly label: string;
  /** How long a node may take to start. */
  readonly startTimeoutMs: number;
  /** Called with every line any node reports (`node` is its index). */
  readonly onLine?: (node: number, line: NodeLine, at: number) => void;
}

/** One node of a {@link LocalCluster}: where it listens and the process running it, if any. */
export interface LocalNode {
  /** Its index in the cluster, 0 … nodes − 1. */
  readonly index: number;
  /** Its node id (decimal): `index + 1`. */
  readonly id: string;
  /** Its TCP address on 127.0.0.1. */
  readonly listen: string;
  /** Its status endpoint's URL. */
  readonly statusUrl: string;
  /** The running process, or `undefined` while it is down. */
  process: ChildNode | undefined;
}

const HOST = '127.0.0.1';

/**
 * A cluster of `tala-net node` processes on 127.0.0.1, each with fixed ports chosen free when
 * the cluster is created, node 0 being every other node's seed. It can kill and restart a node
 * (same id, same ports), and always ends every process it started: {@link LocalCluster.stop}
 * after use, and {@link LocalCluster.killNow} from a `process.on('exit')` handler.
 */
export class LocalCluster {
  readonly #options: LocalClusterOptions;
  /** The nodes, by index. */
  readonly nodes: readonly LocalNode[];

  private constructor(options: LocalClusterOptions, nodes: LocalNode[]) {
    this.#options = options;
    this.nodes = nodes;
  }

  /** Chooses free ports for every node (starts nothing). */
  static async create(options: LocalClusterOptions): Promise<LocalCluster> {
    const nodes: LocalNode[] = [];
    const taken = new Set<number>();
    for (let index = 0; index < options.nodes; index++) {
      const [port, statusPort] = [await distinctPort(taken), await distinctPort(taken)];
      nodes.push({
        index,
        id: String(index + 1),
        listen: `${HOST}:${port}`,
        statusUrl: `http://${HOST}:${statusPort}`,
        process: undefined,
      });
    }
    return new LocalCluster(options, nodes);
  }

  /** Starts node `index` and resolves once it reported ready. */
  async start(index: number): Promise<void> {
    const node = this.#node(index);
    if (node.process?.running === true) return;
    const seed = this.nodes[0]!;
    const args = localNodeArguments({
      id: node.id,
      listen: node.listen,
      status: node.statusUrl.replace('http://', ''),
      label: this.#options.label,
      partitions: this.#options.partitions,
      replicas: this.#options.replicas,
      seeds: index === 0 ? [] : [seed.listen],
    });
    const child = new ChildNode({
      cliPath: this.#options.cliPath,
      args,
      onLine: (line, at) => this.#options.onLine?.(index, line, at),
    });
    node.process = child;
    await child.ready(this.#options.startTimeoutMs);
  }

  /** Kills node `index` with SIGKILL and resolves once its process has ended. */
  async kill(index: number): Promise<void> {
    await this.#node(index).process?.kill();
  }

  /** Asks every running node to leave (SIGTERM), SIGKILLs those still running after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.process?.stop(graceMs)));
  }

  /** SIGKILLs every running node at once, synchronously. */
  killNow(): void {
    for (const node of this.nodes) node.process?.killNow();
  }

  #node(index: number): LocalNode {
    const node = this.nodes[index];
    if (node === undefined)
      throw new TalaError(
        'InvalidArgument',
        `LocalCluster: expected a node index below ${this.nodes.length}, found ${index}`,
      );
    return node;
  }
}

async function distinctPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort(HOST);
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}
