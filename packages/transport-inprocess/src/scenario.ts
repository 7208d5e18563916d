import { NodeId, TalaError } from '@tala-net/types';
import type { InProcessTransport } from './in-process-transport.js';
import { SimulatedNetwork, type SimulatedNetworkOptions } from './simulated-network.js';

/** Options of {@link simulateCluster}. */
export interface SimulatedClusterOptions extends SimulatedNetworkOptions {
  /** Number of nodes (ids 1 … n), or the node ids. */
  readonly nodes: number | readonly NodeId[];
}

/** A {@link SimulatedNetwork} with its nodes added, as returned by {@link simulateCluster}. */
export interface SimulatedCluster {
  /** The network (crash, partition, run, stats, trace). */
  readonly sim: SimulatedNetwork;
  /** The node ids, in order. */
  readonly ids: readonly NodeId[];
  /** The initial transports, in the order of `ids` (use `sim.transport(id)` after a restart). */
  readonly transports: readonly InProcessTransport[];
}

/**
 * Creates a {@link SimulatedNetwork} and adds `nodes` to it: the first line of a scenario.
 *
 * @example
 * ```ts
 * const { sim, ids } = simulateCluster({ nodes: 5, seed: 42 });
 * sim.crash(ids[1]!);
 * sim.partition([NodeId(1), NodeId(2)], [NodeId(3), NodeId(4)]);
 * sim.runRounds(100, 10);
 * ```
 */
export function simulateCluster(options: SimulatedClusterOptions): SimulatedCluster {
  const { nodes, ...networkOptions } = options;
  let ids: NodeId[];
  if (typeof nodes === 'number') {
    if (!Number.isSafeInteger(nodes) || nodes < 0) {
      throw new TalaError(
        'InvalidArgument',
        `simulateCluster: expected a node count ≥ 0, found ${nodes}`,
      );
    }
    ids = Array.from({ length: nodes }, (_, i) => NodeId(i + 1));
  } else {
    ids = [...nodes];
  }
  const sim = new SimulatedNetwork(networkOptions);
  const transports = ids.map((id) => sim.addNode(id));
  return { sim, ids, transports };
}

/**
 * Runs `body(seed)` and, if it throws (or its promise rejects), appends ` [seed=<seed>]` to the
 * error's message before rethrowing, so a failing randomized scenario says how to reproduce
 * itself: run it again with that seed.
 *
 * @example
 * ```ts
 * const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
 * withSeed(seed, (seed) => {
 *   const { sim } = simulateCluster({ nodes: 3, seed, link: { loss: 0.1 } });
 *   sim.runFor(1_000);
 * });
 * ```
 */
export function withSeed<T>(seed: number, body: (seed: number) => T): T {
  let result: T;
  try {
    result = body(seed);
  } catch (error) {
    throw tagWithSeed(error, seed);
  }
  if (result instanceof Promise) {
    return result.catch((error: unknown) => {
      throw tagWithSeed(error, seed);
    }) as T;
  }
  return result;
}

function tagWithSeed(error: unknown, seed: number): unknown {
  const tag = ` [seed=${seed}]`;
  if (error instanceof Error) {
    if (!error.message.endsWith(tag)) error.message += tag;
    return error;
  }
  return new Error(`${String(error)}${tag}`, { cause: error });
}
