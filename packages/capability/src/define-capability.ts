import { TalaError } from '@tala-net/types';
import type { Capability } from './capability.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The usual merge: the highest-preference value of `local` that is also in `peer`, values
 * compared by their encoding. It is symmetric when both sides order their values alike.
 */
export function highestCommon<V>(
  local: readonly V[],
  peer: readonly V[],
  encodeValue: (value: V) => Uint8Array,
): V | undefined {
  const peerBytes = peer.map(encodeValue);
  for (let i = local.length - 1; i >= 0; i--) {
    const bytes = encodeValue(local[i]!);
    if (peerBytes.some((other) => sameBytes(other, bytes))) return local[i];
  }
  return undefined;
}

/** What {@link defineCapability} needs; `merge` defaults to {@link highestCommon}. */
export interface CapabilityDefinition<V, N extends string> {
  /** Stable ASCII name, at most 256 characters. */
  readonly name: N;
  /** Supported values, lowest preference first; the first is the floor. */
  readonly supported: readonly V[];
  /** The bytes of a value (at most 16 KiB). */
  readonly encodeValue: (value: V) => Uint8Array;
  /** The value of `bytes`, or `undefined` when not understood. */
  readonly decodeValue: (bytes: Uint8Array) => V | undefined;
  /**
   * Picks the best local value the peer supports.
   * @default the highest-preference common value ({@link highestCommon})
   */
  readonly merge?: (local: readonly V[], peer: readonly V[]) => V | undefined;
}

/**
 * A {@link Capability} from its parts, with the usual merge unless one is given.
 *
 * @example
 * ```ts
 * const compression = defineCapability({
 *   name: 'compression',
 *   supported: ['none', 'lz4'],
 *   encodeValue: (value) => new TextEncoder().encode(value),
 *   decodeValue: (bytes) => new TextDecoder().decode(bytes),
 * });
 * ```
 */
export function defineCapability<V, N extends string>(
  definition: CapabilityDefinition<V, N>,
): Capability<V, N> {
  const { name, supported, encodeValue, decodeValue } = definition;
  const merge =
    definition.merge ??
    ((local: readonly V[], peer: readonly V[]) => highestCommon(local, peer, encodeValue));
  return Object.freeze({
    name,
    supported: Object.freeze([...supported]),
    merge,
    encodeValue,
    decodeValue,
  });
}

/**
 * A capability whose values are unsigned 32-bit integers encoded as 4 bytes little-endian
 * (protocol or framing versions); other encodings are dropped.
 *
 * @example
 * ```ts
 * const framing = uint32Capability('framing', [1, 2]);
 * framing.encodeValue(2); // Uint8Array [2, 0, 0, 0]
 * ```
 */
export function uint32Capability<N extends string>(
  name: N,
  supported: readonly number[],
): Capability<number, N> {
  if (!Array.isArray(supported)) {
    throw new TalaError('InvalidArgument', 'uint32Capability: supported must be an array');
  }
  for (const value of supported) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new TalaError('InvalidArgument', `uint32Capability: ${value} is not a u32`);
    }
  }
  return defineCapability({
    name,
    supported,
    encodeValue: (value: number) =>
      new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24]),
    decodeValue: (bytes: Uint8Array) =>
      bytes.length === 4
        ? (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0
        : undefined,
  });
}
