import { type Message, NodeId, PartitionId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { corruption, expectTalaError } from '../../../testing/expect-tala-error.js';
import { DEFAULT_MAX_FRAME_BYTES, decode, encode, encodeInto, FrameDecoder } from '../src/index.js';

/** A full collection: the package's vitest config runs tests with `--expose-gc`. */
const gc =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    throw new Error('run with --expose-gc');
  });

/** Bytes of memory (heap and array buffers) that `make()`'s result keeps alive. */
function retained(make: () => unknown): number {
  gc();
  const before = process.memoryUsage();
  const kept = make();
  gc();
  const after = process.memoryUsage();
  expect(kept).toBeDefined();
  return after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
}

const MiB = 1024 * 1024;

/** The most costly frame of each kind that default decoders accept. */
function worstFrames(): [string, Uint8Array][] {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => NodeId(i));
  return [
    [
      'MembershipUpdate with 65,536 members',
      encode({ type: 'MembershipUpdate', version: 1n, members: ids(65_536) }),
    ],
    [
      'PartitionTableUpdate with 65,536 assignments and 262,144 replicas',
      encode({
        type: 'PartitionTableUpdate',
        version: 1n,
        assignments: Array.from({ length: 65_536 }, (_, p) => ({
          partitionId: PartitionId(p),
          owner: NodeId(p),
          replicas: ids(4),
        })),
      }),
    ],
    [
      'PartitionTableUpdate with 65,536 empty assignments',
      encode({
        type: 'PartitionTableUpdate',
        version: 1n,
        assignments: Array.from({ length: 65_536 }, (_, p) => ({
          partitionId: PartitionId(p),
          owner: NodeId(p),
          replicas: [],
        })),
      }),
    ],
  ];
}

describe('decode limits', () => {
  it('no frame accepted under default options makes decode hold more than 64 MiB', () => {
    for (const [name, frame] of worstFrames()) {
      const bytes = retained(() => decode(frame));
      expect(bytes, name).toBeLessThan(64 * MiB);
      const copied = retained(() => decode(frame, { copy: true }));
      expect(copied, name).toBeLessThan(64 * MiB);
    }
    const segment = encode({
      type: 'SegmentSync',
      partition: PartitionId(0),
      segmentData: new Uint8Array(DEFAULT_MAX_FRAME_BYTES - 4),
    });
    expect(retained(() => decode(segment, { copy: true }))).toBeLessThan(17 * MiB);
    expect(retained(() => decode(segment))).toBeLessThan(MiB);
  });

  it('checks each count against its limit before decoding anything', () => {
    const members = Array.from({ length: 65_537 }, (_, i) => NodeId(i));
    const frame = encode({ type: 'MembershipUpdate', version: 1n, members });
    expect(corruption(() => decode(frame)).message).toBe(
      'MembershipUpdate.members count at byte 13: expected at most 65536 entries (the decoder’s limit), found 65537'.replace(
        '’',
        "'",
      ),
    );
    const replicas: Message = {
      type: 'PartitionTableUpdate',
      version: 1n,
      assignments: [
        { partitionId: PartitionId(0), owner: NodeId(1), replicas: [NodeId(2), NodeId(3)] },
        { partitionId: PartitionId(1), owner: NodeId(2), replicas: [NodeId(3), NodeId(1)] },
      ],
    };
    expect(() => decode(encode(replicas), { limits: { partitionReplicas: 3 } })).toThrow(
      /assignments\[1\]\.replicas count at byte \d+: expected at most 1 entries/,
    );
    expect(decode(encode(replicas), { limits: { partitionReplicas: 4 } })).toEqual(replicas);
    expect(() => decode(encode(replicas), { limits: { partitionAssignments: 1 } })).toThrow(
      /assignments count at byte 13: expected at most 1 entries/,
    );
    expectTalaError('InvalidArgument', () =>
      decode(encode(replicas), { limits: { partitionAssignments: -1 } }),
    );
    expect(() => new FrameDecoder({ limits: { membershipMembers: 10 } }).push(frame)).toThrow(
      /at most 10 entries/,
    );
  });
});

describe('encode limits', () => {
  it('refuses a frame the default decoder would reject, naming its size', () => {
    const tooLarge: Message = {
      type: 'SegmentSync',
      partition: PartitionId(1),
      segmentData: new Uint8Array(DEFAULT_MAX_FRAME_BYTES),
    };
    const error = expectTalaError('MessageTooLarge', () => encode(tooLarge));
    expect(error.message).toBe(
      'cannot encode SegmentSync: its payload of 16777220 bytes exceeds maxFrameBytes 16777216',
    );
    const target = new Uint8Array(DEFAULT_MAX_FRAME_BYTES + 16);
    expectTalaError('MessageTooLarge', () => encodeInto(tooLarge, target));
    expect(target.every((b) => b === 0)).toBe(true);
    const fits = encode({ ...tooLarge, segmentData: new Uint8Array(DEFAULT_MAX_FRAME_BYTES - 4) });
    expect(fits.length).toBe(5 + DEFAULT_MAX_FRAME_BYTES);
    const decoded = decode(fits);
    expect(decoded.type === 'SegmentSync' && decoded.segmentData.length).toBe(
      DEFAULT_MAX_FRAME_BYTES - 4,
    );
  });

  it('takes maxFrameBytes like the decoders', () => {
    const ping: Message = { type: 'Ping', from: NodeId(1), seq: 1n };
    expectTalaError('MessageTooLarge', () => encode(ping, { maxFrameBytes: 15 }));
    expect(encode(ping, { maxFrameBytes: 16 })).toHaveLength(21);
    expectTalaError('InvalidArgument', () => encode(ping, { maxFrameBytes: -1 }));
  });
});
