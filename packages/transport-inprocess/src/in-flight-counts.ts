const EMPTY = -1;
const INITIAL_BITS = 3;

/**
 * What one simulated node has in flight to each receiver (by the network's index of the
 * receiver): frames and encoded bytes. Only pairs with something in flight hold an entry, in a
 * small open-addressing table (linear probing, deletion by backward shift) over typed arrays: a
 * message costs no allocation and no rehash, where a `Map` that deletes and re-inserts a key
 * per message measured several times slower, and a table per pair that ever talked would grow
 * with the square of the nodes.
 */
export class InFlightCounts {
  private keys = new Int32Array(1 << INITIAL_BITS).fill(EMPTY);
  private frames = new Int32Array(1 << INITIAL_BITS);
  private bytes = new Float64Array(1 << INITIAL_BITS);
  private shift = 32 - INITIAL_BITS;
  private size = 0;
  /**
   * The last key found and its slot: a node usually has one receiver in flight at a time, so
   * most lookups skip the hashing. Cleared whenever entries move.
   */
  private lastKey = EMPTY;
  private lastSlot = 0;

  /** Frames in flight to receiver `index`. */
  framesTo(index: number): number {
    const slot = this.find(index);
    return slot === EMPTY ? 0 : this.frames[slot]!;
  }

  /** Encoded bytes in flight to receiver `index` (0 without a wire codec). */
  bytesTo(index: number): number {
    const slot = this.find(index);
    return slot === EMPTY ? 0 : this.bytes[slot]!;
  }

  /** One frame of `bytes` bytes left for receiver `index`. */
  add(index: number, bytes: number): void {
    let slot = this.find(index);
    if (slot === EMPTY) {
      if (2 * (this.size + 1) > this.keys.length) this.grow();
      slot = this.home(index);
      const mask = this.keys.length - 1;
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.keys[slot] = index;
      this.size++;
      this.lastKey = index;
      this.lastSlot = slot;
    }
    this.frames[slot]!++;
    this.bytes[slot]! += bytes;
  }

  /** One frame of `bytes` bytes for receiver `index` left the wire; returns the frames left. */
  remove(index: number, bytes: number): number {
    const slot = this.find(index);
    if (slot === EMPTY) return 0;
    const left = this.frames[slot]! - 1;
    if (left <= 0) {
      this.deleteAt(slot);
      return 0;
    }
    this.frames[slot] = left;
    this.bytes[slot]! -= bytes;
    return left;
  }

  /** Forgets what is in flight to receiver `index`; returns `true` when something was. */
  forget(index: number): boolean {
    const slot = this.find(index);
    if (slot === EMPTY) return false;
    this.deleteAt(slot);
    return true;
  }

  private home(index: number): number {
    return Math.imul(index, 0x9e3779b1) >>> this.shift;
  }

  private find(index: number): number {
    if (index === this.lastKey) return this.lastSlot;
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let slot = this.home(index); ; slot = (slot + 1) & mask) {
      const key = keys[slot]!;
      if (key === index) {
        this.lastKey = index;
        this.lastSlot = slot;
        return slot;
      }
      if (key === EMPTY) return EMPTY;
    }
  }

  /** Empties `slot`, moving back the entries of its probe run that would become unreachable. */
  private deleteAt(slot: number): void {
    this.lastKey = EMPTY;
    const keys = this.keys;
    const mask = keys.length - 1;
    let hole = slot;
    for (let next = (hole + 1) & mask; keys[next] !== EMPTY; next = (next + 1) & mask) {
      const home = this.home(keys[next]!);
      // The entry at `next` stays when its home lies cyclically in (hole, next].
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      keys[hole] = keys[next]!;
      this.frames[hole] = this.frames[next]!;
      this.bytes[hole] = this.bytes[next]!;
      hole = next;
    }
    keys[hole] = EMPTY;
    this.frames[hole] = 0;
    this.bytes[hole] = 0;
    this.size--;
  }

  private grow(): void {
    this.lastKey = EMPTY;
    const { keys, frames, bytes } = this;
    const capacity = keys.length * 2;
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.frames = new Int32Array(capacity);
    this.bytes = new Float64Array(capacity);
    this.shift--;
    this.size = 0;
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot]!;
      if (key === EMPTY) continue;
      let target = this.home(key);
      while (this.keys[target] !== EMPTY) target = (target + 1) & (capacity - 1);
      this.keys[target] = key;
      this.frames[target] = frames[slot]!;
      this.bytes[target] = bytes[slot]!;
      this.size++;
    }
  }
}
