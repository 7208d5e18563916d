import { type Message, NodeId, PartitionId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalidArgument } from '../../../testing/expect-tala-error.js';
import {
  decode,
  encode,
  encodedLength,
  encodeInto,
  encodeIntoIfFits,
  FrameDecoder,
} from '../src/index.js';
import { message } from './arbitraries.js';

const SENTINEL = 0xa5;

describe('encode', () => {
  it('returns frames that later encodes never overwrite, whatever their size', () => {
    const messages: Message[] = [];
    for (let i = 0; i < 2000; i++) {
      const size = [0, 59, 60, 100, 300, 4091, 4092, 5000][i % 8]!;
      messages.push({
        type: 'IntentForward',
        partition: PartitionId(i),
        payload: new Uint8Array(size).fill(i & 0xff),
      });
    }
    const frames = messages.map((message) => encode(message));
    const broken = frames.filter((frame, i) => {
      const m = messages[i]!;
      const decoded = decode(frame);
      if (m.type !== 'IntentForward' || decoded.type !== 'IntentForward') return true;
      return (
        frame.length !== encodedLength(m) ||
        decoded.partition !== m.partition ||
        decoded.payload.length !== m.payload.length ||
        decoded.payload.some((b) => b !== (i & 0xff))
      );
    });
    expect(broken).toEqual([]);
  });
});

describe('encode of frames over 4 KiB', () => {
  const large: Message[] = [
    { type: 'IntentForward', partition: PartitionId(7), payload: new Uint8Array(5000).fill(3) },
    { type: 'SegmentSync', partition: PartitionId(9), segmentData: new Uint8Array(70_000).fill(1) },
    {
      type: 'MembershipUpdate',
      version: 5n,
      members: Array.from({ length: 1000 }, (_, i) => NodeId(i * 7 + 1)),
    },
    {
      type: 'PartitionTableUpdate',
      version: 8n,
      assignments: Array.from({ length: 300 }, (_, i) => ({
        partitionId: PartitionId(i),
        owner: NodeId(i + 1),
        replicas: [NodeId(i + 2), NodeId(i + 3)],
      })),
    },
  ];

  // Their memory is not zero-filled first: every byte must come from the writer. The same
  // writers fill a target of sentinel bytes completely, leaving no byte of the sentinel behind.
  it.each(large.map((m) => [m.type, m] as const))('writes every byte of a large %s', (_, m) => {
    const length = encodedLength(m);
    expect(length).toBeGreaterThan(4096);
    const target = new Uint8Array(length).fill(SENTINEL);
    expect(encodeInto(m, target, 0)).toBe(length);
    const frame = encode(m);
    expect(Buffer.compare(frame, target)).toBe(0);
    expect(Object.getPrototypeOf(frame)).toBe(Uint8Array.prototype);
    expect(frame.buffer.byteLength).toBe(length);
    expect(decode(frame)).toEqual(m);
  });
});

