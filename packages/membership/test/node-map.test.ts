import { NodeId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeMap } from '../src/node-map.js';

describe('NodeMap', () => {
  it('behaves as a Map keyed by bigint, order included, for small and huge ids (property)', () => {
    const id = fc.oneof(
      fc.bigInt({ min: 0n, max: 40n }),
      fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }),
      fc.bigInt({ min: 2n ** 64n - 5n, max: 2n ** 64n - 1n }),
    );
    const op = fc.tuple(fc.constantFrom('set', 'delete'), id);
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const map = new NodeMap<number>();
        const reference = new Map<bigint, number>();
        ops.forEach(([kind, node], i) => {
          if (kind === 'set') {
            map.set(NodeId(node), i);
            reference.set(node, i);
          } else {
            expect(map.delete(NodeId(node))).toBe(reference.delete(node));
          }
          expect(map.get(NodeId(node))).toBe(reference.get(node));
          expect(map.has(NodeId(node))).toBe(reference.has(node));
        });
        expect(map.size).toBe(reference.size);
        expect([...map.values()]).toEqual([...reference.values()]);
      }),
      { seed: 1053, numRuns: 200 },
    );
  });

  it('matches nothing for a key that is not a bigint, without throwing', () => {
    const map = new NodeMap<string>();
    map.set(NodeId(5), 'five');
    for (const odd of [5, '5', Symbol('5'), null, { valueOf: () => 5 }]) {
      expect(map.get(odd as unknown as NodeId)).toBeUndefined();
    }
  });
});
