import { decode, encode, encodedLength, FrameDecoder, MessageRegistry } from '@tala-net/codec';
import { type Message, NodeId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruption, invalidArgument } from '../../../testing/expect-tala-error.js';
import { fromHex, toHex } from '../../../testing/vectors.js';
import {
  CLUSTER_DATA_ACK_FRAME_BYTES,
  type ClusterData,
  type ClusterDataAck,
  clusterDataFrameBytes,
  clusterDataMessages,
  registerClusterDataMessages,
} from '../src/index.js';

registerClusterDataMessages();

/** Known answers: the layouts of docs/wire-format.md (little-endian). */
const vectors: [string, Message, string][] = [
  [
    'data',
    {
      type: 'ClusterData',
      sender: NodeId(7),
      seq: 0x0102_0304_0506_0708n,
      payload: new Uint8Array([0xca, 0xfe]),
    },
    '5812000000' + '0700000000000000' + '0807060504030201' + 'cafe',
  ],
  [
    'empty data',
    { type: 'ClusterData', sender: NodeId(2n ** 64n - 1n), seq: 0n, payload: new Uint8Array(0) },
    '5810000000' + 'ffffffffffffffff' + '0000000000000000',
  ],
  [
    'ack',
    { type: 'ClusterDataAck', sender: NodeId(1), seq: 9n },
    '5910000000' + '0100000000000000' + '0900000000000000',
  ],
];

const u64s = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const datas: fc.Arbitrary<ClusterData> = fc.record({
  type: fc.constant('ClusterData' as const),
  sender: u64s.map((id) => NodeId(id)),
  seq: u64s,
  payload: fc.uint8Array({ maxLength: 64 }),
});
const acks: fc.Arbitrary<ClusterDataAck> = fc.record({
  type: fc.constant('ClusterDataAck' as const),
  sender: u64s.map((id) => NodeId(id)),
  seq: u64s,
});

describe('cluster data messages', () => {
  it.each(vectors)('encodes and decodes the %s known answer', (_, message, hex) => {
    expect(toHex(encode(message))).toBe(hex);
    expect(decode(fromHex(hex))).toEqual(message);
    expect(encodedLength(message)).toBe(hex.length / 2);
  });

  it('owns tags 0x58–0x59 and registers idempotently', () => {
    expect(clusterDataMessages.map((definition) => definition.tag)).toEqual([0x58, 0x59]);
    const registry = new MessageRegistry();
    registerClusterDataMessages(registry);
    registerClusterDataMessages(registry);
    expect(registry.definitions().map((definition) => definition.type)).toEqual([
      'ClusterData',
      'ClusterDataAck',
    ]);
  });

  it('states frame sizes that match the encoder', () => {
    fc.assert(
      fc.property(datas, acks, (data, ack) => {
        expect(encode(data).length).toBe(clusterDataFrameBytes(data.payload.length));
        expect(encode(ack).length).toBe(CLUSTER_DATA_ACK_FRAME_BYTES);
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips any message, whole and split at any byte in a stream', () => {
    fc.assert(
      fc.property(fc.oneof(datas, acks), fc.nat(), (message, cut) => {
        const frame = encode(message);
        expect(decode(frame)).toEqual(message);
        expect(decode(frame, { copy: true })).toEqual(message);
        const at = cut % (frame.length + 1);
        const decoder = new FrameDecoder();
        const out = [...decoder.push(frame.subarray(0, at)), ...decoder.push(frame.subarray(at))];
        expect(out).toEqual([message]);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every truncation of the fixed fields, and an ack with trailing bytes', () => {
    for (const [, message, hex] of vectors) {
      const frame = fromHex(hex);
      for (let length = 0; length < 16; length++) {
        const truncated = frame.slice(0, 5 + length);
        truncated[1] = length;
        corruption(() => decode(truncated));
      }
      if (message.type === 'ClusterDataAck') {
        const longer = new Uint8Array(frame.length + 1);
        longer.set(frame);
        longer[1] = 17;
        corruption(() => decode(longer));
      }
    }
  });

  it('never throws anything but a TalaError on corrupted bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(datas, acks),
        fc.nat(),
        fc.nat({ max: 255 }),
        (message, index, value) => {
          const frame = encode(message).slice();
          frame[index % frame.length] = value;
          try {
            decode(frame);
          } catch (error) {
            expect(error).toBeInstanceOf(TalaError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses to encode fields outside their wire range with InvalidArgument', () => {
    invalidArgument(() =>
      encode({ type: 'ClusterData', sender: NodeId(1), seq: -1n, payload: new Uint8Array(0) }),
    );
    invalidArgument(() =>
      encode({ type: 'ClusterData', sender: NodeId(1), seq: 1n, payload: [1] as never }),
    );
    invalidArgument(() =>
      encode({ type: 'ClusterDataAck', sender: (2n ** 64n) as NodeId, seq: 0n }),
    );
  });
});
