import { TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { NodeClock, VirtualClock } from '../src/index.js';

describe('VirtualClock', () => {
  it('runs timers in time order and moves time only when run', () => {
    const clock = new VirtualClock();
    const fired: [string, number][] = [];
    clock.setTimer(1_000, () => fired.push(['b', clock.now()]));
    clock.setTimer(500, () => fired.push(['a', clock.now()]));
    expect(clock.now()).toBe(0);
    expect(clock.pending).toBe(2);
    expect(clock.nextTime()).toBe(500);
    expect(clock.runFor(2_000)).toBe(2);
    expect(fired).toEqual([
      ['a', 500],
      ['b', 1_000],
    ]);
    expect(clock.now()).toBe(2_000);
    expect(clock.pending).toBe(0);
  });

  it('breaks ties by the order timers were set, and runs past timers now', () => {
    const clock = new VirtualClock({ start: 100 });
    const order: number[] = [];
    for (let i = 0; i < 5; i++) clock.setTimer(200, () => order.push(i));
    const past = clock.setTimer(50, () => order.push(-1));
    expect(past.at).toBe(100);
    clock.runUntilIdle();
    expect(order).toEqual([-1, 0, 1, 2, 3, 4]);
    expect(clock.now()).toBe(200);
  });

  it('runs timers set by timers within the same runUntil', () => {
    const clock = new VirtualClock();
    let count = 0;
    const tick = () => {
      count++;
      clock.setTimer(clock.now() + 10, tick);
    };
    clock.setTimer(10, tick);
    clock.runUntil(100);
    expect(count).toBe(10);
    expect(clock.now()).toBe(100);
    clock.runUntil(50);
    expect(clock.now()).toBe(100);
  });

  it('cancels timers, idempotently, and compacts many cancelled ones', () => {
    const clock = new VirtualClock();
    let ran = 0;
    const handles = Array.from({ length: 5_000 }, (_, i) => clock.setTimer(i, () => ran++));
    for (const handle of handles.slice(0, 4_000)) {
      clock.clearTimer(handle);
      clock.clearTimer(handle);
    }
    expect(clock.pending).toBe(1_000);
    clock.runUntilIdle();
    expect(ran).toBe(1_000);
    clock.clearTimer(handles[4_999]!);
    expect(clock.pending).toBe(0);
  });

  it('step runs one timer; runUntilIdle honours maxEvents', () => {
    const clock = new VirtualClock();
    expect(clock.step()).toBe(false);
    const tick = () => clock.setTimer(clock.now() + 1, tick);
    clock.setTimer(5, tick);
    expect(clock.step()).toBe(true);
    expect(clock.now()).toBe(5);
    expect(clock.runUntilIdle({ maxEvents: 100 })).toBe(100);
    expect(clock.now()).toBe(105);
    expect(clock.pending).toBe(1);
    expect(clock.eventsRun).toBe(101);
  });

  it('ignores a handle of another clock', () => {
    const a = new VirtualClock();
    const b = new VirtualClock();
    let ran = false;
    const foreign = a.setTimer(10, () => {
      ran = true;
    });
    b.setTimer(5, () => {});
    b.clearTimer(foreign);
    expect(b.pending).toBe(1);
    expect(a.pending).toBe(1);
    a.runUntilIdle();
    expect(ran).toBe(true);
    expect(b.runUntilIdle()).toBe(1);
    expect(b.pending).toBe(0);
  });

  it('refuses NaN times and re-entrant runs', () => {
    const clock = new VirtualClock();
    expect(() => clock.setTimer(Number.NaN, () => {})).toThrow(TalaError);
    expect(() => clock.runUntil(Number.NaN)).toThrow(TalaError);
    expect(() => clock.runUntil(Number.POSITIVE_INFINITY)).toThrow(TalaError);
    expect(() => clock.setTimer(Number.POSITIVE_INFINITY, () => {})).toThrow(TalaError);
    expect(() => new NodeClock(clock).setTimer(Number.NaN, () => {})).toThrow(TalaError);
    expect(() => clock.runFor(-1)).toThrow(TalaError);
    expect(() => new VirtualClock({ start: Number.POSITIVE_INFINITY })).toThrow(TalaError);
    let error: unknown;
    clock.setTimer(1, () => {
      try {
        clock.runFor(1);
      } catch (e) {
        error = e;
      }
    });
    clock.runFor(1);
    expect(error).toBeInstanceOf(TalaError);
  });
});

describe('NodeClock', () => {
  it('shares the time and cancels all its timers on stop', () => {
    const clock = new VirtualClock();
    const a = new NodeClock(clock);
    const b = new NodeClock(clock);
    const fired: string[] = [];
    a.setTimer(10, () => fired.push('a1'));
    a.setTimer(20, () => fired.push('a2'));
    b.setTimer(15, () => fired.push('b'));
    expect(a.pending).toBe(2);
    clock.runFor(12);
    expect(a.now()).toBe(12);
    expect(a.pending).toBe(1);
    a.stop();
    a.stop();
    expect(a.stopped).toBe(true);
    a.setTimer(13, () => fired.push('after-stop'));
    clock.runFor(100);
    expect(fired).toEqual(['a1', 'b']);
    expect(clock.pending).toBe(0);
  });

  it('drops the timers of a stopped node from the clock, also in bulk', () => {
    const clock = new VirtualClock();
    const a = new NodeClock(clock);
    const b = new NodeClock(clock);
    let ranA = 0;
    let ranB = 0;
    for (let i = 0; i < 3_000; i++) a.setTimer(i, () => ranA++);
    const handles = Array.from({ length: 1_000 }, (_, i) => b.setTimer(i, () => ranB++));
    b.clearTimer(handles[0]!);
    expect(clock.pending).toBe(3_999);
    a.stop();
    expect(a.pending).toBe(0);
    expect(clock.pending).toBe(999);
    expect(clock.nextTime()).toBe(1);
    a.clearTimer(a.setTimer(5, () => ranA++));
    expect(clock.runUntilIdle()).toBe(999);
    expect([ranA, ranB, b.pending, clock.pending]).toEqual([0, 999, 0, 0]);
  });

  it('clears only its own timers', () => {
    const clock = new VirtualClock();
    const a = new NodeClock(clock);
    const b = new NodeClock(clock);
    let ran = false;
    const handle = b.setTimer(5, () => {
      ran = true;
    });
    a.clearTimer(handle);
    clock.runFor(10);
    expect(ran).toBe(true);
  });
});
