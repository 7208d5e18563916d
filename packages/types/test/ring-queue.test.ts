import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingQueue } from '../src/index.js';

describe('RingQueue', () => {
  it('behaves like an array used as a FIFO under any sequence of operations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 300 }),
        (ops) => {
          const queue = new RingQueue<number>(2);
          const model: number[] = [];
          for (const op of ops) {
            if (op === null) expect(queue.shift()).toBe(model.shift());
            else {
              queue.push(op);
              model.push(op);
            }
            expect(queue.length).toBe(model.length);
            expect(queue.peek()).toBe(model[0]);
          }
        },
      ),
      { seed: 43, numRuns: 100 },
    );
  });

  it('holds memory for the most items waiting at once, not for how many went through', () => {
    const queue = new RingQueue<number>();
    queue.push(0);
    for (let i = 1; i < 100_000; i++) {
      queue.push(i);
      expect(queue.shift()).toBe(i - 1);
    }
    expect(queue.length).toBe(1);
    expect(queue.capacity).toBe(16);
  });

  it('empties on clear', () => {
    const queue = new RingQueue<number>();
    for (let i = 0; i < 40; i++) queue.push(i);
    queue.clear();
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });
});
