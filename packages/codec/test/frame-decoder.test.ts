import { type Message, NodeId, PartitionId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownTalaError } from '../../../testing/expect-tala-error.js';
import { concat, fromHex, loadVectors, messageFromJson } from '../../../testing/vectors.js';
import { DEFAULT_MAX_FRAME_BYTES, decode, encode, FrameDecoder } from '../src/index.js';
import { message } from './arbitraries.js';

const vectors = loadVectors();
const valid = vectors.valid.map((v) => ({
  name: v.name,
  bytes: fromHex(v.hex),
  message: messageFromJson(v.message),
}));

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Feeds `stream` cut at the given chunk sizes (cycled); returns every decoded message. */
function feed(decoder: FrameDecoder, stream: Uint8Array, sizes: readonly number[]): Message[] {
  const out: Message[] = [];
  let at = 0;
  for (let i = 0; at < stream.length; i++) {
    const size = sizes.length === 0 ? stream.length : sizes[i % sizes.length]!;
    const chunk = stream.slice(at, at + size);
    out.push(...decoder.push(chunk));
    at += chunk.length;
    expect(decoder.bufferedBytes).toBeLessThanOrEqual(5 + decoder.maxFrameBytes);
  }
  return out;
}

describe('FrameDecoder on the golden vectors', () => {
  it.each(valid.map((v) => [v.name, v] as const))(
    '%s decodes when split at every byte boundary',
    (_name, vector) => {
      const { bytes } = vector;
      const failures: number[] = [];
      for (let cut = 0; cut <= bytes.length; cut++) {
        const decoder = new FrameDecoder();
        const first = decoder.push(bytes.slice(0, cut));
        const second = decoder.push(bytes.slice(cut));
        const [decoded, ...rest] = [...first, ...second];
        // Compared through the strict encoding (fast for 1k cuts); equality is checked below.
        if (decoded === undefined || rest.length > 0 || !sameBytes(encode(decoded), bytes)) {
          failures.push(cut);
        }
        if (cut === 0 || cut === bytes.length >> 1) expect(decoded).toEqual(vector.message);
        if (decoder.bufferedBytes !== 0) failures.push(cut);
        decoder.end();
      }
      expect(failures).toEqual([]);
      const bytewise = new FrameDecoder();
      expect(feed(bytewise, bytes, [1])).toEqual([vector.message]);
    },
  );

  it('rejects every invalid and non-canonical vector, in push or at end of stream', () => {
    // An empty input is an invalid frame but a valid (empty) stream.
    const empty = new FrameDecoder();
    expect(empty.push(new Uint8Array(0))).toEqual([]);
    empty.end();
    for (const vector of [...vectors.invalid, ...vectors.nonCanonical]) {
      if (vector.hex === '') continue;
      const decoder = new FrameDecoder({ unknownTags: 'reject' });
      const error = thrownTalaError(() => {
        decoder.push(fromHex(vector.hex));
        decoder.end();
      });
      expect(error.code, vector.name).toBe('SegmentCorrupted');
    }
  });

  it('yields all vectors concatenated, in order, for any chunking', () => {
    const stream = concat(valid.map((v) => v.bytes));
    const expected = valid.map((v) => v.message);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 40 }),
        (sizes) => {
          const decoder = new FrameDecoder();
          expect(feed(decoder, stream, sizes)).toEqual(expected);
          expect(decoder.bufferedBytes).toBe(0);
          decoder.end();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('yields any sequence of messages, in order, for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (messages, sizes, copy) => {
          const decoder = new FrameDecoder({ copy });
          expect(feed(decoder, concat(messages.map((message) => encode(message))), sizes)).toEqual(
            messages,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts empty chunks anywhere', () => {
    const decoder = new FrameDecoder();
    const ping = encode({ type: 'Ping', from: NodeId(1), seq: 2n });
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.push(ping.subarray(0, 3))).toEqual([]);
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.push(ping.subarray(3))).toHaveLength(1);
  });
});

