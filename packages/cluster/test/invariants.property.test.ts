import { NodeId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterNode, IntentReceipt } from '../src/index.js';
import { expectInvariants } from './invariants.js';
import { intentId, type SimCluster, simulatedCluster } from './support.js';

interface Plan {
  readonly seed: number;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly maxLatency: number;
  readonly crash: number | undefined;
  readonly crashAt: number;
  readonly restartAfter: number | undefined;
  readonly partitionAt: number | undefined;
  readonly submissions: readonly {
    readonly at: number;
    readonly from: number;
    readonly id: number;
  }[];
}

const NODES = 4;

const plans: fc.Arbitrary<Plan> = fc.record({
  seed: fc.nat({ max: 1_000_000 }),
  loss: fc.double({ min: 0, max: 0.15, noNaN: true }),
  duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  reorder: fc.double({ min: 0, max: 0.3, noNaN: true }),
  maxLatency: fc.integer({ min: 1, max: 30 }),
  crash: fc.option(fc.integer({ min: 2, max: NODES }), { nil: undefined }),
  crashAt: fc.integer({ min: 0, max: 3_000 }),
  restartAfter: fc.option(fc.integer({ min: 200, max: 3_000 }), { nil: undefined }),
  partitionAt: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
  submissions: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 4_000 }),
      from: fc.integer({ min: 1, max: NODES }),
      // Few distinct ids: the same id is often submitted twice, from two nodes.
      id: fc.integer({ min: 0, max: 30 }),
    }),
    { minLength: 1, maxLength: 60 },
  ),
});

const key = (id: Uint8Array): string => Buffer.from(id).toString('hex');

/** Runs `plan` and returns the receipts of the submissions (an error where it failed). */
async function runPlan(
  plan: Plan,
): Promise<{ cluster: SimCluster; acknowledged: Map<string, IntentReceipt[]> }> {
  const cluster = await simulatedCluster(NODES, {
    seed: plan.seed,
    node: { partitions: 16, replicas: 2, intentTimeoutMs: 20_000 },
  });
  await cluster.run(3_000);
  cluster.sim.setDefaultLink({
    latency: { kind: 'uniform', min: 1, max: plan.maxLatency },
    loss: plan.loss,
    duplicate: plan.duplicate,
    reorder: plan.reorder,
  });
  const acknowledged = new Map<string, IntentReceipt[]>();
  const pending: { from: ClusterNode; settled: Promise<unknown> }[] = [];
  const queue = [...plan.submissions].sort((a, b) => a.at - b.at);
  let crashed = false;
  let restarted = false;
  let cut: { heal(): void } | undefined;
  for (let t = 0; t <= 5_000; t += 50) {
    if (plan.crash !== undefined && !crashed && t >= plan.crashAt) {
      cluster.crash(NodeId(plan.crash));
      crashed = true;
    }
    if (
      crashed &&
      !restarted &&
      plan.restartAfter !== undefined &&
      t >= plan.crashAt + plan.restartAfter
    ) {
      await cluster.startNode(NodeId(plan.crash!));
      restarted = true;
    }
    if (plan.partitionAt !== undefined && cut === undefined && t >= plan.partitionAt) {
      cut = cluster.sim.partition([NodeId(1)], [NodeId(3)]);
    }
    if (cut !== undefined && plan.partitionAt !== undefined && t >= plan.partitionAt + 1_500)
      cut.heal();
    while (queue.length > 0 && queue[0]!.at <= t) {
      const submission = queue.shift()!;
      const node = cluster.nodes.get(NodeId(submission.from));
      if (node === undefined || !cluster.sim.isUp(node.id)) continue;
      const id = intentId(submission.id);
      pending.push({
        from: node,
        settled: node.submitIntent(id, new Uint8Array([submission.id])).then(
          (receipt) => acknowledged.set(key(id), [...(acknowledged.get(key(id)) ?? []), receipt]),
          () => undefined,
        ),
      });
    }
    await cluster.run(50);
  }
  cut?.heal();
  // Faults stop: a clean network, then time to recover.
  cluster.sim.setDefaultLink({
    latency: { kind: 'fixed', ms: 2 },
    loss: 0,
    duplicate: 0,
    reorder: 0,
  });
  await cluster.run(40_000, 25);
  // Submissions of a crashed node never settle, as in a crashed process.
  await cluster.until(
    Promise.all(
      pending.filter((p) => cluster.nodes.get(p.from.id) === p.from).map((p) => p.settled),
    ),
  );
  return { cluster, acknowledged };
}

describe('invariants under loss, duplication, delay, reordering, a crash (and restart) and a short partition, over many seeds', () => {
  it('no double delivery, every acknowledged intent delivered once, one table, identical replicas, recovery', async () => {
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const { cluster, acknowledged } = await runPlan(plan);
        expectInvariants(cluster, acknowledged);
        const live = cluster.live();
        // The cluster recovered: new intents go through.
        const after = Array.from({ length: 5 }, (_, n) =>
          live[n % live.length]!.submitIntent(intentId(n, 9), new Uint8Array()),
        );
        expect((await cluster.until(Promise.all(after), 20_000)).every((r) => !r.duplicate)).toBe(
          true,
        );
        await cluster.stopAll();
      }),
      { numRuns: 30 },
    );
  });
});
