import { TalaError } from '@tala-net/types';

/**
 * When `Conduit.request` tries again. Only failures with a retriable code (`isRetriable`) are
 * retried, after a backoff with full jitter (a uniform delay in `[0, min(capMs, baseMs·2^n))`
 * before retry `n + 1`), and only while the retry can start before the request's deadline.
 */
export interface RetryOptions {
  /**
   * Attempts in all, the first included (1 means no retry).
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Backoff base in milliseconds.
   * @default 20
   */
  readonly baseMs?: number;
  /**
   * Longest backoff in milliseconds.
   * @default 1_000
   */
  readonly capMs?: number;
  /**
   * How long one attempt waits for its response, in milliseconds, within the request's overall
   * `timeout`; an attempt that times out fails with the retriable `RequestTimedOut`.
   * @default the time left until the request's deadline
   */
  readonly attemptTimeoutMs?: number;
}

/**
 * Longest timeout in milliseconds (2^31 − 1, about 24.8 days): the longest a timer can wait.
 */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** {@link RetryOptions} with defaults applied. */
export interface ResolvedRetry {
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
  readonly attemptTimeoutMs: number;
}

/** No retries: one attempt that may use the whole timeout. */
export const NO_RETRY: ResolvedRetry = {
  attempts: 1,
  baseMs: 0,
  capMs: 0,
  attemptTimeoutMs: Number.POSITIVE_INFINITY,
};

/** Applies the defaults of {@link RetryOptions}; throws `InvalidArgument` for a bad value. */
export function resolveRetry(retry: RetryOptions | boolean | undefined): ResolvedRetry {
  if (retry === undefined || retry === false) return NO_RETRY;
  const options = retry === true ? {} : retry;
  if (typeof options !== 'object' || options === null) {
    throw new TalaError(
      'InvalidArgument',
      `retry: expected an object or a boolean, found ${retry}`,
    );
  }
  return {
    attempts: integerIn(options.attempts, 3, 1, 1_000, 'retry.attempts'),
    baseMs: integerIn(options.baseMs, 20, 0, 3_600_000, 'retry.baseMs'),
    capMs: integerIn(options.capMs, 1_000, 0, 3_600_000, 'retry.capMs'),
    attemptTimeoutMs:
      options.attemptTimeoutMs === undefined
        ? Number.POSITIVE_INFINITY
        : integerIn(options.attemptTimeoutMs, 0, 1, MAX_TIMEOUT_MS, 'retry.attemptTimeoutMs'),
  };
}

/** The backoff before retry `retry` (1 for the first): full jitter over the exponential bound. */
export function backoffMs(retry: ResolvedRetry, attempt: number, random: () => number): number {
  const bound = Math.min(retry.capMs, retry.baseMs * 2 ** Math.min(attempt - 1, 30));
  return random() * bound;
}

/** Validates an optional integer option in `[min, max]`, or returns `fallback` when absent. */
export function integerIn(
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  name: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TalaError(
      'InvalidArgument',
      `${name}: expected an integer in ${min} … ${max}, found ${String(value)}`,
    );
  }
  return value;
}