describe('FrameDecoder limits', () => {
  it('rejects an oversized declared length from the 5-byte header alone', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1000 });
    // SegmentSync claiming 1001 payload bytes: only the header is ever supplied.
    const error = thrownTalaError(() => decoder.push(new Uint8Array([0x04, 0xe9, 0x03, 0, 0])));
    expect(error.code).toBe('SegmentCorrupted');
    expect(error.message).toBe(
      'SegmentSync frame length at byte 1: expected at most 1000 payload bytes, found 1001 (frame at stream byte 0)',
    );
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('rejects an oversized length when the header itself is split, after earlier frames', () => {
    const decoder = new FrameDecoder();
    const ping = encode({ type: 'Ping', from: NodeId(1), seq: 2n });
    const header = new Uint8Array([0x04, 0x01, 0x00, 0x00, 0x01]); // 16 MiB + 1
    expect(decoder.push(concat([ping, header.subarray(0, 2)]))).toHaveLength(1);
    expect(decoder.bufferedBytes).toBe(2);
    const error = thrownTalaError(() => decoder.push(header.subarray(2)));
    expect(error.message).toContain(
      `expected at most ${DEFAULT_MAX_FRAME_BYTES} payload bytes, found ${DEFAULT_MAX_FRAME_BYTES + 1}`,
    );
    expect(error.message).toContain('(frame at stream byte 21)');
  });

  it('accepts a frame of exactly maxFrameBytes, assembled in one buffer of its size', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 104 });
    const bytes = encode({
      type: 'SegmentSync',
      partition: PartitionId(9),
      segmentData: new Uint8Array(100).fill(7),
    });
    expect(decoder.push(bytes.slice(0, 50))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(50);
    const [decoded] = decoder.push(bytes.slice(50));
    if (decoded?.type !== 'SegmentSync') throw new Error('expected a SegmentSync');
    expect(decoded.segmentData).toEqual(new Uint8Array(100).fill(7));
    expect(decoded.segmentData.buffer.byteLength).toBe(bytes.length);
  });

  it('rejects an unknown tag from the header in reject mode', () => {
    const decoder = new FrameDecoder({ unknownTags: 'reject' });
    expect(decoder.push(new Uint8Array([0x07, 0xff]))).toEqual([]);
    const error = thrownTalaError(() => decoder.push(new Uint8Array([0xff, 0xff, 0xff])));
    expect(error.message).toBe(
      'frame tag at byte 0: expected a known message tag, found 0x07 (frame at stream byte 0)',
    );
  });

  it('validates maxFrameBytes', () => {
    expect(() => new FrameDecoder({ maxFrameBytes: -1 })).toThrow(TalaError);
    expect(() => new FrameDecoder({ maxFrameBytes: 1.5 })).toThrow(/maxFrameBytes/);
    expect(() => new FrameDecoder({ maxFrameBytes: 2 ** 32 })).toThrow(TalaError);
    expect(new FrameDecoder({ maxFrameBytes: 0 }).maxFrameBytes).toBe(0);
    expect(new FrameDecoder().maxFrameBytes).toBe(DEFAULT_MAX_FRAME_BYTES);
  });
});

describe('FrameDecoder allocate option', () => {
  /** An allocator that fills its memory with garbage, as memory that is not zeroed may hold. */
  function dirtyAllocator(lengths: number[]): (length: number) => Uint8Array {
    return (length) => {
      lengths.push(length);
      return new Uint8Array(length).fill(0xa5);
    };
  }

  it('assembles split frames in its memory, grown fourfold, with the same result', () => {
    const MiB = 1024 * 1024;
    const segmentData = new Uint8Array(MiB - 9);
    for (let i = 0; i < segmentData.length; i++) segmentData[i] = i % 251;
    const bytes = encode({ type: 'SegmentSync', partition: PartitionId(3), segmentData });
    const lengths: number[] = [];
    const decoder = new FrameDecoder({ allocate: dirtyAllocator(lengths) });
    const [decoded, ...rest] = feed(decoder, bytes, [64 * 1024]);
    if (decoded?.type !== 'SegmentSync') throw new Error('expected a SegmentSync');
    expect([rest.length, decoded.partition]).toEqual([0, 3]);
    expect(sameBytes(decoded.segmentData, segmentData)).toBe(true);
    // 64 KiB, then 256 KiB, then the frame's declared size.
    expect(lengths).toEqual([64 * 1024, 256 * 1024, MiB]);
  });

  it('yields any sequence of messages, in order, for any chunking, whatever its memory held', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        (messages, sizes) => {
          const stream = concat(messages.map((m) => encode(m)));
          const plain = feed(new FrameDecoder(), stream, sizes);
          const dirty = feed(new FrameDecoder({ allocate: dirtyAllocator([]) }), stream, sizes);
          expect(dirty).toEqual(plain);
          expect(dirty.map((m) => encode(m))).toEqual(messages.map((m) => encode(m)));
        },
      ),
      { seed: 20_261_201, numRuns: 200 },
    );
  });

  it('rejects an allocator that is not a function, or returns the wrong memory', () => {
    const notAFunction = thrownTalaError(() => new FrameDecoder({ allocate: 7 as never }));
    expect(notAFunction.code).toBe('InvalidArgument');
    const short = new FrameDecoder({ allocate: (length) => new Uint8Array(length - 1) });
    const bytes = encode({ type: 'Ping', from: NodeId(1), seq: 2n });
    const error = thrownTalaError(() => short.push(bytes.subarray(0, 10)));
    expect(error.code).toBe('InvalidArgument');
    expect(error.message).toContain('allocate(21) returned Uint8Array');
  });
});

