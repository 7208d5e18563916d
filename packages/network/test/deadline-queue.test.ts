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

  it('retains exactly the entries it is told to keep, still in deadline order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }),
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        (deadlines, keep) => {
          const queue = new DeadlineQueue();
          for (const [id, at] of deadlines.entries()) queue.push(at, id);
          queue.retain((id) => keep[id]!);
          const expected = deadlines
            .map((at, id) => [at, id] as const)
            .filter(([, id]) => keep[id])
            .map(([at]) => at)
            .sort((a, b) => a - b);
          expect(queue.size).toBe(expected.length);
          const popped: number[] = [];
          while (queue.size > 0) {
            const at = queue.earliest();
            const id = queue.pop();
            expect(keep[id]).toBe(true);
            expect(deadlines[id]).toBe(at);
            popped.push(at);
          }
          expect(popped).toEqual(expected);
        },
      ),
      { seed: 20261201, numRuns: 200 },
    );
  });
});
