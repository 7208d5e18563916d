/** A timer set through a {@link Clock}; pass it back to `clearTimer` to cancel it. */
export interface TimerHandle {
  readonly at: number;
}

/**
 * Time and timers, injected into every protocol driver so the same code runs in real time and in
 * a deterministic simulation with virtual time. Times are milliseconds.
 */
export interface Clock {
  /** The current time in milliseconds. Never decreases. */
  now(): number;
  /** Calls `callback` once at time `at` (immediately-due timers run on the next turn). */
  setTimer(at: number, callback: () => void): TimerHandle;
  /** Cancels a timer; a no-op when it already ran or was cancelled. */
  clearTimer(handle: TimerHandle): void;
}

interface RealTimer extends TimerHandle {
  readonly id: ReturnType<typeof setTimeout>;
}

/**
 * The real-time {@link Clock}: `performance.now()` and `setTimeout`. Works in Node and browsers.
 *
 * @example
 * ```ts
 * const clock = realClock();
 * clock.setTimer(clock.now() + 100, () => console.log('100 ms later'));
 * ```
 */
export function realClock(): Clock {
  return {
    now: () => performance.now(),
    setTimer(at, callback): TimerHandle {
      const id = setTimeout(callback, Math.max(0, at - performance.now()));
      const timer: RealTimer = { at, id };
      return timer;
    },
    clearTimer(handle) {
      clearTimeout((handle as RealTimer).id);
    },
  };
}
