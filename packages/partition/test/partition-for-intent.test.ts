import { PartitionId, seededRandom, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, loadVectors } from '../../../testing/vectors.js';
import { fnv1a64, PartitionTable, partitionForIntent } from '../src/index.js';

const vectors = loadVectors().partitionForIntent;

describe('partitionForIntent', () => {
  it('matches every golden vector of the Rust reference', () => {
    expect(vectors.length).toBeGreaterThan(100);
    for (const v of vectors) {
      expect(
        partitionForIntent(fromHex(v.id), v.numPartitions),
        `${v.id} mod ${v.numPartitions}`,
      ).toBe(v.partition);
    }
  });

  it('agrees with a BigInt FNV-1a 64 for every id and partition count up to 2^32−1', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.oneof(
          fc.integer({ min: 1, max: 0xffff_ffff }),
          fc.integer({ min: 1, max: 0x10_0000 }),
          fc.constantFrom(
            1,
            2,
            3,
            12,
            1000,
            1024,
            0xf_ffff,
            0x10_0000,
            0x10_0001,
            0x1f_ffff,
            0x20_0000,
            0x20_0001,
            0xffff_ffff,
            0x8000_0000,
          ),
        ),
        (id, n) => {
          expect(partitionForIntent(id, n)).toBe(Number(fnv1a64(id) % BigInt(n)));
        },
      ),
      { numRuns: 5000, seed: 0x5a11_0004 },
    );
  });

  it('is deterministic and in range (reference example)', () => {
    const idA = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const p = PartitionTable.partitionForIntent(idA, 64);
    expect(PartitionTable.partitionForIntent(idA, 64)).toBe(p);
    expect(p).toBeLessThan(64);
    expect(PartitionTable.partitionForIntent(new Uint8Array(16).fill(1), 64)).toBeLessThan(64);
  });

  it('returns partition 0 when there are no partitions', () => {
    expect(partitionForIntent(new Uint8Array(16), 0)).toBe(PartitionId(0));
  });

  it('rejects an id that is not 16 bytes and a count outside u32', () => {
    expect(() => partitionForIntent(new Uint8Array(15), 4)).toThrow(TalaError);
    expect(() => partitionForIntent(new Uint8Array(17), 4)).toThrow(/16-byte/);
    expect(() => partitionForIntent(new Uint8Array(16), 2 ** 32)).toThrow(TalaError);
    expect(() => partitionForIntent(new Uint8Array(16), 1.5)).toThrow(TalaError);
  });

  it('spreads 100,000 seeded random ids over 12 partitions within ±5 % of the mean', () => {
    const random = seededRandom(20_24);
    const counts = new Array<number>(12).fill(0);
    const id = new Uint8Array(16);
    for (let i = 0; i < 100_000; i++) {
      for (let b = 0; b < 16; b += 4) {
        const word = random.nextInt(0x1_0000_0000);
        id[b] = word & 0xff;
        id[b + 1] = (word >>> 8) & 0xff;
        id[b + 2] = (word >>> 16) & 0xff;
        id[b + 3] = word >>> 24;
      }
      counts[partitionForIntent(id, 12)]!++;
    }
    const mean = 100_000 / 12;
    for (const count of counts) {
      expect(Math.abs(count - mean) / mean).toBeLessThanOrEqual(0.05);
    }
  });
});
