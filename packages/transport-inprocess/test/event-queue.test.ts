import { EventQueue } from '@tala-net/transport-inprocess/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('EventQueue', () => {
  it('pops in time order, ties in push order', () => {
    const queue = new EventQueue<string>();
    queue.push(20, 'b');
    queue.push(10, 'a');
    queue.push(20, 'c');
    queue.push(5, 'z');
    expect(queue.size).toBe(4);
    expect(queue.peekTime()).toBe(5);
    expect([queue.pop(), queue.pop(), queue.pop(), queue.pop(), queue.pop()]).toEqual([
      'z',
      'a',
      'b',
      'c',
      undefined,
    ]);
    expect(queue.peekTime()).toBeUndefined();
  });

  it('is a stable sort of any push sequence, also after retain (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 5 }),
        (times, modulus) => {
          const queue = new EventQueue<number>();
          times.forEach((time, index) => {
            queue.push(time, index);
          });
          queue.retain((index) => index % modulus !== 0 || modulus === 1);
          const expected = times
            .map((time, index) => ({ time, index }))
            .filter(({ index }) => index % modulus !== 0 || modulus === 1)
            .sort((a, b) => a.time - b.time || a.index - b.index)
            .map(({ index }) => index);
          const popped: number[] = [];
          for (let value = queue.pop(); value !== undefined; value = queue.pop())
            popped.push(value);
          expect(popped).toEqual(expected);
        },
      ),
      { seed: 41, numRuns: 100 },
    );
  });

  it('interleaves pushes and pops correctly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 200 }),
        (ops) => {
          const queue = new EventQueue<number>();
          const model: { time: number; seq: number }[] = [];
          ops.forEach((op, seq) => {
            if (op >= 0) {
              queue.push(op, seq);
              model.push({ time: op, seq });
            } else {
              model.sort((a, b) => a.time - b.time || a.seq - b.seq);
              expect(queue.pop()).toBe(model.shift()?.seq);
            }
            expect(queue.size).toBe(model.length);
          });
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });
});
