import type { Random } from '@tala-net/types';

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry): exponential backoff
 * with full jitter, a uniformly random delay in [0, min(cap, base · 2^attempt)) milliseconds, so
 * that peers that lost the same node do not redial it in lockstep.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: Random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random.next() * ceiling);
}
