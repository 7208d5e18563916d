import { setTimeout as delay } from 'node:timers/promises';
import { TalaError } from '@tala-net/types';

/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** What is awaited, for the error message (`the cluster to converge`). */
  readonly what: string;
  /** Give up after this long. */
  readonly timeoutMs: number;
  /**
   * Pause between two checks.
   * @default 100
   */
  readonly intervalMs?: number;
  /** Gives up at once when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Calls `check` until it returns something other than `undefined` and resolves with it. Rejects
 * with a `TalaError`: `TimedOut` after `timeoutMs` (with the last error `check` threw as
 * `cause`), `Aborted` when `signal` aborts.
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: WaitUntilOptions,
): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (options.signal?.aborted === true) {
      throw new TalaError('Aborted', `aborted while waiting for ${options.what}`, {
        cause: options.signal.reason,
      });
    }
    try {
      const result = await check();
      if (result !== undefined) return result;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) {
      throw new TalaError(
        'TimedOut',
        `gave up waiting for ${options.what} after ${options.timeoutMs} ms`,
        lastError === undefined ? undefined : { cause: lastError },
      );
    }
    try {
      await delay(options.intervalMs ?? 100, undefined, { signal: options.signal });
    } catch {
      // Aborted: the next turn reports it.
    }
  }
}
