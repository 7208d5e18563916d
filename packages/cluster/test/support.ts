import { decode, encode } from '@tala-net/codec';
import { type LinkOptions, SimulatedNetwork } from '@tala-net/transport-inprocess';
import {
  ClusterScenario,
  intentIdOf,
  type ScenarioNodeOptions,
  tablesAgree,
} from '../src/testing.js';

export { intentIdOf as intentId, tablesAgree };

/** Options of {@link simulatedCluster}. */
export interface SimulatedClusterOptions {
  readonly seed?: number;
  readonly link?: LinkOptions;
  readonly node?: ScenarioNodeOptions;
  /** Options of one node (by id), over `node`. */
  readonly nodeOptions?: (id: bigint) => ScenarioNodeOptions;
}

/** A {@link ClusterScenario} with its network typed as the `SimulatedNetwork` it runs on. */
export type SimCluster = ClusterScenario & { readonly sim: SimulatedNetwork };

/** Starts `count` nodes (ids 1 … count) on a seeded `SimulatedNetwork` that carries bytes. */
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
  const scenario = await ClusterScenario.start({
    network: sim,
    nodes: count,
    seed,
    ...(options.node === undefined ? {} : { node: options.node }),
    ...(options.nodeOptions === undefined ? {} : { nodeOptions: options.nodeOptions }),
  });
  return Object.assign(scenario, { sim });
}
