import { PartitionId, TalaError } from '@tala-net/types';
import { fnv1a64Mod } from './fnv1a64.js';

/** Bytes of an intent id (a UUID). */
export const INTENT_ID_BYTES = 16;

/**
 * The partition an intent belongs to: FNV-1a 64 over the 16 id bytes, modulo `numPartitions`;
 * `PartitionId(0)` when `numPartitions` is 0. Bit-exact with the Rust reference for every
 * `numPartitions` in 0 … 2^32−1.
 *
 * Throws a `TalaError` with code `InvalidArgument` when `id` is not 16 bytes or
 * `numPartitions` is not an integer in 0 … 2^32−1.
 *
 * @example
 * ```ts
 * const id = new Uint8Array(16).fill(1);
 * partitionForIntent(id, 64); // a PartitionId below 64
 * ```
 */
export function partitionForIntent(id: Uint8Array, numPartitions: number): PartitionId {
  if (
    !(id instanceof Uint8Array) ||
    // A literal, not INTENT_ID_BYTES: see the note at the top of fnv1a64.ts.
    id.length !== 16 ||
    numPartitions >>> 0 !== numPartitions
  ) {
    throw invalidArguments(id, numPartitions);
  }
  if (numPartitions === 0) return PartitionId(0);
  return fnv1a64Mod(id, numPartitions) as PartitionId;
}

/**
 * The error for bad arguments, built outside the hot function so that it stays small enough to
 * be inlined into the caller's loop.
 */
function invalidArguments(id: unknown, numPartitions: number): TalaError {
  if (!(id instanceof Uint8Array) || id.length !== INTENT_ID_BYTES) {
    return new TalaError(
      'InvalidArgument',
      `partitionForIntent: expected a ${INTENT_ID_BYTES}-byte Uint8Array id, found ${
        id instanceof Uint8Array ? `${id.length} bytes` : typeof id
      }`,
    );
  }
  return new TalaError(
    'InvalidArgument',
    `partitionForIntent: expected numPartitions in 0 … 2^32−1, found ${numPartitions}`,
  );
}
