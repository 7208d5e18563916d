import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../src/deadline-queue.js';

describe('DeadlineQueue', () => {
  it('pops ids by ascending deadline, whatever the order of pushes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(-1)), { maxLength: 200 }),
        (operations) => {
          const queue = new DeadlineQueue();
          const model: [number, number][] = [];
          let nextId = 0;
          for (const operation of operations) {
            if (operation >= 0) {
              queue.push(operation, nextId);
              model.push([operation, nextId++]);
            } else if (model.length > 0) {
              model.sort((a, b) => a[0] - b[0]);
              const earliest = model[0]![0];
              expect(queue.earliest()).toBe(earliest);
              const id = queue.pop();
              const index = model.findIndex(([at, modelId]) => at === earliest && modelId === id);
              expect(index).toBeGreaterThanOrEqual(0);
              model.splice(index, 1);
            }
            expect(queue.size).toBe(model.length);
          }
        },
      ),
    );
    const queue = new DeadlineQueue();
    expect(queue.earliest()).toBe(Number.POSITIVE_INFINITY);
  });
});
