import { TalaError } from './tala-error.js';

declare const partitionIdBrand: unique symbol;

/** Identifier of a partition: an unsigned 32-bit integer. */
export type PartitionId = number & {
  /** Marks a `number` that {@link PartitionId} validated; it exists only in the type. */
  readonly [partitionIdBrand]: true;
};

/**
 * Validates and brands a partition id: an integer in `0 … 2^32−1` given as a `number` or a
 * `bigint`; anything else throws a `TalaError` with code `InvalidId`.
 *
 * @example
 * ```ts
 * const p = PartitionId(3);
 * p === PartitionId(3n); // true
 * ```
 */
export function PartitionId(value: number | bigint): PartitionId {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (
    (typeof value !== 'number' && typeof value !== 'bigint') ||
    !Number.isInteger(n) ||
    n < 0 ||
    n > 0xffff_ffff ||
    (typeof value === 'bigint' && BigInt(n) !== value)
  ) {
    throw new TalaError(
      'InvalidId',
      `PartitionId: expected an integer in 0 … 2^32−1, found ${typeof value} ${String(value)}`,
    );
  }
  return (n + 0) as PartitionId; // + 0 turns -0 into 0
}
