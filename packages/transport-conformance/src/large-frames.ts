import { encodedLength, HEADER_BYTES } from '@tala-net/codec';
import { type Message, PartitionId, type PeerId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { conformanceHarness, Inbox } from './conformance-harness.js';
import type { TransportConformanceOptions } from './conformance-network.js';

const MIB = 1024 * 1024;

/** `size` bytes that differ with `seed` and along the array (a shifted or cut copy shows). */
function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7 + (i >>> 8)) & 0xff;
  return bytes;
}

/** Where `found` first differs from `expected`, or `undefined` when they are equal. */
function firstDifference(found: Uint8Array, expected: Uint8Array): string | undefined {
  if (found.length !== expected.length) {
    return `length ${found.length}, expected ${expected.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    if (found[i] !== expected[i]) return `byte ${i}: ${found[i]}, expected ${expected[i]}`;
  }
  return undefined;
}

const segment = (seq: number, segmentData: Uint8Array): Message => ({
  type: 'SegmentSync',
  partition: PartitionId(seq),
  segmentData,
});

/** The partition number and data of a received `SegmentSync`. */
function segmentOf([, message]: [PeerId, Message]): { seq: number; data: Uint8Array } {
  if (message.type !== 'SegmentSync')
    throw new Error(`expected a SegmentSync, found ${message.type}`);
  return { seq: Number(message.partition), data: message.segmentData };
}

/**
 * Registers the large-frame cases of the `Transport` conformance suite: a 1 MiB `SegmentSync`
 * arrives intact; one just within the transport's frame limit too, when the network states it
 * (`ConformanceNetwork.maxFrameBytes`); and a burst of 128 KiB frames keeps FIFO order, each
 * frame intact. `@tala-net/transport-conformance/large-frames`.
 *
 * @example
 * ```ts
 * largeFrameTests({ setup: (nodes) => myNetwork(nodes) });
 * ```
 */
export function largeFrameTests(options: TransportConformanceOptions): void {
  describe(options.name ?? 'Transport conformance: large frames', () => {
    const { network, eventually } = conformanceHarness(options);

    it('delivers a 1 MiB SegmentSync intact', async () => {
      const { net, a, b } = await network();
      const data = pattern(MIB, 1);
      a.send(b.localId, segment(1, data.slice()));
      const atB = new Inbox(b);
      await eventually(net, () => atB.poll() >= 1, 'the 1 MiB frame at b');
      expect(atB.messages).toHaveLength(1);
      expect(atB.messages[0]![0]).toBe(a.localId);
      const { seq, data: received } = segmentOf(atB.messages[0]!);
      expect(seq).toBe(1);
      expect(firstDifference(received, data)).toBeUndefined();
    });

    it('delivers a SegmentSync just within the frame limit intact', async (context) => {
      const { net, a, b } = await network();
      const maxFrameBytes = net.maxFrameBytes;
      if (maxFrameBytes === undefined) {
        return context.skip('the network states no frame limit (maxFrameBytes)');
      }
      const overhead = encodedLength(segment(2, new Uint8Array(0))) - HEADER_BYTES;
      const data = pattern(maxFrameBytes - overhead, 2);
      a.send(b.localId, segment(2, data.slice()));
      const atB = new Inbox(b);
      await eventually(net, () => atB.poll() >= 1, 'the frame at the limit at b');
      const { seq, data: received } = segmentOf(atB.messages[0]!);
      expect(seq).toBe(2);
      expect(firstDifference(received, data)).toBeUndefined();
    });

    it('keeps FIFO order in a burst of large frames, each intact', async () => {
      const { net, a, b } = await network();
      // 2 MiB in all: large frames, within any sensible per-peer queue bound.
      const frames = 16;
      const size = 128 * 1024;
      const sent = Array.from({ length: frames }, (_, seq) => pattern(size, seq));
      for (let seq = 0; seq < frames; seq++) a.send(b.localId, segment(seq, sent[seq]!.slice()));
      const atB = new Inbox(b);
      await eventually(net, () => atB.poll() >= frames, `the ${frames} large frames at b`);
      expect(atB.messages).toHaveLength(frames);
      const received = atB.messages.map(segmentOf);
      expect(received.map(({ seq }) => seq)).toEqual(sent.map((_, seq) => seq));
      for (const { seq, data } of received) {
        expect(firstDifference(data, sent[seq]!), `frame ${seq}`).toBeUndefined();
      }
    });
  });
}
