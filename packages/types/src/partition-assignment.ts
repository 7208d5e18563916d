import type { NodeId } from './node-id.js';
import type { PartitionId } from './partition-id.js';

/** Who holds one partition: its owner and the nodes that keep replicas of it. */
export interface PartitionAssignment {
  /** The partition. */
  readonly partitionId: PartitionId;
  /** The node that owns the partition and handles its intents. */
  readonly owner: NodeId;
  /** The nodes that keep a copy of the partition's segments (never the owner). */
  readonly replicas: readonly NodeId[];
}
