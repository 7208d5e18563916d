/**
 * One number per peer, by the network's index of the peer (0 when unset), in a typed array that
 * grows to the next power of two. Used on the hot path instead of a `Map` keyed by id (no
 * hashing), a sparse array (which V8 turns into a hash table once it is large and sparse) or a
 * dense array of numbers (which the garbage collector scans: measured slower at 1,000 nodes).
 */
export class PeerSlots {
  private values = new Float64Array(0);

  /** The number of peer `index`, 0 when unset. */
  get(index: number): number {
    return index < this.values.length ? this.values[index]! : 0;
  }

  /** Sets the number of peer `index`. */
  set(index: number, value: number): void {
    if (index >= this.values.length) this.grow(index);
    this.values[index] = value;
  }

  /** Adds `delta` to the number of peer `index` and returns the sum. */
  add(index: number, delta: number): number {
    if (index >= this.values.length) this.grow(index);
    const sum = this.values[index]! + delta;
    this.values[index] = sum;
    return sum;
  }

  /** The indices whose number is not 0, in ascending order. */
  indices(): number[] {
    const found: number[] = [];
    const values = this.values;
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) found.push(i);
    return found;
  }

  /** Unsets every number. */
  clear(): void {
    this.values.fill(0);
  }

  /** Grows to the next power of two above `index` (at least 64): few allocations per node. */
  private grow(index: number): void {
    let capacity = Math.max(64, this.values.length);
    while (capacity <= index) capacity *= 2;
    const next = new Float64Array(capacity);
    next.set(this.values);
    this.values = next;
  }
}