describe('encodeInto', () => {
  it('writes a batch of frames back to back, equal to the concatenated encodings', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 16 }), fc.nat({ max: 32 }), (messages, start) => {
        const total = messages.reduce((n, m) => n + encodedLength(m), 0);
        const buffer = new Uint8Array(start + total).fill(SENTINEL);
        let offset = start;
        for (const m of messages) offset += encodeInto(m, buffer, offset);
        expect(offset).toBe(start + total);
        expect(buffer.subarray(0, start).every((b) => b === SENTINEL)).toBe(true);
        let at = start;
        for (const m of messages) {
          const expected = encode(m);
          expect(buffer.subarray(at, at + expected.length)).toEqual(expected);
          at += expected.length;
        }
        expect(new FrameDecoder().push(buffer.subarray(start))).toEqual(messages);
      }),
      { numRuns: 300 },
    );
  });

  it('constructs no array, typed array or DataView per frame of a batch', () => {
    const messages: Message[] = Array.from({ length: 64 }, (_, i) => ({
      type: i % 2 === 0 ? 'Ping' : 'Pong',
      from: NodeId(i),
      seq: BigInt(i) << 40n,
    }));
    messages.push({
      type: 'IntentForward',
      partition: PartitionId(1),
      payload: new Uint8Array(300),
    });
    const buffer = new Uint8Array(4096);
    encodeInto(messages[0]!, buffer, 0); // module-level state is created on first use
    const constructed: string[] = [];
    const originals = {
      Array: globalThis.Array,
      Uint8Array: globalThis.Uint8Array,
      DataView: globalThis.DataView,
    };
    for (const [name, original] of Object.entries(originals)) {
      (globalThis as Record<string, unknown>)[name] = new Proxy(original, {
        construct(target, args, newTarget) {
          constructed.push(name);
          return Reflect.construct(target, args, newTarget);
        },
      });
    }
    let offset = 0;
    try {
      for (const m of messages) offset += encodeInto(m, buffer, offset);
    } finally {
      Object.assign(globalThis, originals);
    }
    expect(constructed).toEqual([]);
    expect(new FrameDecoder().push(buffer.subarray(0, offset))).toEqual(messages);
  });

  it('refuses to write past the end of the target and writes nothing', () => {
    fc.assert(
      fc.property(message, fc.nat({ max: 64 }), (m, size) => {
        const length = encodedLength(m);
        const target = new Uint8Array(size).fill(SENTINEL);
        const offset = Math.max(0, size - length + 1);
        const error = invalidArgument(() => encodeInto(m, target, offset));
        expect(error.message).toBe(
          `cannot encode ${m.type} into target: expected ${length} bytes at offset ${offset} to fit, found a target of ${size} bytes`,
        );
        expect(target.every((b) => b === SENTINEL)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses offsets that are negative, fractional or not numbers', () => {
    const ping: Message = { type: 'Ping', from: NodeId(1), seq: 1n };
    const target = new Uint8Array(64);
    for (const offset of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      invalidArgument(() => encodeInto(ping, target, offset));
    }
    expect(target).toEqual(new Uint8Array(64));
  });

  it('validates every value before writing: a bad value deep in a message writes nothing', () => {
    const tooBig = (2n ** 64n) as NodeId;
    const bad: readonly (readonly [Message, RegExp])[] = [
      [{ type: 'Ping', from: NodeId(1), seq: -1n }, /Ping\.seq: expected a bigint in 0 … 2\^64−1/],
      [{ type: 'Pong', from: tooBig, seq: 1n }, /Pong\.from/],
      [
        { type: 'MembershipUpdate', version: 1n, members: [NodeId(1), NodeId(2), tooBig] },
        /MembershipUpdate\.members/,
      ],
      [
        {
          type: 'PartitionTableUpdate',
          version: 1n,
          assignments: [
            { partitionId: PartitionId(0), owner: NodeId(1), replicas: [NodeId(2)] },
            { partitionId: PartitionId(1), owner: NodeId(2), replicas: [NodeId(3), tooBig] },
          ],
        },
        /PartitionTableUpdate\.replicas/,
      ],
      [
        {
          type: 'PartitionTableUpdate',
          version: 1n,
          assignments: [{ partitionId: -1 as PartitionId, owner: NodeId(1), replicas: [] }],
        },
        /PartitionTableUpdate\.partitionId: expected an integer in 0 … 2\^32−1, found number -1/,
      ],
      [
        { type: 'IntentForward', partition: (2 ** 32) as PartitionId, payload: new Uint8Array(8) },
        /IntentForward\.partition/,
      ],
      [{ type: 'Ping', from: 5 as unknown as NodeId, seq: 1n }, /found number 5/],
      [{ type: 'Bogus' } as unknown as Message, /expected a registered message type, found Bogus/],
    ];
    for (const [m, pattern] of bad) {
      const target = new Uint8Array(70_000).fill(SENTINEL);
      expect(invalidArgument(() => encodeInto(m, target, 3)).message).toMatch(pattern);
      expect(target.every((b) => b === SENTINEL)).toBe(true);
      expect(() => encode(m)).toThrow(pattern);
    }
  });

  it('accepts the edges of every range', () => {
    const max = (2n ** 64n - 1n) as NodeId;
    const m: Message = {
      type: 'PartitionTableUpdate',
      version: 2n ** 64n - 1n,
      assignments: [{ partitionId: PartitionId(0xffff_ffff), owner: max, replicas: [NodeId(0)] }],
    };
    expect(decode(encode(m))).toEqual(m);
  });
});

describe('encodeIntoIfFits', () => {
  it('writes a frame that fits, as encodeInto does, and returns its length', () => {
    fc.assert(
      fc.property(message, fc.nat({ max: 32 }), fc.nat({ max: 32 }), (m, start, spare) => {
        const length = encodedLength(m);
        const target = new Uint8Array(start + length + spare).fill(SENTINEL);
        expect(encodeIntoIfFits(m, target, start)).toBe(length);
        expect([...target.subarray(start, start + length)]).toEqual([...encode(m)]);
        const untouched = [...target.subarray(0, start), ...target.subarray(start + length)];
        expect(untouched.every((b) => b === SENTINEL)).toBe(true);
      }),
      { seed: 20_261_201, numRuns: 300 },
    );
  });

  it('writes nothing when the frame does not fit, and still returns its length', () => {
    fc.assert(
      fc.property(
        message,
        fc.nat({ max: 32 }),
        fc.integer({ min: 1, max: 32 }),
        (m, start, short) => {
          const length = encodedLength(m);
          const target = new Uint8Array(start + Math.max(0, length - short)).fill(SENTINEL);
          expect(encodeIntoIfFits(m, target, start)).toBe(length);
          expect(target.every((b) => b === SENTINEL)).toBe(true);
        },
      ),
      { seed: 20_261_202, numRuns: 300 },
    );
  });

  it('throws what encodeInto throws for a message it cannot encode, writing nothing', () => {
    const target = new Uint8Array(64).fill(SENTINEL);
    const bad = { type: 'Ping', from: NodeId(1), seq: -1n } as unknown as Message;
    expect(invalidArgument(() => encodeIntoIfFits(bad, target, 0)).message).toBe(
      invalidArgument(() => encodeInto(bad, target, 0)).message,
    );
    const large: Message = {
      type: 'SegmentSync',
      partition: PartitionId(1),
      segmentData: new Uint8Array(100),
    };
    const tooLarge = () => encodeIntoIfFits(large, target, 0, { maxFrameBytes: 50 });
    expect(tooLarge).toThrow(expect.objectContaining({ code: 'MessageTooLarge' }));
    expect(target.every((b) => b === SENTINEL)).toBe(true);
  });

  it('rejects an offset outside the target and a target that is not a Uint8Array', () => {
    const ping: Message = { type: 'Ping', from: NodeId(1), seq: 1n };
    for (const offset of [-1, 1.5, 65, Number.NaN]) {
      invalidArgument(() => encodeIntoIfFits(ping, new Uint8Array(64), offset));
    }
    invalidArgument(() => encodeIntoIfFits(ping, [] as unknown as Uint8Array, 0));
    expect(encodeIntoIfFits(ping, new Uint8Array(64), 64)).toBe(21);
  });
});
