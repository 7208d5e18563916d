import { TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodedLength, encodeInto } from '../src/index.js';
import { message } from './arbitraries.js';

describe('codec properties', () => {
  it('decode(encode(m)) equals m for every message', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encode(m);
        expect(bytes.length).toBe(encodedLength(m));
        expect(decode(bytes)).toEqual(m);
      }),
      { numRuns: 2000 },
    );
  });

  it('decoding arbitrary bytes returns a message that re-encodes to them, or throws TalaError', () => {
    const framed = fc
      .tuple(
        fc.constantFrom(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x13, 0x14, 0x07),
        fc.uint8Array({ maxLength: 80 }),
      )
      .map(([tag, body]) => {
        const bytes = new Uint8Array(5 + body.length);
        bytes[0] = tag;
        new DataView(bytes.buffer).setUint32(1, body.length, true);
        bytes.set(body, 5);
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), framed), (bytes) => {
        let decoded: ReturnType<typeof decode>;
        try {
          decoded = decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(TalaError);
          expect((error as TalaError).code).toBe('SegmentCorrupted');
          return;
        }
        expect(encode(decoded)).toEqual(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects every proper truncation of a valid frame', () => {
    fc.assert(
      fc.property(message, fc.nat(), (m, cut) => {
        const bytes = encode(m);
        const truncated = bytes.subarray(0, cut % bytes.length);
        expect(() => decode(truncated)).toThrow(TalaError);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a valid frame followed by extra bytes', () => {
    fc.assert(
      fc.property(message, fc.uint8Array({ minLength: 1, maxLength: 8 }), (m, extra) => {
        const bytes = encode(m);
        const longer = new Uint8Array(bytes.length + extra.length);
        longer.set(bytes);
        longer.set(extra, bytes.length);
        expect(() => decode(longer)).toThrow(TalaError);
      }),
    );
  });

  it('encodeInto at any offset writes the same bytes as encode', () => {
    fc.assert(
      fc.property(message, fc.nat({ max: 64 }), fc.nat({ max: 16 }), (m, offset, slack) => {
        const expected = encode(m);
        const backing = new Uint8Array(offset + expected.length + slack + 7);
        const target = backing.subarray(3);
        const written = encodeInto(m, target, offset);
        expect(written).toBe(expected.length);
        expect(target.subarray(offset, offset + written)).toEqual(expected);
      }),
    );
  });

  it('encodeInto refuses a target that is too small and writes nothing', () => {
    const m = { type: 'SegmentSync', partition: 1, segmentData: new Uint8Array(10) } as const;
    const target = new Uint8Array(20);
    expect(() => encodeInto(m as never, target, 8)).toThrow(/19 bytes at offset 8/);
    expect(target).toEqual(new Uint8Array(20));
  });

  it('decodes byte fields as views by default and as copies on request', () => {
    const bytes = encode({
      type: 'IntentForward',
      partition: 3 as never,
      payload: new Uint8Array([1, 2, 3]),
    });
    const view = decode(bytes);
    const copy = decode(bytes, { copy: true });
    if (view.type !== 'IntentForward' || copy.type !== 'IntentForward') throw new Error('type');
    expect(view.payload.buffer).toBe(bytes.buffer);
    expect(copy.payload.buffer).not.toBe(bytes.buffer);
    expect(copy.payload).toEqual(view.payload);
  });

  it('refuses to encode values outside their wire range', () => {
    expect(() => encode({ type: 'Ping', from: -1n as never, seq: 0n })).toThrow(TalaError);
    expect(() => encode({ type: 'Ping', from: 1n as never, seq: 2n ** 64n })).toThrow(/Ping.seq/);
    expect(() =>
      encode({ type: 'IntentForward', partition: (2 ** 32) as never, payload: new Uint8Array() }),
    ).toThrow(/IntentForward.partition/);
  });

  it('rejects a frame larger than maxFrameBytes from its header', () => {
    const bytes = encode({
      type: 'SegmentSync',
      partition: 1 as never,
      segmentData: new Uint8Array(100),
    });
    expect(() => decode(bytes, { maxFrameBytes: 50 })).toThrow(
      /at most 50 payload bytes, found 104/,
    );
    expect(decode(bytes, { maxFrameBytes: 104 }).type).toBe('SegmentSync');
  });
});
