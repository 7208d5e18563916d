import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realClock } from '../src/index.js';

describe('realClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires a timer at its time and not after cancellation', () => {
    const clock = realClock();
    const fired: string[] = [];
    clock.setTimer(clock.now() + 100, () => fired.push('a'));
    const b = clock.setTimer(clock.now() + 50, () => fired.push('b'));
    clock.clearTimer(b);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
  });

  it('never runs a callback before now() reaches its time, even if setTimeout fires early', () => {
    const clock = realClock();
    const start = clock.now();
    let firedAt: number | undefined;
    // A fractional due time: setTimeout works in whole milliseconds.
    clock.setTimer(start + 10.4, () => {
      firedAt = clock.now();
    });
    vi.advanceTimersByTime(10);
    expect(firedAt).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(firedAt).toBeGreaterThanOrEqual(start + 10.4);
  });

  it('sets an early-firing timeout again for the remainder', () => {
    let now = 0;
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const clock = realClock();
      let fired = 0;
      clock.setTimer(100, () => fired++);
      now = 99.5; // setTimeout fires while performance.now() is still short of the due time
      vi.advanceTimersByTime(100);
      expect(fired).toBe(0);
      now = 100.2;
      vi.advanceTimersByTime(1);
      expect(fired).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('can cancel a timer that is waiting for its remainder', () => {
    const clock = realClock();
    let fired = false;
    const timer = clock.setTimer(clock.now() + 10.4, () => {
      fired = true;
    });
    vi.advanceTimersByTime(10);
    clock.clearTimer(timer);
    vi.advanceTimersByTime(5);
    expect(fired).toBe(false);
  });
});
