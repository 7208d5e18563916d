import type { NodeId } from '@tala-net/types';
import type { SwimConfig } from './swim-config.js';

/**
 * The bounds of a suspicion timeout for a cluster of `n` live members: the shortest is
 * `suspicionMult × max(1, log10(n)) × probeInterval`, the longest (where a Lifeguard suspicion
 * starts) is `suspicionMaxTimeoutMult` times that.
 *
 * @example
 * ```ts
 * suspicionBounds(swimConfig('lan'), 100); // { min: 8000, max: 48000 }
 * ```
 */
export function suspicionBounds(config: SwimConfig, n: number): { min: number; max: number } {
  const scale = Math.max(1, Math.log10(Math.max(1, n)));
  const min = config.suspicionMult * scale * config.probeInterval;
  return { min, max: config.lifeguard ? config.suspicionMaxTimeoutMult * min : min };
}

/**
 * Lifeguard's suspicion timeout after `confirmations` independent confirmations, when `expected`
 * confirmations bring it down to `min`: `max − (max − min) × log(c + 1) / log(k + 1)`, never
 * below `min`.
 */
export function suspicionTimeout(
  min: number,
  max: number,
  expected: number,
  confirmations: number,
): number {
  if (expected < 1 || max <= min) return min;
  const fraction = Math.log(confirmations + 1) / Math.log(expected + 1);
  return Math.max(min, Math.floor(max - (max - min) * fraction));
}

/**
 * One running suspicion of a member at one incarnation: when it started, who reported it, and
 * the timeout now in force.
 */
export class Suspicion {
  /** The suspected incarnation. */
  readonly incarnation: bigint;
  /** When the suspicion started (ms). */
  readonly start: number;
  readonly #min: number;
  readonly #max: number;
  readonly #expected: number;
  readonly #reporters = new Set<NodeId>();

  constructor(
    incarnation: bigint,
    start: number,
    bounds: { min: number; max: number },
    expected: number,
    reporter: NodeId,
  ) {
    this.incarnation = incarnation;
    this.start = start;
    this.#min = bounds.min;
    this.#max = bounds.max;
    this.#expected = expected;
    this.#reporters.add(reporter);
  }

  /** Independent confirmations so far (reporters besides the first). */
  get confirmations(): number {
    return this.#reporters.size - 1;
  }

  /** When the member is declared dead unless refuted (ms). */
  get deadline(): number {
    return this.start + suspicionTimeout(this.#min, this.#max, this.#expected, this.confirmations);
  }

  /**
   * Records a report of the same suspicion by `reporter`; returns `true` when it is new and
   * moves the deadline earlier.
   */
  confirm(reporter: NodeId): boolean {
    if (this.#reporters.has(reporter) || this.confirmations >= this.#expected) return false;
    const before = this.deadline;
    this.#reporters.add(reporter);
    return this.deadline < before;
  }
}
