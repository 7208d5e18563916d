import { TalaError } from '@tala-net/types';
import { type ErrorCode, type ErrorCodeName, errorCodeName, isRetriable } from './error-code.js';

const REQUEST_ERROR_MARKER = Symbol.for('@tala-net/network.RequestError');

declare module '@tala-net/types' {
  interface TalaErrorCodeMap extends Record<ErrorCodeName, true> {
    /** A send or request named a peer the transport has neither a connection nor an address for. */
    UnknownPeer: true;
    /** The transport's queue for the peer is above the network's high-water mark. */
    QueueFull: true;
    /** The last connection to the peer failed and the transport has no address to redial. */
    ConnectionFailed: true;
    /** A channel already has a processor on this network. */
    ChannelInUse: true;
    /** Two channel names share a wire id on this network. */
    ChannelIdCollision: true;
    /** The network already waits for its maximum of pending requests. */
    TooManyPendingRequests: true;
  }
}

/**
 * A request that failed with a response error code (see {@link ErrorCode}): `code` is the
 * code's name (`'NotLeaderForPartition'`), `errorCode` its number on the wire, `retriable`
 * whether a retry may succeed ({@link isRetriable}).
 *
 * A processor throws one to answer a request with that code; `request` rejects with one when
 * the response carries an error, when the request timed out (`RequestTimedOut`) or when the
 * responder does not speak the version (`UnsupportedVersion`).
 *
 * @example
 * ```ts
 * throw new RequestError(ErrorCode.NotLeaderForPartition, 'the leader is node 3');
 * ```
 */
export class RequestError extends TalaError {
  /** The response error code, as on the wire (u16; unknown codes are kept). */
  readonly errorCode: number;
  /** `true` when the code is retriable ({@link isRetriable}). */
  readonly retriable: boolean;

  /**
   * Throws a `TalaError` (`InvalidArgument`) unless `errorCode` is an integer in 1 … 65535 (0
   * means success and is not an error).
   */
  constructor(errorCode: ErrorCode | number, message: string, options?: { cause?: unknown }) {
    if (!Number.isInteger(errorCode) || errorCode < 1 || errorCode > 0xffff) {
      throw new TalaError(
        'InvalidArgument',
        `RequestError: expected an error code in 1 … 65535, found ${String(errorCode)}`,
      );
    }
    super(errorCodeName(errorCode), message, options);
    this.name = 'RequestError';
    this.errorCode = errorCode;
    this.retriable = isRetriable(errorCode);
  }

  get [REQUEST_ERROR_MARKER](): true {
    return true;
  }

  /** Works across duplicate installs of this package, like `TalaError`'s check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[REQUEST_ERROR_MARKER] === true
    );
  }
}
