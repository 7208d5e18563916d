import type { NodeId } from '@tala-net/types';

/**
 * A `Map` keyed by node id, in insertion order, that hashes small ids as numbers: an id up to
 * 2^53 − 1 (every id a cluster hands out in practice) is stored under its `number` value, which
 * the engine looks up several times per message and which hashes much faster than a `bigint`;
 * a larger id is stored as the `bigint` itself. Both kinds share one `Map`, so the order of
 * insertion is kept across them.
 *
 * @example
 * ```ts
 * const members = new NodeMap<string>();
 * members.set(NodeId(7), 'seven');
 * members.get(NodeId(7)); // 'seven'
 * ```
 */
export class NodeMap<V> {
  readonly #entries = new Map<number | bigint | symbol, V>();

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `node`, if any. */
  get(node: NodeId): V | undefined {
    return this.#entries.get(keyOf(node));
  }

  /** `true` when `node` has a value. */
  has(node: NodeId): boolean {
    return this.#entries.has(keyOf(node));
  }

  /** Sets the value of `node` (a new node goes last). */
  set(node: NodeId, value: V): void {
    this.#entries.set(keyOf(node), value);
  }

  /** Removes `node`; `false` when it had no value. */
  delete(node: NodeId): boolean {
    return this.#entries.delete(keyOf(node));
  }

  /** The values, in insertion order. */
  values(): MapIterator<V> {
    return this.#entries.values();
  }
}

/** The key of anything that is not a `bigint` (no valid id): the ids only ever store others. */
const NOT_AN_ID = Symbol('not a node id');

/**
 * The key of `node`: its `number` value when that is exact, the `bigint` otherwise, and
 * {@link NOT_AN_ID} for a value that is not a `bigint`.
 */
function keyOf(node: NodeId): number | bigint | symbol {
  if (typeof node !== 'bigint') return NOT_AN_ID;
  const small = Number(node);
  return Number.isSafeInteger(small) ? small : node;
}
