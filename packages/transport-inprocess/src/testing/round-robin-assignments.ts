import { type NodeId, type PartitionAssignment, PartitionId, TalaError } from '@tala-net/types';

/**
 * A round-robin assignment of `count` partitions over `nodes`: partition `p` is owned by
 * `nodes[p mod n]` and replicated on the `replicas` nodes that follow it. Throws a `TalaError`
 * (`InvalidArgument`) when `nodes` is empty, a count is not a safe integer ≥ 0, or `replicas`
 * is not below the number of nodes.
 *
 * @example
 * ```ts
 * roundRobinAssignments([NodeId(1), NodeId(2), NodeId(3)], 2, 1);
 * // [{ partitionId: 0, owner: 1n, replicas: [2n] }, { partitionId: 1, owner: 2n, replicas: [3n] }]
 * ```
 */
export function roundRobinAssignments(
  nodes: readonly NodeId[],
  count: number,
  replicas = 0,
): PartitionAssignment[] {
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new TalaError('InvalidArgument', 'roundRobinAssignments: expected at least one node');
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new TalaError(
      'InvalidArgument',
      `roundRobinAssignments: expected a partition count ≥ 0, found ${count}`,
    );
  }
  if (!Number.isSafeInteger(replicas) || replicas < 0 || replicas >= nodes.length) {
    throw new TalaError(
      'InvalidArgument',
      `roundRobinAssignments: expected 0 … ${nodes.length - 1} replicas, found ${replicas}`,
    );
  }
  return Array.from({ length: count }, (_, p) => ({
    partitionId: PartitionId(p),
    owner: nodes[p % nodes.length]!,
    replicas: Array.from({ length: replicas }, (_, r) => nodes[(p + r + 1) % nodes.length]!),
  }));
}
