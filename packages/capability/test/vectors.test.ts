import { describe, expect, it } from 'vitest';
import { CapabilityAd } from '../src/index.js';
import { codeOf } from './support.js';
import {
  entriesFromJson,
  entriesToJson,
  fromHex,
  loadCapabilityVectors,
  toHex,
} from './vectors.js';

const vectors = loadCapabilityVectors();

describe('reference vectors', () => {
  it('has every kind of vector', () => {
    expect(vectors.valid.length).toBeGreaterThan(50);
    expect(vectors.invalid.length).toBeGreaterThan(300);
    expect(vectors.trailingBytes.length).toBeGreaterThan(40);
    const kinds = new Set(vectors.invalid.map((v) => v.error));
    expect([...kinds].sort()).toEqual(['BadMagic', 'NonAsciiName', 'TooManyEntries', 'Truncated']);
  });

  it('decodes every valid vector to its entries', () => {
    for (const vector of vectors.valid) {
      const ad = CapabilityAd.decode(fromHex(vector.hex));
      expect(entriesToJson(ad.entries), vector.hex.slice(0, 80)).toEqual(vector.entries);
    }
  });

  it('encodes the entries of every valid vector to its bytes', () => {
    for (const vector of vectors.valid) {
      const ad = CapabilityAd.fromEntries(entriesFromJson(vector.entries));
      expect(toHex(ad.encode()), vector.hex.slice(0, 80)).toBe(vector.hex);
    }
  });

  it('rejects every invalid vector with the reference error kind as code', () => {
    const mismatches = vectors.invalid
      .map((vector) => ({
        ...vector,
        code: codeOf(() => CapabilityAd.decode(fromHex(vector.hex))),
      }))
      .filter((vector) => vector.code !== vector.error)
      .map(({ why, error, code }) => `${why}: expected ${error}, got ${code}`);
    expect(mismatches).toEqual([]);
  });

  it('rejects trailing bytes, which the reference ignores', () => {
    for (const vector of vectors.trailingBytes) {
      const bytes = fromHex(vector.hex);
      expect(
        codeOf(() => CapabilityAd.decode(bytes)),
        vector.why,
      ).toBe('TrailingBytes');
      // Without the extra bytes, the advertisement is what the reference decoded.
      const trailing = Number.parseInt(vector.why, 10);
      const ad = CapabilityAd.decode(bytes.subarray(0, bytes.length - trailing));
      expect(entriesToJson(ad.entries)).toEqual(vector.referenceDecodes);
    }
  });
});
