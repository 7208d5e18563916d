import { unzeroedBytes } from './unzeroed-memory.js';

/** The largest buffer kept for reuse once its frame was written. */
const MAX_SPARE_BYTES = 4 * 1024 * 1024;

/**
 * The memory a transport encodes its large frames into (those that do not go to the
 * `EncodeSlab`), reused: a frame's buffer comes back once its write completed, and the next
 * large frame that fits is encoded into it. Fresh memory costs much more than encoding into it:
 * the system maps and zeroes each page on first touch, about ten times the copy of a 1 MiB
 * segment. So a node that keeps sending segments sends them from warm memory.
 *
 * At most one spare buffer of at most 4 MiB is kept, and it is let go at a {@link sweep} when
 * no large frame used it since the previous one, or by {@link clear}: an idle transport holds
 * none. A buffer handed out and never given back (its connection closed first) is simply
 * collected.
 */
export class LargeFrameMemory {
  /** Buffers handed out by {@link take} and not given back. */
  readonly #lent = new WeakSet<Uint8Array>();
  #spare: Uint8Array | undefined;
  #usedSinceSweep = false;

  /** Bytes held for reuse (0 or the spare's size). */
  get spareBytes(): number {
    return this.#spare?.length ?? 0;
  }

  /** A buffer of exactly `length` bytes whose contents are undefined (not zero-filled). */
  take(length: number): Uint8Array {
    this.#usedSinceSweep = true;
    const spare = this.#spare;
    let buffer: Uint8Array;
    if (spare !== undefined && spare.length >= length) {
      this.#spare = undefined;
      buffer = spare.subarray(0, length);
    } else {
      // The encoder writes every byte before the buffer is sent.
      buffer = unzeroedBytes(length);
    }
    this.#lent.add(buffer);
    return buffer;
  }

  /**
   * Takes back `buffer` once nothing reads it any more (its write completed). Anything that
   * {@link take} did not hand out, or gave back already, is ignored.
   */
  giveBack(buffer: Uint8Array): void {
    if (!this.#lent.delete(buffer)) return;
    // Every buffer lent starts at byte 0 of an ArrayBuffer of its own (fresh, or the spare's).
    if (buffer.buffer.byteLength > MAX_SPARE_BYTES) return;
    const whole = new Uint8Array(buffer.buffer);
    if (this.#spare === undefined || this.#spare.length < whole.length) this.#spare = whole;
  }

  /** Lets the spare go unless a large frame was encoded since the previous sweep. */
  sweep(): void {
    if (!this.#usedSinceSweep) this.#spare = undefined;
    this.#usedSinceSweep = false;
  }

  /** Lets the spare go. */
  clear(): void {
    this.#spare = undefined;
  }
}
