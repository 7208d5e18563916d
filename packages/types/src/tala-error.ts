const TALA_ERROR_MARKER = Symbol.for('@tala-net/types.TalaError');

/**
 * The error codes of the core packages. `SegmentCorrupted` is the Rust reference's variant for
 * every wire error; the others cover API misuse and protocol conditions. Other packages add their
 * own codes through {@link TalaErrorCodeMap}.
 */
export const TalaErrorCode = {
  /** Bytes on the wire are invalid, truncated, non-canonical or exceed a limit. */
  SegmentCorrupted: 'SegmentCorrupted',
  /** An id or count is not an integer in its allowed range. */
  InvalidId: 'InvalidId',
  /** An argument is outside what the API accepts (wrong type, length, range, …). */
  InvalidArgument: 'InvalidArgument',
  /** A partition table violates an invariant (duplicate partition, owner among replicas, …). */
  InvalidPartitionTable: 'InvalidPartitionTable',
  /** The object was closed or stopped and can no longer be used. */
  Closed: 'Closed',
  /** Nobody could be reached at an address (refused, no route, no such node). */
  Unreachable: 'Unreachable',
  /** An operation did not complete within its deadline. */
  TimedOut: 'TimedOut',
  /** An operation was cut short by its `AbortSignal`. */
  Aborted: 'Aborted',
} as const;

/**
 * Every error code a {@link TalaError} may carry, as keys. A package that needs codes of its own
 * adds them with module augmentation (and documents them in its README), without editing this
 * package:
 *
 * ```ts
 * declare module '@tala-net/types' {
 *   interface TalaErrorCodeMap {
 *     HandshakeFailed: true;
 *   }
 * }
 * ```
 */
export interface TalaErrorCodeMap
  extends Record<(typeof TalaErrorCode)[keyof typeof TalaErrorCode], true> {}

/** One of the keys of {@link TalaErrorCodeMap}. */
export type TalaErrorCode = keyof TalaErrorCodeMap & string;

/**
 * The one error type of tala-net. `code` is stable and meant for programs; `message` says what
 * was expected and what was found.
 *
 * `instanceof TalaError` works across duplicate installs of this package (the check uses a
 * `Symbol.for` marker, not the class identity).
 *
 * @example
 * ```ts
 * try {
 *   NodeId(-1);
 * } catch (error) {
 *   if (error instanceof TalaError && error.code === 'InvalidId') console.log(error.message);
 * }
 * ```
 */
export class TalaError extends Error {
  /** Stable machine-readable code. */
  readonly code: TalaErrorCode;

  constructor(code: TalaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'TalaError';
  }

  get [TALA_ERROR_MARKER](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[TALA_ERROR_MARKER] === true
    );
  }
}
