import { type PartitionAssignment, TalaError, type TalaErrorCode } from '@tala-net/types';
import { describeValue } from './describe-value.js';

/*
 * Checks of hand-built or received table values (internal). They read the input once, copy
 * nothing and allocate at most one bit set bounded by the input's length, so a table is
 * rejected before anything is copied. A value of the wrong type or shape (null, a hole in an
 * array, a number where a bigint belongs) is an `InvalidArgument`; a well-typed value that
 * breaks a table invariant (a partition id out of range, a repeated partition) is an
 * `InvalidPartitionTable`.
 */

const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/** Replica lists up to this long are checked for repeats pairwise, longer ones with a set. */
const PAIRWISE_REPLICAS = 8;

/** Throws unless `version` is a u64 bigint. */
export function checkVersion(fn: string, version: unknown): asserts version is bigint {
  if (typeof version !== 'bigint') {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected a u64 bigint version, found ${describeValue(version)}`,
    );
  }
  if (version < 0n || version > MAX_U64) {
    throw new TalaError(
      'InvalidPartitionTable',
      `${fn}: expected a u64 bigint version, found ${version}`,
    );
  }
}

/**
 * Throws unless `count` is `undefined` or a number; a number that is not a u32 throws with
 * `rangeCode`.
 */
export function checkPartitionCount(
  fn: string,
  count: unknown,
  rangeCode: TalaErrorCode,
): asserts count is number | undefined {
  if (count === undefined) return;
  if (typeof count !== 'number') {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected numPartitions in 0 … 2^32−1, found ${describeValue(count)}`,
    );
  }
  if (count >>> 0 !== count) {
    throw new TalaError(rangeCode, `${fn}: expected numPartitions in 0 … 2^32−1, found ${count}`);
  }
}

/**
 * Throws unless `assignments` is an array of well-formed assignments: u32 partition ids, each
 * once and below `numPartitions` when it is given, u64 node ids, an owner that is not among its
 * replicas and distinct replicas.
 */
export function checkAssignments(
  fn: string,
  assignments: unknown,
  numPartitions: number | undefined,
): asserts assignments is readonly PartitionAssignment[] {
  if (!Array.isArray(assignments)) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: expected an array of assignments, found ${describeValue(assignments)}`,
    );
  }
  const seen = new PartitionIdSet(assignments.length, numPartitions);
  for (let i = 0; i < assignments.length; i++) {
    const assignment: unknown = assignments[i];
    if (typeof assignment !== 'object' || assignment === null) {
      throw new TalaError(
        'InvalidArgument',
        `${fn}: assignment ${i}: expected an object, found ${describeValue(assignment)}`,
      );
    }
    const { partitionId, owner, replicas } = assignment as Record<string, unknown>;
    checkPartitionId(fn, i, partitionId, numPartitions);
    if (!seen.add(partitionId)) {
      throw new TalaError(
        'InvalidPartitionTable',
        `${fn}: partition ${partitionId} is assigned twice`,
      );
    }
    checkNode(fn, partitionId, owner);
    checkReplicas(fn, partitionId, owner, replicas);
  }
}

function checkPartitionId(
  fn: string,
  index: number,
  partitionId: unknown,
  numPartitions: number | undefined,
): asserts partitionId is number {
  if (typeof partitionId !== 'number') {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: assignment ${index}: expected a u32 partition id, found ${describeValue(partitionId)}`,
    );
  }
  if (partitionId >>> 0 !== partitionId) {
    throw new TalaError(
      'InvalidPartitionTable',
      `${fn}: assignment ${index}: expected a u32 partition id, found ${partitionId}`,
    );
  }
  if (numPartitions !== undefined && partitionId >= numPartitions) {
    throw new TalaError(
      'InvalidPartitionTable',
      `${fn}: partition ${partitionId} is not below the declared count ${numPartitions}`,
    );
  }
}

function checkNode(fn: string, partition: number, node: unknown): asserts node is bigint {
  if (typeof node !== 'bigint') {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: partition ${partition}: expected a u64 node id, found ${describeValue(node)}`,
    );
  }
  if (node < 0n || node > MAX_U64) {
    throw new TalaError(
      'InvalidPartitionTable',
      `${fn}: partition ${partition}: expected a u64 node id, found ${node}`,
    );
  }
}

function checkReplicas(fn: string, partition: number, owner: bigint, replicas: unknown): void {
  if (!Array.isArray(replicas)) {
    throw new TalaError(
      'InvalidArgument',
      `${fn}: partition ${partition}: expected an array of replicas, found ${describeValue(replicas)}`,
    );
  }
  const many = replicas.length > PAIRWISE_REPLICAS ? new Set<bigint>() : undefined;
  for (let j = 0; j < replicas.length; j++) {
    const replica: unknown = replicas[j];
    checkNode(fn, partition, replica);
    if (replica === owner) {
      throw new TalaError(
        'InvalidPartitionTable',
        `${fn}: partition ${partition}: owner ${owner} is also listed as its replica`,
      );
    }
    if (many === undefined ? replicas.indexOf(replica) < j : many.has(replica)) {
      throw new TalaError(
        'InvalidPartitionTable',
        `${fn}: partition ${partition}: replica ${replica} is listed twice`,
      );
    }
    many?.add(replica);
  }
}

/** Most ids a {@link PartitionIdSet} tracks with a byte each (16 MiB). */
const MAX_BITS = 1 << 24;

/**
 * The partition ids seen so far: a byte per id when the declared count is small next to the
 * number of assignments (and at most 2^24), else a set, so memory stays proportional to what
 * was read (a sparse array's length costs nothing).
 */
class PartitionIdSet {
  private readonly bits: Uint8Array | undefined;
  private readonly ids: Set<number> | undefined;

  constructor(length: number, numPartitions: number | undefined) {
    if (
      numPartitions !== undefined &&
      numPartitions <= 4 * length + 1024 &&
      numPartitions <= MAX_BITS
    ) {
      this.bits = new Uint8Array(numPartitions);
    } else {
      this.ids = new Set();
    }
  }

  /** Adds `id`; `false` when it was there already. */
  add(id: number): boolean {
    if (this.bits !== undefined) {
      if (this.bits[id] === 1) return false;
      this.bits[id] = 1;
      return true;
    }
    const ids = this.ids!;
    if (ids.has(id)) return false;
    ids.add(id);
    return true;
  }
}
