import { TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { fromHex, loadVectors, messageFromJson, toHex } from '../../../testing/vectors.js';
import { decode, encode, encodedLength } from '../src/index.js';

const vectors = loadVectors();

function expectCorrupted(bytes: Uint8Array): TalaError {
  try {
    decode(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(TalaError);
    expect((error as TalaError).code).toBe('SegmentCorrupted');
    return error as TalaError;
  }
  throw new Error(`decoded ${toHex(bytes)} although it is invalid`);
}

describe('golden vectors of the Rust reference', () => {
  it('has every section', () => {
    expect(vectors.valid.length).toBeGreaterThan(100);
    expect(vectors.invalid.length).toBeGreaterThan(40);
    expect(vectors.nonCanonical.length).toBeGreaterThan(0);
  });

  describe.each(vectors.valid.map((v) => [v.name, v]))('valid %s', (_name, vector) => {
    const message = messageFromJson(vector.message);
    it('encodes to exactly the reference bytes', () => {
      expect(toHex(encode(message))).toBe(vector.hex);
      expect(encodedLength(message)).toBe(vector.hex.length / 2);
    });
    it('decodes to exactly the reference message', () => {
      expect(decode(fromHex(vector.hex))).toEqual(message);
    });
  });

  describe.each(vectors.invalid.map((v) => [v.name, v]))('invalid %s', (_name, vector) => {
    it('is rejected with SegmentCorrupted', () => {
      expectCorrupted(fromHex(vector.hex));
    });
  });

  describe.each(vectors.nonCanonical.map((v) => [v.name, v]))(
    'non-canonical %s',
    (_name, vector) => {
      it('is rejected although the reference accepts it', () => {
        expectCorrupted(fromHex(vector.hex));
      });
    },
  );
});

describe('error messages', () => {
  it('name the kind, field, offset, expectation and finding of a forged count', () => {
    const error = expectCorrupted(fromHex('060c0000000000000000000000ffffffff'));
    expect(error.message).toBe(
      'PartitionTableUpdate.assignments count at byte 13: expected at most 0 entries of ≥16 bytes in the 0 remaining bytes, found 4294967295',
    );
  });

  it('name an unknown tag', () => {
    expect(expectCorrupted(fromHex('0700000000')).message).toBe(
      'frame tag at byte 0: expected a known message tag, found 0x07',
    );
  });

  it('name a truncated payload', () => {
    expect(expectCorrupted(fromHex('01100000002a0000000000000001000000')).message).toBe(
      'Ping frame at byte 5: expected 16 payload bytes, found 12',
    );
  });
});
