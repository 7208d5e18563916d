import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterStatus } from '@tala-net/cluster';
import { localNodeArguments } from 'tala-net';

/**
 * The built `tala-net` command, as an operator runs it (a dependency of this package, so that
 * `pnpm bench` builds it first).
 */
const CLI_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'node_modules',
  'tala-net',
  'dist',
  'cli.js',
);
const HOST = '127.0.0.1';
/** Longest wait for a started process to answer on its status endpoint. */
const START_TIMEOUT_MS = 20_000;
/** Interval between two polls of a status endpoint while waiting for a process to start. */
const START_POLL_MS = 50;

/** How the cluster's processes are started. */
export interface NodeProcessesOptions {
  /** Number of node processes; node `i` has id `i + 1`. */
  readonly nodes: number;
  /** `--partitions` of every node. */
  readonly partitions: number;
  /** `--replicas` of every node. */
  readonly replicas: number;
  /** `--label` of every node. */
  readonly label: string;
}

/** One node of the cluster: fixed ports, and its process while it runs. */
export interface NodeProcess {
  /** Its node id (decimal). */
  readonly id: string;
  /** Its TCP address. */
  readonly listen: string;
  /** Its status endpoint (`http://host:port`). */
  readonly statusUrl: string;
  /** The running process, or `undefined` while it is down. */
  child: ChildProcess | undefined;
}

/** Every process started by any {@link NodeProcesses}, killed when this process exits. */
const everyChild = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills `child` with SIGKILL when this process exits or is interrupted, if it still runs. */
export function killOnExit(child: ChildProcess): void {
  installExitHook();
  everyChild.add(child);
  child.once('exit', () => everyChild.delete(child));
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of everyChild) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of everyChild) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/**
 * `tala-net node` processes on 127.0.0.1 (the built CLI, without `--ndjson`, as an operator
 * runs it), each with a status endpoint and the `local` SWIM timing; node 1 starts the cluster
 * and the others join through it. A node can be killed with SIGKILL and restarted on the same
 * ports. Every process is killed by {@link NodeProcesses.killAll}, and by an exit hook.
 */
export class NodeProcesses {
  /** The nodes, by index. */
  readonly nodes: readonly NodeProcess[];
  readonly #options: NodeProcessesOptions;

  private constructor(options: NodeProcessesOptions, nodes: NodeProcess[]) {
    this.#options = options;
    this.nodes = nodes;
  }

  /** Chooses the ports of every node; starts nothing. */
  static async create(options: NodeProcessesOptions): Promise<NodeProcesses> {
    const ports = new Set<number>();
    while (ports.size < options.nodes * 2) ports.add(await freePort());
    const list = [...ports];
    const nodes = Array.from({ length: options.nodes }, (_, i) => ({
      id: String(i + 1),
      listen: `${HOST}:${list[2 * i]}`,
      statusUrl: `http://${HOST}:${list[2 * i + 1]}`,
      child: undefined,
    }));
    return new NodeProcesses(options, nodes);
  }

  /**
   * Starts node `index` (joining through every other node listed in `seeds`, by index) and
   * resolves once its status endpoint answers.
   */
  async start(index: number, seeds: readonly number[]): Promise<void> {
    const node = this.nodes[index]!;
    const args = [
      'node',
      ...localNodeArguments({
        id: node.id,
        listen: node.listen,
        status: node.statusUrl.slice('http://'.length),
        label: this.#options.label,
        partitions: this.#options.partitions,
        replicas: this.#options.replicas,
        seeds: seeds.map((seed) => this.nodes[seed]!.listen),
      }),
    ];
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2048);
    });
    killOnExit(child);
    node.child = child;
    const deadline = performance.now() + START_TIMEOUT_MS;
    while ((await this.status(index)) === undefined) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`node ${node.id} exited at start: ${stderr.trim()}`);
      if (performance.now() > deadline)
        throw new Error(`node ${node.id} did not answer within ${START_TIMEOUT_MS} ms`);
      await sleep(START_POLL_MS);
    }
  }

  /** The status document of node `index`, or `undefined` when it does not answer. */
  async status(index: number): Promise<ClusterStatus | undefined> {
    try {
      const response = await fetch(`${this.nodes[index]!.statusUrl}/`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (!response.ok) return undefined;
      return (await response.json()) as ClusterStatus;
    } catch {
      return undefined;
    }
  }

  /** SIGKILLs node `index`; resolves once its process has ended. */
  async kill(index: number): Promise<void> {
    const child = this.nodes[index]!.child;
    this.nodes[index]!.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGKILLs every running node and resolves once all have ended. */
  async killAll(): Promise<void> {
    await Promise.all(this.nodes.map((_, index) => this.kill(index)));
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
