/**
 * A binary min-heap: `push` and `pop` in O(log n), `peek` in O(1). `before(a, b)` is `true` when
 * `a` must come out before `b`.
 */
export class BinaryHeap<T> {
  #items: T[] = [];
  readonly #before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }

  /** Number of items held. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds `item`. */
  push(item: T): void {
    const items = this.#items;
    let index = items.length;
    items.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = items[parent]!;
      if (!this.#before(item, above)) break;
      items[index] = above;
      index = parent;
    }
    items[index] = item;
  }

  /** Removes and returns the first item, or `undefined` when empty. */
  pop(): T | undefined {
    const items = this.#items;
    const first = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) this.#sinkFromTop(last);
    return first;
  }

  /** Keeps only the items for which `keep` holds, then restores the heap order in O(n). */
  retain(keep: (item: T) => boolean): void {
    const items = this.#items.filter(keep);
    this.#items = items;
    for (let index = (items.length >> 1) - 1; index >= 0; index--) this.#sink(index);
  }

  /** Removes every item. */
  clear(): void {
    this.#items = [];
  }

  #sinkFromTop(item: T): void {
    this.#items[0] = item;
    this.#sink(0);
  }

  #sink(start: number): void {
    const items = this.#items;
    const length = items.length;
    const item = items[start]!;
    let index = start;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && this.#before(items[right]!, items[child]!)) child = right;
      const below = items[child]!;
      if (!this.#before(below, item)) break;
      items[index] = below;
      index = child;
    }
    items[index] = item;
  }
}
