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
 * the timeout in force.
 *
 * Updates on the wire do not name the member that first accused, so independence is
 * established locally: confirmations (distinct members that gossiped the same suspicion) only
 * shorten the timeout once this node has evidence of its own, that is a failed probe of the
 * suspect. Until then the suspicion runs for the longest timeout.
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
  #evidence: boolean;

  constructor(
    incarnation: bigint,
    start: number,
    bounds: { min: number; max: number },
    expected: number,
    reporter: NodeId,
    evidence: boolean,
  ) {
    this.incarnation = incarnation;
    this.start = start;
    this.#min = bounds.min;
    this.#max = bounds.max;
    this.#expected = expected;
    this.#evidence = evidence;
    this.#reporters.add(reporter);
  }

  /** Confirmations so far (reporters besides the first). */
  get confirmations(): number {
    return this.#reporters.size - 1;
  }

  /** `true` once this node's own probe of the suspect failed. */
  get evidence(): boolean {
    return this.#evidence;
  }

  /** When the member is declared dead unless refuted (ms). */
  get deadline(): number {
    if (!this.#evidence) return this.start + this.#max;
    return this.start + suspicionTimeout(this.#min, this.#max, this.#expected, this.confirmations);
  }

  /**
   * Records a report of the same suspicion by `reporter`; returns `true` when the deadline moved
   * earlier.
   */
  confirm(reporter: NodeId): boolean {
    if (this.#reporters.has(reporter) || this.confirmations >= this.#expected) return false;
    const before = this.deadline;
    this.#reporters.add(reporter);
    return this.deadline < before;
  }

  /** Records a failed probe of the suspect; returns `true` when the deadline moved earlier. */
  addEvidence(): boolean {
    if (this.#evidence) return false;
    const before = this.deadline;
    this.#evidence = true;
    return this.deadline < before;
  }
}
