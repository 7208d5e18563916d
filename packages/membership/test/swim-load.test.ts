import { NodeId, type Transport } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { type SwimConfig, SwimNode, swimConfig } from '../src/index.js';
import { SwimCluster } from './support/swim-sim.js';

// Flat load per node: the most messages addressed to any one node in any protocol period,
// while one node crashes and another is slow (every message to it delayed by 3 periods),
// stays within 4× the busiest node of the stable cluster — whatever the cluster size. (2,000
// members take tens of seconds to set up here: that size is measured in the benchmarks.)

const config = swimConfig('lan');
const PERIOD = config.probeInterval;

/**
 * A transport that counts what it sends, per destination, into `counts` (only messages of
 * type `only` when given).
 */
function counting(transport: Transport, counts: Int32Array, only?: string): Transport {
  return new Proxy(transport, {
    get(target, key) {
      if (key === 'send') {
        return (to: NodeId, message: Parameters<Transport['send']>[1]) => {
          if (only === undefined || message.type === only) counts[Number(to)]!++;
          target.send(to, message);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

interface Load {
  /** Busiest node's messages in one period, stable cluster. */
  readonly stable: number;
  /** Busiest node's messages in one period after the crash and the slowdown. */
  readonly faulty: number;
  /** Busiest periods of the crashed and of the slow node. */
  readonly crashed: number;
  readonly slow: number;
}

/**
 * A simulated cluster of `n` members (ids 1…n, static bootstrap) whose sends are counted per
 * destination into `counts` (only messages of type `only` when given); `seeds` are given to
 * every node too.
 */
function countingCluster(
  n: number,
  seed: number,
  options: { config?: SwimConfig; only?: string; seeds?: NodeId[] } = {},
) {
  const counts = new Int32Array(n + 1);
  const cluster = new SwimCluster({
    n,
    seed,
    log: false,
    config: options.config ?? config,
    createNode: (node) =>
      new SwimNode({
        ...node,
        transport: counting(node.transport, counts, options.only),
        ...(options.seeds === undefined ? {} : { seeds: options.seeds }),
      }),
  });
  return { cluster, counts };
}

function measure(n: number, seed: number, stablePeriods: number, faultyPeriods: number): Load {
  const { cluster, counts } = countingCluster(n, seed);
  const { sim, ids } = cluster;
  sim.runFor(3 * PERIOD);
  const busiest = (periods: number, watch: readonly number[] = []) => {
    let most = 0;
    const watched = watch.map(() => 0);
    for (let p = 0; p < periods; p++) {
      counts.fill(0);
      sim.runFor(PERIOD);
      for (let i = 1; i <= n; i++) most = Math.max(most, counts[i]!);
      watch.forEach((id, i) => {
        watched[i] = Math.max(watched[i]!, counts[id]!);
      });
    }
    return { most, watched };
  };
  const stable = busiest(stablePeriods).most;
  const crashed = ids[n >> 1]!;
  const slow = ids[(n >> 1) + 1]!;
  cluster.crash(crashed);
  for (const id of ids) {
    if (id !== slow) sim.setLink(id, slow, { latency: { kind: 'fixed', ms: 3 * PERIOD } });
  }
  const faulty = busiest(faultyPeriods, [Number(crashed), Number(slow)]);
  return {
    stable,
    faulty: faulty.most,
    crashed: faulty.watched[0]!,
    slow: faulty.watched[1]!,
  };
}

describe('flat load per node (simulator, lan settings)', () => {
  for (const [n, stablePeriods, faultyPeriods] of [
    [100, 20, 60],
    [500, 10, 30],
  ] as const) {
    it(`${n} members: a crash and a slow node keep every node within 4× the stable maximum`, () => {
      const load = measure(n, 7, stablePeriods, faultyPeriods);
      console.log(
        `load n=${n}: ${JSON.stringify(load)} ratio ${(load.faulty / load.stable).toFixed(2)}`,
      );
      expect(load.stable).toBeGreaterThan(0);
      expect(load.faulty).toBeLessThanOrEqual(4 * load.stable);
    });
  }
});

describe('healing stays O(1) per period across the cluster', () => {
  function pushPullsTo(n: number, seed: number) {
    const local = swimConfig('local');
    const { cluster, counts } = countingCluster(n, seed, {
      config: local,
      only: 'PushPull',
      seeds: [NodeId(1)],
    });
    cluster.sim.runFor(20 * local.probeInterval);
    // Node 1, everyone's seed, crashes for good: dead, then forgotten, then an unknown seed.
    cluster.crash(NodeId(1));
    const perPeriod: number[] = [];
    for (let p = 0; p < 400; p++) {
      counts[1] = 0;
      cluster.sim.runFor(local.probeInterval);
      perPeriod.push(counts[1]!);
    }
    return perPeriod;
  }

  it('a dead member and a dead seed get about one PushPull per heal interval, whatever n', () => {
    for (const n of [20, 100]) {
      const perPeriod = pushPullsTo(n, 11);
      // After detection (the first 40 periods), over 360 periods (past the reclaim time).
      const after = perPeriod.slice(40);
      const mean = after.reduce((a, b) => a + b, 0) / after.length;
      const most = Math.max(...after);
      console.log(`heal n=${n}: mean ${mean.toFixed(2)}/period, max ${most}`);
      // healInterval is 2 periods on 'local': about 0.5 per period across the cluster.
      expect(mean).toBeLessThanOrEqual(1);
      expect(most).toBeLessThanOrEqual(5);
    }
  });
});
