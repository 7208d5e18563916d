/**
 * Lifeguard's local health awareness: a score in `0 … max − 1` that rises when this node misses
 * acks it should have received (missing nacks, refuting a suspicion of itself) and falls with
 * every successful probe. The probe interval and timeout are multiplied by `score + 1`, so a
 * struggling node slows its own probing instead of accusing healthy members.
 */
export class LocalHealth {
  #score = 0;
  readonly #max: number;

  /** `maxMultiplier` is the largest multiplier (1 disables the mechanism). */
  constructor(maxMultiplier: number) {
    this.#max = Math.max(1, maxMultiplier);
  }

  /** The current score, `0` when healthy. */
  get score(): number {
    return this.#score;
  }

  /** The factor applied to probe interval and timeout: `score + 1`. */
  get multiplier(): number {
    return this.#score + 1;
  }

  /** Adds `delta` (negative for good news), clamped to `0 … max − 1`. */
  apply(delta: number): void {
    this.#score = Math.min(this.#max - 1, Math.max(0, this.#score + delta));
  }

  /** `interval` stretched by the current multiplier. */
  scale(interval: number): number {
    return interval * (this.#score + 1);
  }
}
