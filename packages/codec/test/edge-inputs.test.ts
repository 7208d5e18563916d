import { type Message, NodeId, PartitionId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { invalidArgument } from '../../../testing/expect-tala-error.js';
import { decode, encode, encodeInto, FrameDecoder } from '../src/index.js';

/** Byte lengths of the `Uint8Array`s constructed with a length while `action` runs. */
function byteArrayAllocations(action: () => void): number[] {
  const lengths: number[] = [];
  const original = globalThis.Uint8Array;
  globalThis.Uint8Array = new Proxy(original, {
    construct(target, args: unknown[], newTarget) {
      if (typeof args[0] === 'number') lengths.push(args[0]);
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    action();
  } finally {
    globalThis.Uint8Array = original;
  }
  return lengths;
}

describe('FrameDecoder memory follows the bytes received, not the declared length', () => {
  it('a header declaring 16 MiB allocates at most 64 KiB until the body arrives', () => {
    const decoder = new FrameDecoder();
    const header = new Uint8Array([0x04, 0x00, 0x00, 0x00, 0x01, 0x00]); // 16 MiB SegmentSync
    const lengths = byteArrayAllocations(() => decoder.push(header));
    expect(Math.max(0, ...lengths)).toBeLessThanOrEqual(64 * 1024);
    expect(decoder.bufferedBytes).toBe(6);
  });

  it('still assembles a large frame split into many chunks', () => {
    const segmentData = new Uint8Array(300_000).map((_, i) => i & 0xff);
    const frame = encode({ type: 'SegmentSync', partition: PartitionId(9), segmentData });
    const decoder = new FrameDecoder();
    const messages: Message[] = [];
    for (let at = 0; at < frame.length; at += 7_001) {
      messages.push(...decoder.push(frame.subarray(at, at + 7_001)));
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toEqual({ type: 'SegmentSync', partition: 9, segmentData });
    expect(decoder.bufferedBytes).toBe(0);
  });
});

describe('inputs that are not byte arrays', () => {
  it('are an InvalidArgument for decode and FrameDecoder.push, and the decoder stays usable', () => {
    const frame = encode({ type: 'Ping', from: NodeId(1), seq: 1n });
    invalidArgument(() => decode(frame.buffer as never));
    invalidArgument(() => decode(null as never));
    const decoder = new FrameDecoder();
    invalidArgument(() => decoder.push(new ArrayBuffer(21) as never));
    expect(decoder.push(frame.slice())).toHaveLength(1);
  });
});

describe('encode validation', () => {
  it('rejects a bigint partition and non-byte payloads with InvalidArgument', () => {
    invalidArgument(() =>
      encode({ type: 'IntentForward', partition: 3n as never, payload: new Uint8Array() }),
    );
    invalidArgument(() =>
      encode({ type: 'IntentForward', partition: PartitionId(3), payload: 'abc' as never }),
    );
    invalidArgument(() =>
      encode({ type: 'SegmentSync', partition: PartitionId(3), segmentData: [1, 2, 300] as never }),
    );
  });
});

describe('encodeInto with fields that are views of the target', () => {
  it('re-encodes a zero-copy decoded IntentForward two bytes further on correctly', () => {
    const message: Message = {
      type: 'IntentForward',
      partition: PartitionId(7),
      payload: new Uint8Array([1, 2, 3, 4]),
    };
    const frame = encode(message);
    const buffer = new Uint8Array(64);
    buffer.set(frame, 8);
    const decoded = decode(buffer.subarray(8, 8 + frame.length));
    encodeInto(decoded, buffer, 10);
    expect(decode(buffer.subarray(10, 10 + frame.length))).toEqual(message);
  });
});

describe('decoded byte fields', () => {
  it('are plain Uint8Array views even when the input is a subclass', () => {
    class Bytes extends Uint8Array {}
    const frame = encode({
      type: 'IntentForward',
      partition: PartitionId(1),
      payload: new Uint8Array([1, 2]),
    });
    const input = new Bytes(frame.length);
    input.set(frame);
    const decoded = decode(input);
    if (decoded.type !== 'IntentForward') throw new Error('type');
    expect(decoded.payload.constructor).toBe(Uint8Array);
    expect(decoded.payload.buffer).toBe(input.buffer);
  });
});
