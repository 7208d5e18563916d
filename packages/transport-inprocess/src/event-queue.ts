interface Entry<T> {
  at: number;
  seq: number;
  value: T;
}

/**
 * A priority queue of scheduled values ordered by time, on a binary heap: `push` and `pop` are
 * O(log n). Values scheduled for the same time come out in the order they were pushed, so a run
 * that pushes the same values in the same order always pops them in the same order.
 *
 * @example
 * ```ts
 * const queue = new EventQueue<string>();
 * queue.push(20, 'b');
 * queue.push(10, 'a');
 * queue.push(20, 'c');
 * queue.pop(); // 'a', then 'b', then 'c'
 * ```
 */
export class EventQueue<T> {
  private heap: Entry<T>[] = [];
  private nextSeq = 0;

  /** Number of queued values. */
  get size(): number {
    return this.heap.length;
  }

  /** Time of the earliest value, or `undefined` when empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  /** The earliest value without removing it, or `undefined` when empty. */
  peek(): T | undefined {
    return this.heap[0]?.value;
  }

  /** Schedules `value` at time `at`. */
  push(at: number, value: T): void {
    const heap = this.heap;
    const entry: Entry<T> = { at, seq: this.nextSeq++, value };
    let index = heap.length;
    heap.push(entry);
    // Sift up: move the hole towards the root while the parent is later than the entry.
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.at < at || (parent.at === at && parent.seq < entry.seq)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = entry;
  }

  /** Removes and returns the earliest value (the first pushed among equal times). */
  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) this.siftDown(0, last);
    return top.value;
  }

  /** Removes every value for which `keep` returns `false`, in O(n). */
  retain(keep: (value: T) => boolean): void {
    const heap = this.heap.filter((entry) => keep(entry.value));
    this.heap = heap;
    for (let index = (heap.length >> 1) - 1; index >= 0; index--) {
      this.siftDown(index, heap[index]!);
    }
  }

  /** Removes every value. */
  clear(): void {
    this.heap = [];
  }

  private siftDown(index: number, entry: Entry<T>): void {
    const heap = this.heap;
    const length = heap.length;
    const half = length >> 1;
    while (index < half) {
      let childIndex = 2 * index + 1;
      let child = heap[childIndex]!;
      const rightIndex = childIndex + 1;
      if (rightIndex < length) {
        const right = heap[rightIndex]!;
        if (right.at < child.at || (right.at === child.at && right.seq < child.seq)) {
          childIndex = rightIndex;
          child = right;
        }
      }
      if (entry.at < child.at || (entry.at === child.at && entry.seq < child.seq)) break;
      heap[index] = child;
      index = childIndex;
    }
    heap[index] = entry;
  }
}
