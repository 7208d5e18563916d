import { encode, FrameDecoder } from '@tala-net/codec';
import { type Message, NodeId, PartitionId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalidArgument } from '../../../testing/expect-tala-error.js';
import { EncodeSlab } from '../src/encode-slab.js';
import { LargeFrameMemory } from '../src/large-frame-memory.js';
import { OutboundQueue, OWN_BUFFER_FROM_BYTES } from '../src/outbound-queue.js';

const ping = (seq: number): Message => ({ type: 'Ping', from: NodeId(9), seq: BigInt(seq) });
const intent = (bytes: number, fill: number): Message => ({
  type: 'IntentForward',
  partition: PartitionId(fill),
  payload: new Uint8Array(bytes).fill(fill),
});
const unbounded = (): OutboundQueue => new OutboundQueue(1_000_000, 1 << 30);

function push(
  queue: OutboundQueue,
  slab: EncodeSlab,
  message: Message,
  large = new LargeFrameMemory(),
): boolean {
  return queue.push(message, slab, large, undefined);
}

function decodeChunks(chunks: readonly Uint8Array[]): Message[] {
  const decoder = new FrameDecoder();
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

describe('OutboundQueue', () => {
  it('encodes frames sent back to back into one chunk, byte for byte as encode() does', () => {
    const slab = new EncodeSlab();
    const queue = unbounded();
    const messages = [ping(1), intent(100, 2), ping(3)];
    for (const message of messages) expect(push(queue, slab, message)).toBe(true);
    expect(queue.frames).toBe(3);
    expect(queue.bytes).toBe(21 + 109 + 21);
    const { chunks, frames } = queue.takeAll();
    expect(frames).toEqual([3]);
    expect(chunks).toHaveLength(1);
    expect([...chunks[0]!]).toEqual(messages.flatMap((m) => [...encode(m)]));
    expect(queue.frames).toBe(0);
    expect(queue.bytes).toBe(0);
    expect(queue.takeAll()).toEqual({ chunks: [], frames: [] });
  });

  it('gives a frame of 16 KiB or more a chunk of its own, in order with the small ones', () => {
    const slab = new EncodeSlab();
    const queue = unbounded();
    const large = intent(OWN_BUFFER_FROM_BYTES, 7);
    for (const message of [ping(1), ping(2), large, ping(3)]) push(queue, slab, message);
    const { chunks, frames } = queue.takeAll();
    expect(frames).toEqual([2, 1, 1]);
    expect(chunks[1]!.length).toBe(OWN_BUFFER_FROM_BYTES + 9);
    expect(decodeChunks(chunks)).toEqual([ping(1), ping(2), large, ping(3)]);
  });

  it('encodes a large frame that does not fit the slab into memory lent by LargeFrameMemory', () => {
    const slab = new EncodeSlab();
    const large = new LargeFrameMemory();
    const queue = unbounded();
    const first = intent(100_000, 1);
    push(queue, slab, first, large);
    const [written] = queue.takeAll().chunks;
    expect(decodeChunks([written!])).toEqual([first]);
    // Given back once written, its memory carries the next large frame.
    large.giveBack(written!);
    const second = intent(90_000, 2);
    push(queue, slab, second, large);
    const [next] = queue.takeAll().chunks;
    expect(next!.buffer).toBe(written!.buffer);
    expect(decodeChunks([next!])).toEqual([second]);
  });

  it('refuses the newest frame beyond maxFrames or maxBytes, keeping what was queued', () => {
    const slab = new EncodeSlab();
    const byFrames = new OutboundQueue(2, 1 << 20);
    expect([1, 2, 3].map((seq) => push(byFrames, slab, ping(seq)))).toEqual([true, true, false]);
    expect(byFrames.frames).toBe(2);
    const byBytes = new OutboundQueue(100, 50);
    expect([1, 2, 3].map((seq) => push(byBytes, slab, ping(seq)))).toEqual([true, true, false]);
    expect(byBytes.bytes).toBe(42);
    expect(decodeChunks(byFrames.takeAll().chunks)).toEqual([ping(1), ping(2)]);
    expect(decodeChunks(byBytes.takeAll().chunks)).toEqual([ping(1), ping(2)]);
  });

  it('a refused frame claims no slab space: the next frame takes its place', () => {
    const slab = new EncodeSlab();
    const full = new OutboundQueue(1, 1 << 20);
    const other = unbounded();
    expect(push(full, slab, ping(1))).toBe(true);
    expect(push(full, slab, intent(100, 4))).toBe(false);
    expect(slab.used).toBe(21);
    expect(push(other, slab, ping(2))).toBe(true);
    expect(slab.used).toBe(42);
    expect(decodeChunks(full.takeAll().chunks)).toEqual([ping(1)]);
    expect(decodeChunks(other.takeAll().chunks)).toEqual([ping(2)]);
  });

  it('throws the codec error for a message it cannot encode and stays as it was', () => {
    const slab = new EncodeSlab();
    const queue = unbounded();
    push(queue, slab, ping(1));
    const bad = { type: 'Ping', from: -1n, seq: 1n } as unknown as Message;
    invalidArgument(() => push(queue, slab, bad));
    push(queue, slab, ping(2));
    expect(queue.frames).toBe(2);
    expect(decodeChunks(queue.takeAll().chunks)).toEqual([ping(1), ping(2)]);
  });

  it('starts a new slab when one is full, leaving chunks taken from the old one intact', () => {
    const slab = new EncodeSlab();
    const queue = unbounded();
    const taken: Uint8Array[] = [];
    const expected: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) {
      const message = intent(10_000, i);
      push(queue, slab, message);
      expected.push(encode(message));
      if (i % 3 === 2) taken.push(...queue.takeAll().chunks);
    }
    taken.push(...queue.takeAll().chunks);
    expect(Buffer.compare(Buffer.concat(taken), Buffer.concat(expected))).toBe(0);
  });

  it('clear drops every frame and reports how many', () => {
    const slab = new EncodeSlab();
    const queue = unbounded();
    for (let seq = 0; seq < 5; seq++) push(queue, slab, ping(seq));
    expect(queue.clear()).toBe(5);
    expect(queue.frames).toBe(0);
    expect(queue.bytes).toBe(0);
    push(queue, slab, ping(9));
    expect(decodeChunks(queue.takeAll().chunks)).toEqual([ping(9)]);
  });

  it('queues sharing a slab each get their own frames in order, and taken chunks never change', () => {
    const step = fc.record({
      queue: fc.nat({ max: 2 }),
      size: fc.oneof(
        fc.constant(-1),
        fc.nat({ max: 600 }),
        fc.integer({ min: 4_000, max: 20_000 }),
      ),
      take: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) => {
        const slab = new EncodeSlab();
        const queues = [unbounded(), unbounded(), unbounded()];
        const sent: Message[][] = [[], [], []];
        const takenFrames = [0, 0, 0];
        const chunks: Uint8Array[][] = [[], [], []];
        const copies: Uint8Array[][] = [[], [], []];
        const take = (q: number): void => {
          const taken = queues[q]!.takeAll();
          takenFrames[q] = takenFrames[q]! + taken.frames.reduce((a, b) => a + b, 0);
          expect(takenFrames[q]).toBe(sent[q]!.length);
          chunks[q]!.push(...taken.chunks);
          copies[q]!.push(...taken.chunks.map((chunk) => chunk.slice()));
        };
        steps.forEach((s, i) => {
          const message = s.size < 0 ? ping(i) : intent(s.size, i & 0xff);
          expect(push(queues[s.queue]!, slab, message)).toBe(true);
          sent[s.queue]!.push(message);
          if (s.take) take(s.queue);
        });
        for (let q = 0; q < 3; q++) {
          take(q);
          const expected = Buffer.concat(sent[q]!.map((m) => encode(m)));
          expect(Buffer.compare(Buffer.concat(copies[q]!), expected)).toBe(0);
          // A chunk handed to a socket is never overwritten by frames encoded after it.
          chunks[q]!.forEach((chunk, i) => {
            expect(Buffer.compare(chunk, copies[q]![i]!)).toBe(0);
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});
