import { type LinkOptions, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { SwimCluster as Cluster, type SwimClusterOptions } from '../../src/testing.js';

export type { LoggedEvent } from '../../src/testing.js';

/** Options of the tests' {@link SwimCluster}: the harness's, with the simulator's link. */
export interface SwimClusterTestOptions
  extends Omit<SwimClusterOptions<SimulatedNetwork>, 'network'> {
  readonly link?: LinkOptions;
}

/** The membership harness on a fresh `SimulatedNetwork` seeded like the cluster. */
export class SwimCluster extends Cluster<SimulatedNetwork> {
  constructor({ link, ...options }: SwimClusterTestOptions) {
    const network = new SimulatedNetwork({
      seed: options.seed,
      ...(link === undefined ? {} : { link }),
    });
    super({ ...options, network });
  }
}
