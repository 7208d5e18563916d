import { decode, encode } from '@tala-net/codec';
import { type LinkOptions, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { NodeId, seededRandom } from '@tala-net/types';
import { Network, type NetworkOptions } from '../src/index.js';

/** Lets every queued promise continuation run (no time passes). */
export function settle(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Bytes of `text`. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** Text of `data`. */
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/** A simulated cluster of `count` nodes (ids 1 … count), each with a started `Network`. */
export interface SimulatedNetworks {
  readonly sim: SimulatedNetwork;
  readonly networks: Network[];
  /** Advances virtual time by `ms` in steps of `step`, letting promise continuations run between. */
  run(ms: number, step?: number): Promise<void>;
}

/** Builds {@link SimulatedNetworks}; every node has dialled every other. */
export async function simulated(
  count: number,
  options: {
    seed?: number;
    link?: LinkOptions;
    network?: Omit<NetworkOptions, 'transport'>;
  } = {},
): Promise<SimulatedNetworks> {
  const sim = new SimulatedNetwork({
    seed: options.seed ?? 1,
    link: options.link ?? { latency: { kind: 'fixed', ms: 5 } },
    wire: { encode, decode },
  });
  const transports = Array.from({ length: count }, (_, i) => sim.addNode(NodeId(i + 1)));
  const networks = transports.map(
    (transport, i) =>
      new Network({
        transport,
        clock: sim.clockFor(transport.localId),
        random: seededRandom((options.seed ?? 1) * 100 + i),
        ...options.network,
      }),
  );
  for (const network of networks) await network.start();
  for (const a of transports) {
    for (const b of transports) if (a !== b) a.addressBook.set(b.localId, b.address);
  }
  return {
    sim,
    networks,
    async run(ms, step = 1) {
      const end = sim.now() + ms;
      while (sim.now() < end) {
        sim.runUntil(Math.min(end, sim.now() + step));
        await settle();
      }
    },
  };
}
