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
  // Three parallel arrays (time, push sequence, value) rather than one object per entry: no
  // allocation per push, and comparisons read plain numbers.
  private times: number[] = [];
  private seqs: number[] = [];
  private values: T[] = [];
  private nextSeq = 0;

  /** Number of queued values. */
  get size(): number {
    return this.values.length;
  }

  /** Time of the earliest value, or `undefined` when empty. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  /** The earliest value without removing it, or `undefined` when empty. */
  peek(): T | undefined {
    return this.values[0];
  }

  /** Schedules `value` at time `at`. */
  push(at: number, value: T): void {
    const { times, seqs, values } = this;
    const seq = this.nextSeq++;
    let index = values.length;
    times.push(at);
    seqs.push(seq);
    values.push(value);
    // Sift up: move the hole towards the root while the parent is later.
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentAt = times[parent]!;
      if (parentAt < at || (parentAt === at && seqs[parent]! < seq)) break;
      times[index] = parentAt;
      seqs[index] = seqs[parent]!;
      values[index] = values[parent]!;
      index = parent;
    }
    times[index] = at;
    seqs[index] = seq;
    values[index] = value;
  }

  /** Removes and returns the earliest value (the first pushed among equal times). */
  pop(): T | undefined {
    const { times, seqs, values } = this;
    if (values.length === 0) return undefined;
    const top = values[0];
    const lastAt = times.pop()!;
    const lastSeq = seqs.pop()!;
    const lastValue = values.pop()!;
    if (values.length > 0) this.siftDown(0, lastAt, lastSeq, lastValue);
    return top;
  }

  /** Removes every value for which `keep` returns `false`, in O(n). */
  retain(keep: (value: T) => boolean): void {
    const times: number[] = [];
    const seqs: number[] = [];
    const values: T[] = [];
    for (let i = 0; i < this.values.length; i++) {
      const value = this.values[i]!;
      if (!keep(value)) continue;
      times.push(this.times[i]!);
      seqs.push(this.seqs[i]!);
      values.push(value);
    }
    this.times = times;
    this.seqs = seqs;
    this.values = values;
    for (let index = (values.length >> 1) - 1; index >= 0; index--) {
      this.siftDown(index, times[index]!, seqs[index]!, values[index]!);
    }
  }

  /** Removes every value. */
  clear(): void {
    this.times = [];
    this.seqs = [];
    this.values = [];
  }

  private siftDown(index: number, at: number, seq: number, value: T): void {
    const { times, seqs, values } = this;
    const length = values.length;
    const half = length >> 1;
    while (index < half) {
      let child = 2 * index + 1;
      let childAt = times[child]!;
      let childSeq = seqs[child]!;
      const right = child + 1;
      if (right < length) {
        const rightAt = times[right]!;
        const rightSeq = seqs[right]!;
        if (rightAt < childAt || (rightAt === childAt && rightSeq < childSeq)) {
          child = right;
          childAt = rightAt;
          childSeq = rightSeq;
        }
      }
      if (at < childAt || (at === childAt && seq < childSeq)) break;
      times[index] = childAt;
      seqs[index] = childSeq;
      values[index] = values[child]!;
      index = child;
    }
    times[index] = at;
    seqs[index] = seq;
    values[index] = value;
  }
}
