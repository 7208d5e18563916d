import { InFlightCounts, PeerSlots } from '@tala-net/transport-inprocess/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type CountOp =
  | { readonly kind: 'add'; readonly index: number; readonly bytes: number }
  | { readonly kind: 'remove'; readonly index: number; readonly bytes: number }
  | { readonly kind: 'forget'; readonly index: number };

// Indices from a small range collide in the table and in its probe runs; a few far ones test growth.
const indexArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 100_000 }));
const opArb: fc.Arbitrary<CountOp> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), index: indexArb, bytes: fc.nat(100) }),
  fc.record({ kind: fc.constant('remove' as const), index: indexArb, bytes: fc.nat(100) }),
  fc.record({ kind: fc.constant('forget' as const), index: indexArb }),
);

type Model = Map<number, { frames: number; bytes: number }>;

/** Applies `op` to the model and returns what `remove` / `forget` must answer. */
function applyToModel(model: Model, op: CountOp): number | boolean | undefined {
  const entry = model.get(op.index);
  if (op.kind === 'add') {
    const frames = (entry?.frames ?? 0) + 1;
    model.set(op.index, { frames, bytes: (entry?.bytes ?? 0) + op.bytes });
    return undefined;
  }
  if (op.kind === 'forget') {
    model.delete(op.index);
    return entry !== undefined;
  }
  const left = entry === undefined ? 0 : entry.frames - 1;
  if (entry !== undefined && left > 0) {
    model.set(op.index, { frames: left, bytes: entry.bytes - op.bytes });
  } else model.delete(op.index);
  return left;
}

function applyToCounts(counts: InFlightCounts, op: CountOp): number | boolean | undefined {
  if (op.kind === 'add') {
    counts.add(op.index, op.bytes);
    return undefined;
  }
  if (op.kind === 'forget') return counts.forget(op.index);
  return counts.remove(op.index, op.bytes);
}

describe('InFlightCounts', () => {
  it('counts frames and bytes per receiver like a map, under any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const counts = new InFlightCounts();
        const model: Model = new Map();
        for (const op of ops) {
          expect(applyToCounts(counts, op)).toBe(applyToModel(model, op));
          for (const [index, { frames, bytes }] of model) {
            expect(counts.framesTo(index)).toBe(frames);
            expect(counts.bytesTo(index)).toBe(bytes);
          }
          expect(counts.framesTo(op.index)).toBe(model.get(op.index)?.frames ?? 0);
        }
      }),
      { seed: 71, numRuns: 200 },
    );
  });
});

describe('PeerSlots', () => {
  it('keeps one number per index like a map, and lists the indices set', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: -3, max: 3 })), {
          maxLength: 200,
        }),
        (ops) => {
          const slots = new PeerSlots();
          const model = new Map<number, number>();
          for (const [index, value] of ops) {
            if (value < 0) {
              expect(slots.add(index, value)).toBe((model.get(index) ?? 0) + value);
              model.set(index, (model.get(index) ?? 0) + value);
            } else {
              slots.set(index, value);
              model.set(index, value);
            }
          }
          for (const [index, value] of model) expect(slots.get(index)).toBe(value);
          const set = [...model].filter(([, value]) => value !== 0).map(([index]) => index);
          expect(slots.indices()).toEqual(set.sort((a, b) => a - b));
          slots.clear();
          expect(slots.indices()).toEqual([]);
          expect(slots.get(ops[0]?.[0] ?? 0)).toBe(0);
        },
      ),
      { seed: 72, numRuns: 100 },
    );
  });
});
