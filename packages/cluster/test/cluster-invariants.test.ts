import { NodeId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import type { IntentReceipt } from '../src/index.js';
import { clusterInvariantViolations, intentIdOf, intentKey } from '../src/testing.js';
import { simulatedCluster } from './support.js';

describe('clusterInvariantViolations', () => {
  it('finds none on a recovered cluster, and names each broken invariant', async () => {
    const cluster = await simulatedCluster(3, { seed: 4, node: { partitions: 8, replicas: 1 } });
    await cluster.run(3_000);
    const id = intentIdOf(1);
    const receipt = await cluster.until(cluster.live()[0]!.submitIntent(id, new Uint8Array()));
    await cluster.run(500);
    const acknowledged = new Map<string, IntentReceipt[]>([[intentKey(id), [receipt]]]);
    expect(clusterInvariantViolations(cluster, acknowledged)).toEqual([]);

    // An acknowledged intent that nobody delivered, and one delivered twice.
    const never = intentKey(intentIdOf(2));
    acknowledged.set(never, [receipt]);
    cluster.deliveries.set(intentKey(id), 2);
    expect(clusterInvariantViolations(cluster, acknowledged)).toEqual([
      `intent ${intentKey(id)} was delivered 2 times`,
      `acknowledged intent ${intentKey(id)} was delivered 2 times`,
      `acknowledged intent ${never} was delivered 0 times`,
      `the segment of partition ${receipt.partition} on its owner lacks intent ${never}`,
    ]);

    // A crash the others have not noticed yet: membership and the table are behind.
    cluster.crash(NodeId(3));
    const violations = clusterInvariantViolations(cluster, new Map());
    expect(violations).toContain('node 1 sees [1,2,3] alive, not the live nodes [1,2]');
    expect(violations).toContain('the table is computed for [1,2,3], not for [1,2]');
    await cluster.stopAll();
  });
});
