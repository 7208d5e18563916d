/** A timer set through a {@link Clock}; pass it back to `clearTimer` to cancel it. */
export interface TimerHandle {
  /** When the timer fires, in the clock's milliseconds. */
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
  id: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The real-time {@link Clock}: `performance.now()` and `setTimeout`. Works in Node and browsers.
 * A callback never runs before `now() >= at`: `setTimeout` may fire a little early (Node rounds
 * to whole milliseconds), so an early timer is set again for the remainder.
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
      const timer: RealTimer = { at, id: undefined };
      const arm = (): void => {
        const remaining = at - performance.now();
        if (remaining <= 0) {
          timer.id = undefined;
          callback();
          return;
        }
        timer.id = setTimeout(arm, Math.ceil(remaining));
      };
      timer.id = setTimeout(arm, Math.max(0, Math.ceil(at - performance.now())));
      return timer;
    },
    clearTimer(handle) {
      const timer = handle as RealTimer;
      if (timer.id !== undefined) clearTimeout(timer.id);
      timer.id = undefined;
    },
  };
}
