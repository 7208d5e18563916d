import type { TimerHandle } from '@tala-net/types';

/**
 * The pending timers of one driver, kept so that they can all be cleared at once. Adding and
 * removing one is O(1) without hashing: each timer owns a slot of an array, and freed slots are
 * reused.
 *
 * @example
 * ```ts
 * const timers = new PendingTimers();
 * const slot = timers.reserve();
 * timers.fill(slot, clock.setTimer(at, () => timers.release(slot)));
 * timers.clearAll((handle) => clock.clearTimer(handle));
 * ```
 */
export class PendingTimers {
  #handles: Array<TimerHandle | undefined> = [];
  #free: number[] = [];

  /** Number of timers pending. */
  get size(): number {
    return this.#handles.length - this.#free.length;
  }

  /** Takes a slot for a timer about to be set. */
  reserve(): number {
    const slot = this.#free.pop();
    if (slot !== undefined) return slot;
    this.#handles.push(undefined);
    return this.#handles.length - 1;
  }

  /** Records the handle of the timer of `slot`. */
  fill(slot: number, handle: TimerHandle): void {
    this.#handles[slot] = handle;
  }

  /** The timer of `slot` fired (or is gone): its slot is free again. */
  release(slot: number): void {
    this.#handles[slot] = undefined;
    this.#free.push(slot);
  }

  /** Calls `clear` with every pending timer's handle and forgets them all. */
  clearAll(clear: (handle: TimerHandle) => void): void {
    for (const handle of this.#handles) if (handle !== undefined) clear(handle);
    this.#handles = [];
    this.#free = [];
  }
}
