import { describe, expect, it } from 'vitest';
import {
  CapabilityAd,
  MAX_ENTRIES,
  MAX_NAME_BYTES,
  MAX_VALUE_BYTES,
  MAX_VALUES,
} from '../src/index.js';
import { bytes, codeOf } from './support.js';
import { toHex } from './vectors.js';

const framing = { name: 'framing', supported: [bytes(1, 0, 0, 0), bytes(2, 0, 0, 0)] };

describe('CapabilityAd.fromEntries', () => {
  it('encodes the entries in the order given', () => {
    const ad = CapabilityAd.fromEntries([framing, { name: 'aae', supported: [bytes(1, 0, 0, 0)] }]);
    expect(toHex(ad.encode())).toBe(
      '434150010200000007006672616d696e67020004000000010000000400000002000000' +
        '030061616501000400000001000000',
    );
  });

  it('copies the values and freezes the entries', () => {
    const value = bytes(1, 0, 0, 0);
    const supported = [value];
    const ad = CapabilityAd.fromEntries([{ name: 'framing', supported }]);
    value[0] = 9;
    supported.push(bytes(3));
    expect(ad.entries[0]?.supported).toEqual([bytes(1, 0, 0, 0)]);
    expect(Object.isFrozen(ad.entries)).toBe(true);
    expect(Object.isFrozen(ad.entries[0])).toBe(true);
    expect(Object.isFrozen(ad.entries[0]?.supported)).toBe(true);
  });

  it('accepts every bound exactly', () => {
    const name = 'n'.repeat(MAX_NAME_BYTES);
    const ad = CapabilityAd.fromEntries([
      { name, supported: [new Uint8Array(MAX_VALUE_BYTES)] },
      ...Array.from({ length: MAX_ENTRIES - 1 }, () => ({ name: 'x', supported: [] })),
    ]);
    expect(CapabilityAd.decode(ad.encode()).entries[0]?.name).toBe(name);
    const many = CapabilityAd.fromEntries([
      { name: 'm', supported: Array.from({ length: MAX_VALUES }, () => new Uint8Array(0)) },
    ]);
    expect(CapabilityAd.decode(many.encode()).entries[0]?.supported.length).toBe(MAX_VALUES);
  });

  it('rejects what the format cannot represent with InvalidArgument', () => {
    const empty: Uint8Array[] = [];
    const cases: unknown[] = [
      Array.from({ length: MAX_ENTRIES + 1 }, () => ({ name: 'x', supported: empty })),
      [{ name: 'n'.repeat(MAX_NAME_BYTES + 1), supported: empty }],
      [{ name: 'café', supported: empty }],
      [{ name: 'x', supported: [new Uint8Array(MAX_VALUE_BYTES + 1)] }],
      [{ name: 'x', supported: Array.from({ length: MAX_VALUES + 1 }, () => bytes()) }],
      [{ name: 'x', supported: [[1, 2]] }],
      [{ name: 'x' }],
      [{ name: 7, supported: empty }],
      [null],
      'framing',
      null,
    ];
    for (const entries of cases) {
      expect(codeOf(() => CapabilityAd.fromEntries(entries as never))).toBe('InvalidArgument');
    }
  });

  it('rejects an advertisement over 256 MiB before copying anything', () => {
    const value = new Uint8Array(MAX_VALUE_BYTES);
    const supported = Array.from({ length: 1024 }, () => value);
    const entries = Array.from({ length: 17 }, () => ({ name: 'big', supported }));
    expect(codeOf(() => CapabilityAd.fromEntries(entries))).toBe('InvalidArgument');
  });
});

describe('CapabilityAd.decode', () => {
  it('rejects a forged count of 2^32−1 entries at once', () => {
    expect(codeOf(() => CapabilityAd.decode(bytes(0x43, 0x41, 0x50, 1, 255, 255, 255, 255)))).toBe(
      'TooManyEntries',
    );
  });

  it('rejects 1,024 declared entries over a header only as Truncated', () => {
    expect(codeOf(() => CapabilityAd.decode(bytes(0x43, 0x41, 0x50, 1, 0, 4, 0, 0)))).toBe(
      'Truncated',
    );
  });

  it('rejects 65,535 declared values of 4 GiB - 1 bytes without reading past the input', () => {
    const forged = bytes(0x43, 0x41, 0x50, 1, 1, 0, 0, 0, 1, 0, 0x61, 0xff, 0xff, 0, 0x40, 0, 0);
    expect(codeOf(() => CapabilityAd.decode(forged))).toBe('Truncated');
  });

  it('rejects anything but a Uint8Array with InvalidArgument', () => {
    for (const input of [null, undefined, 'CAP', [0x43, 0x41, 0x50, 1, 0, 0, 0, 0], {}]) {
      expect(codeOf(() => CapabilityAd.decode(input as never))).toBe('InvalidArgument');
    }
  });

  it('copies the values out of the input', () => {
    const input = CapabilityAd.fromEntries([framing]).encode();
    const ad = CapabilityAd.decode(input);
    input.fill(0);
    expect(ad.entries[0]?.supported[1]).toEqual(bytes(2, 0, 0, 0));
  });

  it('keeps duplicate names, and find returns the first', () => {
    const ad = CapabilityAd.decode(
      CapabilityAd.fromEntries([framing, { name: 'framing', supported: [] }]).encode(),
    );
    expect(ad.entries.map((e) => e.name)).toEqual(['framing', 'framing']);
    expect(ad.find('framing')?.supported.length).toBe(2);
    expect(ad.find('absent')).toBeUndefined();
  });

  it('decodes a subarray view at its own offset', () => {
    const encoded = CapabilityAd.fromEntries([framing]).encode();
    const padded = new Uint8Array(encoded.length + 5);
    padded.set(encoded, 3);
    const ad = CapabilityAd.decode(padded.subarray(3, 3 + encoded.length));
    expect(toHex(ad.encode())).toBe(toHex(encoded));
  });
});
