import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  finishWriting,
  isU64,
  readU16,
  readU32,
  readU64,
  readU64At,
  readU64LittleEndian,
  readU64Portable,
  viewForReading,
  viewForWriting,
  writeU16,
  writeU32,
  writeU64,
  writeU64At,
  writeU64LittleEndian,
  writeU64Portable,
} from '../src/wire-bytes.js';
import { checkU16 } from '../src/wire-checks.js';

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

  it('field views read and write what the byte-wise helpers do, in small and large arrays', () => {
    // Arrays of up to 64 bytes go through a scratch view, larger ones through their own buffer.
    const layout = fc
      .record({
        before: fc.nat({ max: 8 }),
        after: fc.nat({ max: 100 }),
        u32: fc.nat({ max: 0xffff_ffff }),
        u64,
        fill: fc.integer({ min: 0, max: 255 }),
      })
      .filter(({ before, after }) => before + 12 + after <= 120);
    fc.assert(
      fc.property(layout, ({ before, after, u32, u64: value, fill }) => {
        const length = before + 12 + after;
        const expected = new Uint8Array(length).fill(fill);
        writeU32(expected, before, u32);
        writeU64(expected, before + 4, value);

        const bytes = new Uint8Array(length).fill(fill);
        const view = viewForWriting(bytes);
        view.setUint32(before, u32, true);
        writeU64At(view, before + 4, value);
        finishWriting(view, bytes, before, before + 12);
        expect(bytes).toEqual(expected);

        const read = viewForReading(expected);
        expect(read.getUint32(before, true)).toBe(readU32(expected, before));
        expect(readU64At(read, before + 4)).toBe(value);
      }),
      { seed: 20_261_201, numRuns: 300 },
    );
  });
});

describe('u16 fields', () => {
  it('write and read back every u16 little-endian, and the check accepts exactly 0 … 65535', () => {
    const bytes = new Uint8Array(4);
    for (const value of [0, 1, 0xff, 0x100, 0x1234, 0xffff]) {
      writeU16(bytes, 1, value);
      expect([bytes[1], bytes[2]]).toEqual([value & 0xff, value >>> 8]);
      expect(readU16(bytes, 1)).toBe(value);
      expect(() => checkU16(value, 'Kind', 'field')).not.toThrow();
    }
    for (const bad of [-1, 0x1_0000, 1.5, Number.NaN, '7', 7n, undefined]) {
      expect(() => checkU16(bad, 'Kind', 'field')).toThrow(
        expect.objectContaining({
          code: 'InvalidArgument',
          message: expect.stringMatching(/Kind\.field/),
        }),
      );
    }
  });
});
