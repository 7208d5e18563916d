/**
 * Deadlines of pending requests in one binary min-heap, so that a single clock timer (set for
 * the earliest) serves every request instead of one timer each. Entries of requests that were
 * answered stay until they come up and are skipped; the owner rebuilds the heap when they
 * outnumber the live ones, which keeps it bounded.
 */
export class DeadlineQueue {
  #at: number[] = [];
  #ids: number[] = [];
  /**
   * Entries in the heap: the first `#size` of the arrays. The arrays never shrink (but on
   * `clear`), so that a heap that empties and fills again, as `retain` makes it do, does not
   * allocate its arrays again each time.
   */
  #size = 0;

  /** Entries held, stale ones included. */
  get size(): number {
    return this.#size;
  }

  /** The earliest deadline, or `Infinity` when empty. */
  earliest(): number {
    return this.#size === 0 ? Number.POSITIVE_INFINITY : this.#at[0]!;
  }

  /** Adds request `id` with deadline `at`. */
  push(at: number, id: number): void {
    const heapAt = this.#at;
    const ids = this.#ids;
    let index = this.#size++;
    if (index === heapAt.length) {
      heapAt.push(at);
      ids.push(id);
    }
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heapAt[parent]! <= at) break;
      heapAt[index] = heapAt[parent]!;
      ids[index] = ids[parent]!;
      index = parent;
    }
    heapAt[index] = at;
    ids[index] = id;
  }

  /** Removes the earliest entry and returns its id (the queue must not be empty). */
  pop(): number {
    const heapAt = this.#at;
    const ids = this.#ids;
    const top = ids[0]!;
    const last = --this.#size;
    if (last > 0) this.#siftDown(0, heapAt[last]!, ids[last]!);
    return top;
  }

  /**
   * Keeps only the entries whose id passes `keep` (in place, without allocating) and restores
   * the heap order.
   */
  retain(keep: (id: number) => boolean): void {
    const heapAt = this.#at;
    const ids = this.#ids;
    let kept = 0;
    for (let index = 0; index < this.#size; index++) {
      const id = ids[index]!;
      if (!keep(id)) continue;
      heapAt[kept] = heapAt[index]!;
      ids[kept] = id;
      kept++;
    }
    this.#size = kept;
    for (let index = (kept >> 1) - 1; index >= 0; index--) {
      this.#siftDown(index, heapAt[index]!, ids[index]!);
    }
  }

  /** Places the entry (`at`, `id`) at `index` or below it, moving earlier children up. */
  #siftDown(start: number, at: number, id: number): void {
    const heapAt = this.#at;
    const ids = this.#ids;
    const length = this.#size;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && heapAt[right]! < heapAt[left]! ? right : left;
      if (heapAt[child]! >= at) break;
      heapAt[index] = heapAt[child]!;
      ids[index] = ids[child]!;
      index = child;
    }
    heapAt[index] = at;
    ids[index] = id;
  }

  /** Empties the queue. */
  clear(): void {
    this.#at = [];
    this.#ids = [];
    this.#size = 0;
  }
}
