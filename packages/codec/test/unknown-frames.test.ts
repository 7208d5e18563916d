import { type Message, NodeId, PartitionId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { expectTalaError } from '../../../testing/expect-tala-error.js';
import { concat } from '../../../testing/vectors.js';
import {
  decode,
  encode,
  FrameDecoder,
  MessageRegistry,
  pingMessage,
  pongMessage,
  type UnknownFrame,
} from '../src/index.js';

/** A frame of a kind this decoder does not know: tag, length, then `length` payload bytes. */
function unknownFrame(tag: number, length: number): Uint8Array {
  const frame = new Uint8Array(5 + length);
  frame[0] = tag;
  new DataView(frame.buffer).setUint32(1, length, true);
  for (let i = 0; i < length; i++) frame[5 + i] = (i * 7 + tag) & 0xff;
  return frame;
}

const known: Message[] = [
  { type: 'Ping', from: NodeId(1), seq: 1n },
  { type: 'IntentForward', partition: PartitionId(2), payload: new Uint8Array([1, 2, 3]) },
  { type: 'Pong', from: NodeId(3), seq: 4n },
  {
    type: 'PartitionTableUpdate',
    version: 5n,
    assignments: [{ partitionId: PartitionId(0), owner: NodeId(1), replicas: [NodeId(2)] }],
  },
];
const unknown = [unknownFrame(0x7e, 0), unknownFrame(0xf3, 40), unknownFrame(0x21, 3)];
// known[0], unknown[0], known[1], unknown[1], unknown[2], known[2], known[3]
const stream = concat([
  encode(known[0]!),
  unknown[0]!,
  encode(known[1]!),
  unknown[1]!,
  unknown[2]!,
  encode(known[2]!),
  encode(known[3]!),
]);

describe('FrameDecoder with frames of unknown kinds', () => {
  it('skips them and yields every known message in order, split at every byte boundary', () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b += 3) {
        const frames: UnknownFrame[] = [];
        const decoder = new FrameDecoder({ onUnknownFrame: (frame) => frames.push(frame) });
        const messages = [
          ...decoder.push(stream.subarray(0, a)),
          ...decoder.push(stream.subarray(a, b)),
          ...decoder.push(stream.subarray(b)),
        ];
        decoder.end();
        expect(messages).toEqual(known);
        expect(decoder.skippedFrames).toBe(3);
        expect(decoder.skippedBytes).toBe(5 + 45 + 8);
        expect(frames.map((f) => [f.tag, f.length])).toEqual([
          [0x7e, 0],
          [0xf3, 40],
          [0x21, 3],
        ]);
        expect(decoder.bufferedBytes).toBe(0);
      }
    }
  });

  it('reports the stream offset of each skipped frame', () => {
    const frames: UnknownFrame[] = [];
    new FrameDecoder({ onUnknownFrame: (frame) => frames.push(frame) }).push(stream);
    const first = encode(known[0]!).length;
    expect(frames[0]!.streamOffset).toBe(first);
    expect(frames[1]!.streamOffset).toBe(first + 5 + encode(known[1]!).length);
  });

  it('never buffers a skipped frame: a 16 MiB unknown frame fed byte by byte holds nothing', () => {
    const decoder = new FrameDecoder();
    const header = unknownFrame(0xf0, 0).slice();
    new DataView(header.buffer).setUint32(1, 16 * 1024 * 1024, true);
    decoder.push(header);
    const chunk = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 16; i++) {
      expect(decoder.push(chunk)).toEqual([]);
      expect(decoder.bufferedBytes).toBe(0);
    }
    expect(decoder.push(encode(known[0]!))).toEqual([known[0]]);
    decoder.end();
  });

  it('still rejects an unknown frame longer than maxFrameBytes, from its header', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 100 });
    const header = unknownFrame(0xf0, 0).slice();
    new DataView(header.buffer).setUint32(1, 101, true);
    expectTalaError('SegmentCorrupted', () => decoder.push(header));
    expect(decoder.error?.message).toMatch(/unknown tag 0xf0 frame length .*at most 100/);
  });

  it('fails at end of stream inside a skipped frame', () => {
    const decoder = new FrameDecoder();
    decoder.push(unknownFrame(0xf0, 10).subarray(0, 9));
    expectTalaError('SegmentCorrupted', () => decoder.end());
  });

  it('rejects them in reject mode, and decode always rejects a single unknown frame', () => {
    expectTalaError('SegmentCorrupted', () =>
      new FrameDecoder({ unknownTags: 'reject' }).push(unknown[1]!),
    );
    expectTalaError('SegmentCorrupted', () => decode(unknown[1]!));
  });

  it('validates its options and fails with the cause when onUnknownFrame throws', () => {
    expectTalaError('InvalidArgument', () => new FrameDecoder({ unknownTags: 'drop' as never }));
    const boom = new Error('boom');
    const decoder = new FrameDecoder({
      onUnknownFrame: () => {
        throw boom;
      },
    });
    const error = expectTalaError('SegmentCorrupted', () => decoder.push(unknown[0]!));
    expect(error.cause).toBe(boom);
  });

  it('uses the registry it is given: kinds missing there are skipped', () => {
    const probesOnly = new MessageRegistry().register(pingMessage, pongMessage);
    const decoder = new FrameDecoder({ registry: probesOnly });
    expect(decoder.push(stream)).toEqual([known[0], known[2]]);
    expect(decoder.skippedFrames).toBe(5);
    expect(decoder.error).toBeUndefined();
  });
});
