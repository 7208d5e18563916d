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
 * One running suspicion of a member at one incarnation: when it started, who accused the member,
 * and the timeout in force.
 *
 * Confirmations are distinct accusers — members whose own probe of the suspect failed, as named
 * by `Suspect` updates on the wire — besides the first. Gossip that merely relays a suspicion
 * names the same accuser and confirms nothing, so the timeout shrinks only with independent
 * evidence (Lifeguard).
 */
export class Suspicion {
  /** The suspected incarnation. */
  readonly incarnation: bigint;
  /** When the suspicion started (ms). */
  readonly start: number;
  readonly #min: number;
  readonly #max: number;
  readonly #expected: number;
  readonly #accusers = new Set<NodeId>();

  constructor(
    incarnation: bigint,
    start: number,
    bounds: { min: number; max: number },
    expected: number,
    accuser: NodeId | undefined,
  ) {
    this.incarnation = incarnation;
    this.start = start;
    this.#min = bounds.min;
    this.#max = bounds.max;
    this.#expected = expected;
    if (accuser !== undefined) this.#accusers.add(accuser);
  }

  /**
   * Confirmations so far: accusers besides the first (when the first is unknown, the first named
   * one takes its place).
   */
  get confirmations(): number {
    return Math.max(0, this.#accusers.size - 1);
  }

  /** When the member is declared dead unless refuted (ms). */
  get deadline(): number {
    return this.start + suspicionTimeout(this.#min, this.#max, this.#expected, this.confirmations);
  }

  /** `true` when `accuser` already accused the member in this suspicion. */
  accusedBy(accuser: NodeId): boolean {
    return this.#accusers.has(accuser);
  }

  /**
   * Records an accusation by `accuser`; returns `true` when it was a new, counted confirmation
   * (at most `expected` are counted: they bring the timeout down to its minimum).
   */
  confirm(accuser: NodeId): boolean {
    if (this.#accusers.has(accuser) || this.confirmations >= this.#expected) return false;
    this.#accusers.add(accuser);
    return true;
  }
}
