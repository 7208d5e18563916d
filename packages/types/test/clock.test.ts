import { describe, expect, it, vi } from 'vitest';
import { realClock } from '../src/index.js';

describe('realClock', () => {
  it('fires a timer at its time and not after cancellation', () => {
    vi.useFakeTimers();
    try {
      const clock = realClock();
      const fired: string[] = [];
      clock.setTimer(clock.now() + 100, () => fired.push('a'));
      const b = clock.setTimer(clock.now() + 50, () => fired.push('b'));
      clock.clearTimer(b);
      vi.advanceTimersByTime(99);
      expect(fired).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(fired).toEqual(['a']);
    } finally {
      vi.useRealTimers();
    }
  });
});
