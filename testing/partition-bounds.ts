/*
 * Bounds on rebalancing movement, shared by the partition tests and the benchmarks.
 */

/**
 * An upper bound on how many nodes of a balanced table of `numNodes` nodes can each leave
 * moving exactly what they held (owner moves = partitions they owned), for any replica layout
 * with balanced replica slots. With q = ⌊P/N⌋, the N − (P mod N) "light" nodes owning q, and a
 * replica quota of at most ⌈P·(RF−1)/N⌉ per node:
 *
 * - ⌊P/(N−1)⌋ = q: the orphans of a leaving node X go to distinct light survivors (only they
 *   may gain, one each), so X's partitions each need a light replica. All these replicas are
 *   distinct slots on light nodes: Σ owned(X) over such X ≤ the light nodes' replica slots.
 * - ⌊P/(N−1)⌋ = q + 1: every light survivor must gain, so each light node replicates a
 *   partition of every such X other than itself: their number ≤ its replica quota + 1.
 */
export function exactLeaveBound(
  numPartitions: number,
  numNodes: number,
  replicationFactor: number,
): number {
  const P = numPartitions;
  const N = numNodes;
  const q = Math.floor(P / N);
  const heavy = P % N;
  const qAfter = Math.floor(P / (N - 1));
  if (heavy === 0 || replicationFactor < 2) return N;
  const lights = N - heavy;
  const quota = Math.ceil((P * (replicationFactor - 1)) / N);
  if (qAfter === q) {
    const slots = lights * quota;
    let owned = 0;
    let count = 0;
    for (let i = 0; i < N; i++) {
      owned += i < lights ? q : q + 1;
      if (owned > slots) break;
      count++;
    }
    return count;
  }
  if (qAfter === q + 1) return Math.min(N, quota + 1);
  return N;
}
