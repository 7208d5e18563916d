import { expect } from 'vitest';
import type { IntentReceipt } from '../src/index.js';
import { clusterInvariantViolations } from '../src/testing.js';
import type { SimCluster } from './support.js';

/** Expects TALA's invariants to hold on `cluster` (see `clusterInvariantViolations`). */
export function expectInvariants(
  cluster: SimCluster,
  acknowledged: ReadonlyMap<string, readonly IntentReceipt[]>,
): void {
  expect(clusterInvariantViolations(cluster, acknowledged)).toEqual([]);
}
