import {
  decode,
  encode,
  encodedLength,
  FrameDecoder,
  MessageRegistry,
  referenceMessages,
} from '@tala-net/codec';
import { type Message, NodeId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../testing/vectors.js';
import {
  type HandshakeHello,
  handshakeMessages,
  MAX_CAPABILITY_BYTES,
  MAX_CLUSTER_LABEL_BYTES,
  MAX_LISTEN_ADDRESS_BYTES,
  registerHandshakeMessages,
} from '../src/index.js';

registerHandshakeMessages();
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Known answers: the layouts of docs/wire-format.md (little-endian, length-prefixed fields). */
const vectors: [string, Message, string][] = [
  [
    'hello',
    {
      type: 'HandshakeHello',
      versionMin: 1,
      versionMax: 2,
      from: NodeId(7),
      bootId: 0x0102_0304_0506_0708n,
      clusterLabel: text('ab'),
      listenAddress: text('h:1'),
      capabilities: new Uint8Array([0xca, 0xfe]),
    },
    '2022000000' +
      '0100' +
      '0200' +
      '0700000000000000' +
      '0807060504030201' +
      '02' +
      '6162' +
      '0300' +
      '683a31' +
      '02000000' +
      'cafe',
  ],
  [
    'welcome',
    {
      type: 'HandshakeWelcome',
      version: 2,
      from: NodeId(9),
      bootId: 1n,
      capabilities: new Uint8Array(0),
    },
    '2116000000' + '0200' + '0900000000000000' + '0100000000000000' + '00000000',
  ],
  [
    'refusal',
    { type: 'HandshakeRefusal', from: NodeId(2), code: 1, detail: text('x') },
    '220c000000' + '0200000000000000' + '01' + '0100' + '78',
  ],
  ['heartbeat', { type: 'Heartbeat' }, '2300000000'],
];

const hellos = fc.record({
  type: fc.constant('HandshakeHello' as const),
  versionMin: fc.integer({ min: 0, max: 0xffff }),
  versionMax: fc.integer({ min: 0, max: 0xffff }),
  from: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((id) => id as NodeId),
  bootId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  clusterLabel: fc.uint8Array({ maxLength: MAX_CLUSTER_LABEL_BYTES }),
  listenAddress: fc.uint8Array({ maxLength: 64 }),
  capabilities: fc.uint8Array({ maxLength: 64 }),
});

describe('handshake messages', () => {
  it.each(vectors)('%s encodes to its known bytes and decodes back', (_, message, hex) => {
    expect(toHex(encode(message))).toBe(hex);
    expect(encodedLength(message)).toBe(hex.length / 2);
    expect(decode(fromHex(hex))).toEqual(message);
  });

  it('owns tags 0x20–0x23 of the handshake range, and registering twice is a no-op', () => {
    expect(handshakeMessages.map((d) => d.tag)).toEqual([0x20, 0x21, 0x22, 0x23]);
    const registry = new MessageRegistry();
    registry.register(...referenceMessages);
    registerHandshakeMessages(registry);
    registerHandshakeMessages(registry);
    expect(decode(encode({ type: 'Heartbeat' }), { registry })).toEqual({ type: 'Heartbeat' });
  });

  it('round-trips any hello, whole and split at any byte in a stream', () => {
    fc.assert(
      fc.property(hellos, fc.nat(), (hello, cut) => {
        const frame = encode(hello);
        expect(decode(frame)).toEqual(hello);
        const at = cut % (frame.length + 1);
        const decoder = new FrameDecoder();
        const out = [...decoder.push(frame.subarray(0, at)), ...decoder.push(frame.subarray(at))];
        expect(out).toEqual([hello]);
      }),
    );
  });

  it('rejects every truncation and trailing bytes with SegmentCorrupted', () => {
    for (const [, message] of vectors) {
      const frame = encode(message);
      for (let length = 5; length < frame.length; length++) {
        const truncated = frame.slice(0, length);
        truncated[1] = length - 5; // a consistent header declaring the shorter payload
        const error = (() => {
          try {
            decode(truncated);
          } catch (e) {
            return e;
          }
        })();
        expect(error, `${message.type} cut to ${length}`).toBeInstanceOf(TalaError);
        expect((error as TalaError).code).toBe('SegmentCorrupted');
      }
      const longer = new Uint8Array(frame.length + 1);
      longer.set(frame);
      longer[1] = frame.length - 4;
      expect(() => decode(longer)).toThrow(TalaError);
    }
  });

  it('rejects a length field larger than its bound before reading the bytes', () => {
    const hello = vectors[0]![1] as HandshakeHello;
    const frame = encode({ ...hello, clusterLabel: new Uint8Array(0) });
    // The label length byte is at payload offset 20: claim 65 bytes (more than 64).
    frame[5 + 20] = MAX_CLUSTER_LABEL_BYTES + 1;
    expect(() => decode(frame)).toThrow(/clusterLabel/);
  });

  it('refuses to encode fields beyond their bounds with InvalidArgument', () => {
    const hello = vectors[0]![1] as HandshakeHello;
    for (const bad of [
      { ...hello, versionMin: 0x1_0000 },
      { ...hello, versionMax: -1 },
      { ...hello, bootId: 2n ** 64n },
      { ...hello, clusterLabel: new Uint8Array(MAX_CLUSTER_LABEL_BYTES + 1) },
      { ...hello, listenAddress: new Uint8Array(MAX_LISTEN_ADDRESS_BYTES + 1) },
      { ...hello, capabilities: new Uint8Array(MAX_CAPABILITY_BYTES + 1) },
      { ...hello, capabilities: 'caps' },
    ]) {
      expect(() => encode(bad as Message)).toThrow(
        expect.objectContaining({ code: 'InvalidArgument' }),
      );
    }
    expect(() =>
      encode({ type: 'HandshakeRefusal', from: NodeId(1), code: 256, detail: new Uint8Array(0) }),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
