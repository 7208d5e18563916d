/**
 * A capability: a feature with a stable ASCII name whose value two nodes agree on per
 * connection, e.g. a framing version during a rolling upgrade.
 *
 * @typeParam V - the type of a value (a version number, a codec name, …).
 * @typeParam N - the name, as a literal type, so that a registry can type `valueFor`.
 */
export interface Capability<V, N extends string = string> {
  /** Stable ASCII name, at most 256 characters. */
  readonly name: N;
  /**
   * The values this node supports, from lowest to highest preference. The first is the
   * **floor**: the value used with a peer when no value is common (every node must support it).
   */
  readonly supported: readonly V[];
  /**
   * The best value of `local` that the peer also supports, or `undefined` when there is none.
   * `peer` holds the peer's values that decoded, in the peer's order.
   */
  merge(local: readonly V[], peer: readonly V[]): V | undefined;
  /** The bytes of a value (at most 16 KiB). */
  encodeValue(value: V): Uint8Array;
  /** The value of `bytes`, or `undefined` when they are not a value this node understands. */
  decodeValue(bytes: Uint8Array): V | undefined;
}

/** The value type of a capability. */
export type ValueOf<C> = C extends Capability<infer V, string> ? V : never;
