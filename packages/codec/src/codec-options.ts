import { TalaError } from '@tala-net/types';
import type { MessageRegistry } from './message-registry.js';

/**
 * Largest element counts a decoder accepts, per kind of list, checked at the count before any
 * element is decoded. The defaults keep the memory one accepted frame can make `decode` hold
 * below 64 MiB. Packages that own messages add their own keys with module augmentation:
 *
 * ```ts
 * declare module '@tala-net/codec' {
 *   interface CountLimits {
 *     readonly gossipUpdates?: number;
 *   }
 * }
 * ```
 */
export interface CountLimits {
  /**
   * Members of one `MembershipUpdate`.
   * @default 65536
   */
  readonly membershipMembers?: number;
  /**
   * Assignments (partitions) of one `PartitionTableUpdate`.
   * @default 65536
   */
  readonly partitionAssignments?: number;
  /**
   * Replicas of one `PartitionTableUpdate`, summed over all its assignments.
   * @default 262144 (4 per partition at the default partition limit)
   */
  readonly partitionReplicas?: number;
}

/** Options of `decode` and of the streaming `FrameDecoder`. */
export interface DecodeOptions {
  /**
   * Largest accepted payload length in bytes (the length field of the header). A frame that
   * declares more is rejected from its header alone. `encode` uses the same limit and default.
   * @default 16777216 (16 MiB)
   */
  readonly maxFrameBytes?: number;
  /**
   * When `true`, byte-array fields (`payload`, `segmentData`, addresses) are copied out of the
   * input. When `false` they are views into the input's `ArrayBuffer`: decoding is O(1) in their
   * size, but the caller must not overwrite the input while the decoded message is in use.
   * @default false
   */
  readonly copy?: boolean;
  /**
   * Largest element counts per kind of list (see {@link CountLimits} for each default).
   * @default {}
   */
  readonly limits?: CountLimits;
  /**
   * The message definitions to decode with.
   * @default defaultRegistry (the reference's six, plus what packages registered)
   */
  readonly registry?: MessageRegistry;
}

/** Options of `encode` and `encodeInto`. */
export interface EncodeOptions {
  /**
   * Largest payload in bytes `encode` produces; a larger message throws `MessageTooLarge`
   * instead of producing a frame that a decoder with the same limit would reject.
   * @default 16777216 (16 MiB), the decoders' default
   */
  readonly maxFrameBytes?: number;
  /**
   * The message definitions to encode with.
   * @default defaultRegistry
   */
  readonly registry?: MessageRegistry;
}

/** What a message definition's reader is given besides the bytes. */
export interface ReadOptions {
  /** Copy byte-array fields out of the input instead of returning views. */
  readonly copy: boolean;
  /** The decoder's count limits (a reader applies its own default to a missing key). */
  readonly limits: CountLimits;
}

/** Default {@link DecodeOptions.maxFrameBytes}: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Read options of a decoder without options. */
export const DEFAULT_READ_OPTIONS: ReadOptions = { copy: false, limits: {} };

/** The {@link ReadOptions} of `options`. */
export function readOptionsOf(options: DecodeOptions | undefined): ReadOptions {
  if (options === undefined) return DEFAULT_READ_OPTIONS;
  checkOptions(options);
  const limits = options.limits ?? {};
  if (typeof limits !== 'object' || limits === null) {
    throw new TalaError('InvalidArgument', `limits: expected an object, found ${String(limits)}`);
  }
  return { copy: options.copy === true, limits };
}

/**
 * Validates {@link DecodeOptions.maxFrameBytes}: an integer in 0 … 2^32−1 (the largest length a
 * header can declare), or `undefined` for the default.
 */
export function checkedMaxFrameBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new TalaError(
      'InvalidArgument',
      `maxFrameBytes: expected an integer in 0 … 2^32−1, found ${String(value)}`,
    );
  }
  return value;
}

/**
 * The limit `key` of `limits`, or `fallback` when it is not set. Throws `InvalidArgument` for a
 * value that is not a non-negative integer.
 */
export function countLimit(limits: CountLimits, key: keyof CountLimits, fallback: number): number {
  const value = limits[key];
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new TalaError(
      'InvalidArgument',
      `limits.${String(key)}: expected a non-negative integer, found ${String(value)}`,
    );
  }
  return value;
}

/** Throws `InvalidArgument` unless `options` is an object whose `registry`, if any, is a registry. */
export function checkOptions(options: DecodeOptions | EncodeOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TalaError('InvalidArgument', `options: expected an object, found ${String(options)}`);
  }
  const registry = options.registry as Partial<MessageRegistry> | undefined;
  if (
    registry !== undefined &&
    (typeof registry?.definitionOfTag !== 'function' ||
      typeof registry.definitionOfType !== 'function')
  ) {
    throw new TalaError('InvalidArgument', 'options.registry: expected a MessageRegistry');
  }
}
