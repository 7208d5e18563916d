import type { NodeId } from './node-id.js';
import type { PartitionId } from './partition-id.js';

/** Who holds one partition: its owner and the nodes that keep replicas of it. */
export interface PartitionAssignment {
  readonly partitionId: PartitionId;
  readonly owner: NodeId;
  readonly replicas: readonly NodeId[];
}
