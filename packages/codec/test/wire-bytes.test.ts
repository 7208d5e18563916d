import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isU64,
  readU64,
  readU64LittleEndian,
  readU64Portable,
  writeU64,
  writeU64LittleEndian,
  writeU64Portable,
} from '../src/wire-bytes.js';

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe('u64 field access', () => {
  it('the little-endian fast paths and the portable paths agree with DataView', () => {
    fc.assert(
      fc.property(u64, fc.nat({ max: 16 }), (value, at) => {
        const expected = new Uint8Array(at + 8);
        new DataView(expected.buffer).setBigUint64(at, value, true);
        for (const write of [writeU64, writeU64LittleEndian, writeU64Portable]) {
          const bytes = new Uint8Array(at + 8);
          write(bytes, at, value);
          expect(bytes).toEqual(expected);
        }
        for (const read of [readU64, readU64LittleEndian, readU64Portable]) {
          expect(read(expected, at)).toBe(value);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('isU64 accepts exactly the bigints of 0 … 2^64−1', () => {
    expect(isU64(0n)).toBe(true);
    expect(isU64(2n ** 64n - 1n)).toBe(true);
    expect(isU64(2n ** 64n)).toBe(false);
    expect(isU64(-1n)).toBe(false);
    expect(isU64(1)).toBe(false);
    expect(isU64('1')).toBe(false);
    expect(isU64(undefined)).toBe(false);
  });
});
