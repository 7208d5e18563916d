import { TalaError } from './tala-error.js';

declare const nodeIdBrand: unique symbol;

/** Identifier of a cluster node: an unsigned 64-bit integer, exact as a `bigint`. */
export type NodeId = bigint & {
  /** Marks a `bigint` that {@link NodeId} validated; it exists only in the type. */
  readonly [nodeIdBrand]: true;
};

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * Validates and brands a node id. Accepts a `bigint`, a safe-integer `number` or a decimal
 * string, each in `0 … 2^64−1`; anything else throws a `TalaError` with code `InvalidId`.
 *
 * @example
 * ```ts
 * const a = NodeId(42);
 * const b = NodeId('18446744073709551615');
 * a === NodeId(42n); // true: ids are primitives
 * ```
 */
export function NodeId(value: number | bigint | string): NodeId {
  let id: bigint;
  if (typeof value === 'bigint') {
    id = value;
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new TalaError('InvalidId', `NodeId: expected a safe integer, found ${value}`);
    }
    id = BigInt(value);
  } else if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) {
    id = BigInt(value);
  } else {
    throw new TalaError(
      'InvalidId',
      `NodeId: expected a bigint, number or decimal string, found ${describe(value)}`,
    );
  }
  if (id < 0n || id > U64_MAX) {
    throw new TalaError('InvalidId', `NodeId: expected 0 … 2^64−1, found ${id}`);
  }
  return id as NodeId;
}

/** A peer is a node seen from the other side of a connection; the same id space as {@link NodeId}. */
export type PeerId = NodeId;

/** Validates and brands a peer id (see {@link NodeId}). */
export const PeerId: (value: number | bigint | string) => PeerId = NodeId;

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}
