import { TalaError } from '@tala-net/types';

/**
 * Builds the `SegmentCorrupted` error of a wire problem, naming where it is and what was
 * expected and found, e.g. `PartitionTableUpdate.replicas at byte 21: expected …, found …`.
 */
export function corrupted(
  where: string,
  offset: number,
  expected: string,
  found: string,
): TalaError {
  return new TalaError(
    'SegmentCorrupted',
    `${where} at byte ${offset}: expected ${expected}, found ${found}`,
  );
}

/** Builds the `InvalidArgument` error of a message that cannot be encoded. */
export function unencodable(where: string, expected: string, found: string): TalaError {
  return new TalaError(
    'InvalidArgument',
    `cannot encode ${where}: expected ${expected}, found ${found}`,
  );
}

/** Names what a caller passed where bytes were expected, for `InvalidArgument` messages. */
export function describeInput(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'an object';
}
