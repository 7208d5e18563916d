import { partitionForIntent } from '@tala-net/partition';
import { type NodeId, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../src/index.js';
import { intentId, type SimCluster, simulatedCluster } from './support.js';

const key = (id: Uint8Array): string => Buffer.from(id).toString('hex');

/**
 * An intent id of a partition owned by a node other than the lowest id (the coordinator), its
 * replicas, and the one node that holds nothing of it (the submitter).
 */
function intentOwnedElsewhere(cluster: SimCluster): {
  id: Uint8Array;
  owner: ClusterNode;
  replicas: NodeId[];
  submitter: ClusterNode;
} {
  const table = cluster.live()[0]!.table!.table;
  for (let n = 0; ; n++) {
    const id = intentId(n, 77);
    const assignment = table.assignmentOf(partitionForIntent(id, table.numPartitions!))!;
    const holders = [assignment.owner, ...assignment.replicas];
    const outsider = cluster.live().find((node) => !holders.includes(node.id));
    if (assignment.owner === cluster.live()[0]!.id || outsider === undefined) continue;
    return {
      id,
      owner: cluster.nodes.get(assignment.owner)!,
      replicas: [...assignment.replicas],
      submitter: outsider,
    };
  }
}

async function settledError(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('an intent whose owner stops between accepting and marking it delivered', () => {
  it('is never delivered when the owner crashed before delivering: the submitter gets IntentInDoubt', async () => {
    const cluster = await simulatedCluster(4, { seed: 5, node: { partitions: 16, replicas: 2 } });
    await cluster.run(3_000);
    const { id, owner, replicas, submitter } = intentOwnedElsewhere(cluster);
    // The replicas receive the owner's push (the Accepted record) but their acks never return.
    const cut = cluster.sim.partitionOneWay(replicas, [owner.id]);
    const submission = settledError(
      submitter.submitIntent(id, new Uint8Array([1]), { timeout: 30_000 }),
    );
    await cluster.run(100);
    expect(cluster.deliveries.has(key(id))).toBe(false);
    cluster.crash(owner.id);
    cut.heal();
    await cluster.run(30_000);
    const error = await submission;
    expect(error).toBeInstanceOf(TalaError);
    expect((error as TalaError).code).toBe('IntentInDoubt');
    expect(cluster.deliveries.has(key(id))).toBe(false);
    // A later owner holds the Accepted record, and keeps answering in doubt.
    const again = await cluster.until(settledError(submitter.submitIntent(id, new Uint8Array())));
    expect((again as TalaError).code).toBe('IntentInDoubt');
    expect(cluster.deliveries.has(key(id))).toBe(false);
    const inDoubt = cluster.live().reduce((n, node) => n + node.status().stats.intentsInDoubt, 0);
    expect(inDoubt).toBeGreaterThanOrEqual(2);
    await cluster.stopAll();
  });

  it('is not delivered twice when the owner crashed right after delivering', async () => {
    const cluster = await simulatedCluster(4, { seed: 9, node: { partitions: 16, replicas: 2 } });
    await cluster.run(3_000);
    const { id, owner, submitter } = intentOwnedElsewhere(cluster);
    // The owner's process dies as its application handles the intent: neither its answer nor
    // its Delivered record leaves it.
    owner.addEventListener('intent', () => cluster.crash(owner.id));
    const submission = settledError(
      submitter.submitIntent(id, new Uint8Array([2]), { timeout: 30_000 }),
    );
    await cluster.run(30_000);
    expect(cluster.deliveries.get(key(id))).toBe(1);
    expect(((await submission) as TalaError).code).toBe('IntentInDoubt');
    const again = await cluster.until(settledError(submitter.submitIntent(id, new Uint8Array())));
    expect((again as TalaError).code).toBe('IntentInDoubt');
    expect(cluster.deliveries.get(key(id))).toBe(1);
    await cluster.stopAll();
  });

  it('is answered as a duplicate by a later owner once its Delivered record was replicated', async () => {
    const cluster = await simulatedCluster(4, { seed: 13, node: { partitions: 16, replicas: 2 } });
    await cluster.run(3_000);
    const { id, owner, submitter } = intentOwnedElsewhere(cluster);
    const first = await cluster.until(submitter.submitIntent(id, new Uint8Array([3])));
    expect(first.duplicate).toBe(false);
    await cluster.run(500);
    cluster.crash(owner.id);
    await cluster.run(20_000);
    const again = await cluster.until(submitter.submitIntent(id, new Uint8Array([3])));
    expect(again.duplicate).toBe(true);
    expect(again.owner).not.toBe(owner.id);
    expect(cluster.deliveries.get(key(id))).toBe(1);
    await cluster.stopAll();
  });
});
