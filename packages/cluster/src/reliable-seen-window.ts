/**
 * Sequence numbers farther than this from a sender's window belong to another instance of that
 * sender (it restarted and drew a new starting sequence number): the window starts over.
 */
export const SEQ_RESTART_DISTANCE = 1n << 32n;

/**
 * What a {@link SeenWindow} says about a sequence number: `new` (first seen), `duplicate` (seen
 * in the window) or `old` (at or below the window's floor: seen before, or given up).
 */
export type SeenVerdict = 'new' | 'duplicate' | 'old';

/**
 * The sequence numbers of one sender seen by a receiver, in a sliding window of `size` numbers
 * above `floor` (one bit each): every number at or below `floor` counts as seen. The window
 * slides forward when a number beyond it arrives, so its memory is `size / 8` bytes whatever
 * the sender sends; a number that falls behind the window unseen is reported `old` and never
 * delivered (a gap that wide means the sender gave the message up long ago). The window opens
 * half a window below the first number seen, so messages reordered before it are still new.
 */
export class SeenWindow {
  /** Every sequence number ≤ floor is treated as seen. */
  #floor: bigint;
  readonly #bits: Uint8Array;
  readonly #size: number;
  readonly #bigSize: bigint;

  /** A window around `first`, the first number seen (not yet recorded); `size` is a multiple of 8. */
  constructor(first: bigint, size: number) {
    this.#size = size;
    this.#bigSize = BigInt(size);
    this.#bits = new Uint8Array(size >>> 3);
    this.#floor = this.#openingFloor(first);
  }

  /** The highest number below which everything counts as seen. */
  get floor(): bigint {
    return this.#floor;
  }

  /** Records `seq` and says whether it was new, a duplicate, or behind the window. */
  observe(seq: bigint): SeenVerdict {
    const distance = seq - this.#floor;
    if (distance > SEQ_RESTART_DISTANCE || -distance > SEQ_RESTART_DISTANCE) {
      this.#restart(seq);
    } else if (distance <= 0n) {
      return 'old';
    } else if (distance > this.#bigSize) {
      this.#slideTo(seq - this.#bigSize);
    }
    const index = this.#index(seq);
    const mask = 1 << (index & 7);
    if ((this.#bits[index >>> 3]! & mask) !== 0) return 'duplicate';
    this.#bits[index >>> 3]! |= mask;
    this.#compact();
    return 'new';
  }

  #index(seq: bigint): number {
    return Number(seq % this.#bigSize);
  }

  #clear(seq: bigint): void {
    const index = this.#index(seq);
    this.#bits[index >>> 3]! &= ~(1 << (index & 7));
  }

  #isSet(seq: bigint): boolean {
    const index = this.#index(seq);
    return (this.#bits[index >>> 3]! & (1 << (index & 7))) !== 0;
  }

  #restart(seq: bigint): void {
    this.#bits.fill(0);
    this.#floor = this.#openingFloor(seq);
  }

  #openingFloor(first: bigint): bigint {
    const floor = first - 1n - this.#bigSize / 2n;
    return floor < -1n ? -1n : floor;
  }

  /** Moves the floor up to `floor`, forgetting the bits of the numbers it passes. */
  #slideTo(floor: bigint): void {
    if (floor - this.#floor >= this.#bigSize) {
      this.#bits.fill(0);
    } else {
      for (let seq = this.#floor + 1n; seq <= floor; seq++) this.#clear(seq);
    }
    this.#floor = floor;
  }

  /** Raises the floor over the numbers seen just above it, so their bits can be reused. */
  #compact(): void {
    let steps = 0;
    while (steps < this.#size && this.#isSet(this.#floor + 1n)) {
      this.#floor++;
      this.#clear(this.#floor);
      steps++;
    }
  }
}
