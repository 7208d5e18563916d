import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeId, PartitionId, PeerId, TalaError } from '../src/index.js';

describe('NodeId', () => {
  it('accepts bigint, safe-integer numbers and decimal strings in u64 range', () => {
    expect(NodeId(42)).toBe(42n);
    expect(NodeId(42n)).toBe(NodeId('42'));
    expect(NodeId('18446744073709551615')).toBe(2n ** 64n - 1n);
    expect(PeerId(7)).toBe(NodeId(7));
    const ids = new Map([[NodeId(1), 'a']]);
    expect(ids.get(NodeId('1'))).toBe('a');
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['unsafe number', 2 ** 53],
    ['too large', 2n ** 64n],
    ['negative bigint', -1n],
    ['hex string', '0x10'],
    ['empty string', ''],
    ['string over u64', '18446744073709551616'],
  ])('rejects %s with InvalidId', (_name, value) => {
    expect(() => NodeId(value as never)).toThrow(TalaError);
    try {
      NodeId(value as never);
    } catch (error) {
      expect((error as TalaError).code).toBe('InvalidId');
    }
  });

  it('round-trips every u64 through its decimal string', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (v) => {
        expect(NodeId(v.toString())).toBe(v);
      }),
    );
  });
});

describe('PartitionId', () => {
  it('accepts integers in u32 range as numbers or bigints', () => {
    expect(PartitionId(0)).toBe(0);
    expect(PartitionId(3n)).toBe(3);
    expect(PartitionId(0xffff_ffff)).toBe(4294967295);
    expect(Object.is(PartitionId(-0), 0)).toBe(true);
  });

  it.each([[-1], [2 ** 32], [1.5], [Number.NaN], [2n ** 32n], ['3']])('rejects %s', (value) => {
    expect(() => PartitionId(value as never)).toThrow(/PartitionId: expected an integer/);
  });
});

describe('TalaError', () => {
  it('carries a stable code, a message and a cause', () => {
    const cause = new Error('inner');
    const error = new TalaError('SegmentCorrupted', 'bad frame', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(TalaError);
    expect(error.code).toBe('SegmentCorrupted');
    expect(error.name).toBe('TalaError');
    expect(error.cause).toBe(cause);
  });

  it('is recognised across duplicate copies of the class, and other errors are not', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('@tala-net/types.TalaError')]: true,
      code: 'InvalidId',
    });
    expect(foreign).toBeInstanceOf(TalaError);
    expect(new Error('plain')).not.toBeInstanceOf(TalaError);
    expect(null).not.toBeInstanceOf(TalaError);
  });
});