describe('FrameDecoder failure and end of stream', () => {
  const ping = encode({ type: 'Ping', from: NodeId(5), seq: 6n });
  const bad = new Uint8Array([0x01, 0x04, 0, 0, 0, 1, 2, 3, 4]); // a Ping of 4 bytes

  it('is failed after an invalid frame: every later call throws the same error', () => {
    const decoder = new FrameDecoder();
    const error = thrownTalaError(() => decoder.push(concat([ping, bad, ping])));
    expect(error.code).toBe('SegmentCorrupted');
    expect(error.message).toBe(
      'Ping.payload at byte 5: expected exactly 16 bytes, found 4 (frame at stream byte 21)',
    );
    expect(error.cause).toBeInstanceOf(TalaError);
    expect(decoder.error).toBe(error);
    expect(decoder.bufferedBytes).toBe(0);
    expect(thrownTalaError(() => decoder.push(ping))).toBe(error);
    expect(thrownTalaError(() => decoder.end())).toBe(error);
  });

  it('fails on an invalid frame that was assembled across chunks', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(bad.subarray(0, 6))).toEqual([]);
    const error = thrownTalaError(() => decoder.push(bad.subarray(6)));
    expect(error.message).toContain('Ping.payload at byte 5');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('end() reports a stream that stopped inside a header or a frame', () => {
    const inHeader = new FrameDecoder();
    inHeader.push(ping.subarray(0, 3));
    expect(thrownTalaError(() => inHeader.end()).message).toBe(
      'frame at end of stream at byte 3: expected 5 header bytes, found the stream ended after 3 bytes (frame at stream byte 0)',
    );
    const inBody = new FrameDecoder();
    inBody.push(concat([ping, ping.subarray(0, 10)]));
    expect(thrownTalaError(() => inBody.end()).message).toBe(
      'frame at end of stream at byte 10: expected 21 bytes, found the stream ended after 10 bytes (frame at stream byte 21)',
    );
  });

  it('after a clean end(), end() is harmless and push() throws Closed', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(ping)).toHaveLength(1);
    decoder.end();
    decoder.end();
    expect(thrownTalaError(() => decoder.push(ping)).code).toBe('Closed');
  });
});

describe('FrameDecoder zero-copy', () => {
  const bytes = encode({
    type: 'IntentForward',
    partition: PartitionId(3),
    payload: new Uint8Array([1, 2, 3, 4]),
  });

  it('decodes a frame inside one chunk as views of that chunk', () => {
    const chunk = concat([bytes, bytes]);
    const [a, b] = new FrameDecoder().push(chunk);
    if (a?.type !== 'IntentForward' || b?.type !== 'IntentForward') throw new Error('type');
    expect(a.payload.buffer).toBe(chunk.buffer);
    expect(b.payload.buffer).toBe(chunk.buffer);
    expect(b.payload.byteOffset).toBe(bytes.length + 9);
  });

  it('copies with { copy: true }', () => {
    const chunk = concat([bytes, bytes]);
    const [a] = new FrameDecoder({ copy: true }).push(chunk);
    if (a?.type !== 'IntentForward') throw new Error('type');
    expect(a.payload.buffer).not.toBe(chunk.buffer);
    chunk.fill(0);
    expect(a.payload).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it('never aliases a chunk for a frame split across chunks', () => {
    const decoder = new FrameDecoder();
    const first = bytes.slice(0, 7);
    const second = bytes.slice(7);
    decoder.push(first);
    const [a] = decoder.push(second);
    if (a?.type !== 'IntentForward') throw new Error('type');
    expect(a.payload.buffer).not.toBe(first.buffer);
    expect(a.payload.buffer).not.toBe(second.buffer);
    expect(a.payload.buffer.byteLength).toBe(bytes.length);
  });
});

describe('Node Buffer inputs (a Uint8Array subclass whose slice() is a view)', () => {
  const message = {
    type: 'IntentForward',
    partition: PartitionId(1),
    payload: new Uint8Array([4, 5]),
  } as const;

  it('decode and FrameDecoder copy out of a Buffer with { copy: true }', () => {
    const input = Buffer.from(encode(message));
    const copied = decode(input, { copy: true });
    const [streamed] = new FrameDecoder({ copy: true }).push(input);
    for (const decoded of [copied, streamed]) {
      if (decoded?.type !== 'IntentForward') throw new Error('type');
      expect(decoded.payload.buffer).not.toBe(input.buffer);
    }
    input.fill(0);
    expect(copied).toEqual(message);
    expect(streamed).toEqual(message);
  });

  it('decode views into a Buffer without { copy: true }', () => {
    const input = Buffer.from(encode(message));
    const decoded = decode(input);
    if (decoded.type !== 'IntentForward') throw new Error('type');
    expect(decoded.payload.buffer).toBe(input.buffer);
  });
});
