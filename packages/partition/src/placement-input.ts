/** The state a placement starts from: the old owner and replicas of each partition as indexes. */
export interface PlacementStart {
  /** Old owner per partition, −1 when it is gone or the partition was unassigned. */
  readonly owners: Int32Array;
  /** Old surviving replicas per partition (distinct, not the old owner). */
  readonly replicas: readonly (readonly number[])[];
}

/** Result: owner per partition and `replicationFactor − 1` replicas per partition, flattened. */
export interface Placement {
  readonly owners: Int32Array;
  readonly replicas: Int32Array;
  readonly replicasPerPartition: number;
}

/** What every phase of a placement reads (internal). */
export interface PlacementInput {
  /** Number of nodes; nodes are the indexes `0 … N − 1`. */
  readonly N: number;
  /** Number of partitions; partitions are `0 … P − 1`. */
  readonly P: number;
  /** Replicas per partition: the replication factor − 1. */
  readonly k: number;
  /** Zone index per node, or `undefined` without zones (every node its own zone). */
  readonly zoneOf: Int32Array | undefined;
  /** Number of distinct zones (N without zones). */
  readonly numZones: number;
  /** Most holders of one partition that may share a zone. */
  readonly zoneCap: number;
  readonly start: PlacementStart;
}

/** The node indexes `0 … n − 1`. */
export function indexes(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
