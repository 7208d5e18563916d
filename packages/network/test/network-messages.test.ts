import {
  decode,
  encode,
  encodedLength,
  encodeInto,
  FrameDecoder,
  MessageRegistry,
} from '@tala-net/codec';
import { type Message, NodeId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruption, invalidArgument } from '../../../testing/expect-tala-error.js';
import { fromHex, toHex } from '../../../testing/vectors.js';
import {
  type ChannelMessage,
  type ChannelRequest,
  type ChannelResponse,
  channelId,
  MAX_ERROR_MESSAGE_BYTES,
  MAX_METADATA_BYTES,
  MAX_METADATA_ENTRIES,
  networkMessages,
  registerNetworkMessages,
} from '../src/index.js';

registerNetworkMessages();

/** Known answers: the layouts of docs/wire-format.md (little-endian). */
const vectors: [string, Message, string][] = [
  [
    'channel message',
    {
      type: 'ChannelMessage',
      channel: channelId('test'),
      metadata: [['k', 'v']],
      payload: new Uint8Array([0xca, 0xfe]),
    },
    '300c000000' + 'e571d0af' + '01' + '016b' + '0100' + '76' + 'cafe',
  ],
  [
    'request',
    {
      type: 'ChannelRequest',
      version: 1,
      correlationId: 0x0102_0304_0506_0708n,
      source: NodeId(7),
      budgetMs: 1000,
      channel: 1,
      metadata: [],
      payload: new Uint8Array([0xab]),
    },
    '311c000000' +
      '0100' +
      '0807060504030201' +
      '0700000000000000' +
      'e8030000' +
      '01000000' +
      '00' +
      'ab',
  ],
  [
    'error response',
    {
      type: 'ChannelResponse',
      correlationId: 9n,
      errorCode: 7,
      errorMessage: 'late',
      payload: new Uint8Array(0),
    },
    '3210000000' + '0900000000000000' + '0700' + '0400' + '6c617465',
  ],
  [
    'response',
    {
      type: 'ChannelResponse',
      correlationId: 1n,
      errorCode: 0,
      errorMessage: '',
      payload: new Uint8Array([1, 2]),
    },
    '320e000000' + '0100000000000000' + '0000' + '0000' + '0102',
  ],
];

const metadataKeys = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 8,
});
const metadatas = fc.uniqueArray(
  fc.tuple(metadataKeys, fc.string({ unit: 'binary', maxLength: 40 })),
  {
    maxLength: MAX_METADATA_ENTRIES,
    selector: ([key]) => key,
  },
);
const payloads = fc.uint8Array({ maxLength: 64 });
const u64s = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const u32s = fc.nat({ max: 0xffff_ffff });

const channelMessages: fc.Arbitrary<ChannelMessage> = fc.record({
  type: fc.constant('ChannelMessage' as const),
  channel: u32s,
  metadata: metadatas,
  payload: payloads,
});
const channelRequests: fc.Arbitrary<ChannelRequest> = fc.record({
  type: fc.constant('ChannelRequest' as const),
  version: fc.nat({ max: 0xffff }),
  correlationId: u64s,
  source: u64s.map((id) => NodeId(id)),
  budgetMs: u32s,
  channel: u32s,
  metadata: metadatas,
  payload: payloads,
});
const channelResponses: fc.Arbitrary<ChannelResponse> = fc.record({
  type: fc.constant('ChannelResponse' as const),
  correlationId: u64s,
  errorCode: fc.nat({ max: 0xffff }),
  errorMessage: fc.string({ unit: 'binary', maxLength: 100 }),
  payload: payloads,
});
const anyMessage = fc.oneof(channelMessages, channelRequests, channelResponses);

describe('network messages', () => {
  it.each(vectors)('encodes and decodes the %s known answer', (_, message, hex) => {
    expect(toHex(encode(message))).toBe(hex);
    expect(decode(fromHex(hex))).toEqual(message);
    expect(encodedLength(message)).toBe(hex.length / 2);
  });

  it('owns tags 0x30–0x32 and registers idempotently', () => {
    expect(networkMessages.map((definition) => definition.tag)).toEqual([0x30, 0x31, 0x32]);
    const registry = new MessageRegistry();
    registerNetworkMessages(registry);
    registerNetworkMessages(registry);
    expect(registry.definitions().map((definition) => definition.type)).toEqual([
      'ChannelMessage',
      'ChannelRequest',
      'ChannelResponse',
    ]);
  });

  it('round-trips any message, whole and split at any byte in a stream', () => {
    fc.assert(
      fc.property(anyMessage, fc.nat(), (message, cut) => {
        const frame = encode(message);
        expect(frame.length).toBe(encodedLength(message));
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

  it('encodes into a larger buffer at an offset without touching the bytes around it', () => {
    for (const [, message, hex] of vectors) {
      const target = new Uint8Array(96).fill(0xee);
      const written = encodeInto(message, target, 7);
      expect(written).toBe(hex.length / 2);
      expect(toHex(target.subarray(7, 7 + written))).toBe(hex);
      expect(target[6]).toBe(0xee);
      expect(target[7 + written]).toBe(0xee);
    }
  });

  it('never throws anything but a TalaError on corrupted bytes', () => {
    fc.assert(
      fc.property(anyMessage, fc.nat(), fc.nat({ max: 255 }), (message, index, value) => {
        const frame = encode(message).slice();
        frame[5 + (index % Math.max(1, frame.length - 5))] = value;
        try {
          expect(decode(frame)).toBeDefined();
        } catch (error) {
          expect(error).toBeInstanceOf(TalaError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects truncated fixed fields and metadata with SegmentCorrupted', () => {
    for (const [, message, hex] of vectors) {
      const frame = fromHex(hex);
      const fixed =
        message.type === 'ChannelMessage' ? 5 : message.type === 'ChannelRequest' ? 27 : 12;
      for (let length = 0; length < fixed; length++) {
        const truncated = frame.slice(0, 5 + length);
        truncated[1] = length;
        truncated[2] = 0;
        corruption(() => decode(truncated));
      }
    }
  });

  it('checks metadata counts and lengths against the bounds and the bytes present', () => {
    const frame = (metadata: string): Uint8Array => {
      const payload = fromHex(`01000000${metadata}`);
      const bytes = new Uint8Array(5 + payload.length);
      bytes[0] = 0x30;
      new DataView(bytes.buffer).setUint32(1, payload.length, true);
      bytes.set(payload, 5);
      return bytes;
    };
    expect(decode(frame('00')).type).toBe('ChannelMessage');
    corruption(() => decode(frame((MAX_METADATA_ENTRIES + 1).toString(16).padStart(2, '0'))));
    corruption(() => decode(frame('01'))); // one entry, no key
    corruption(() => decode(frame('0100'))); // empty key
    corruption(() => decode(frame('01416b'))); // key longer than the bytes present
    corruption(() => decode(frame('01016b05'))); // value length cut short
    corruption(() => decode(frame('01016b050076'))); // value longer than the bytes present
    corruption(() => decode(frame('01016bffff'))); // value over the byte budget
    corruption(() => decode(frame('01012001007a'))); // a space in the key
    corruption(() => decode(frame('01016b0100ff'))); // invalid UTF-8
    corruption(() => decode(frame('02' + '016b010076' + '016b010076'))); // duplicate key
    const error = corruption(() => decode(frame('01016b050076')));
    expect(error.message).toContain('at byte 12');
  });

  it('rejects an error message longer than its bound or not UTF-8', () => {
    const response = (length: number, body: string): Uint8Array => {
      const payload = fromHex(
        `0100000000000000070${'0'}${toHex(new Uint8Array([length & 0xff, length >> 8]))}${body}`,
      );
      const bytes = new Uint8Array(5 + payload.length);
      bytes[0] = 0x32;
      new DataView(bytes.buffer).setUint32(1, payload.length, true);
      bytes.set(payload, 5);
      return bytes;
    };
    expect(decode(response(1, '41'))).toMatchObject({ errorMessage: 'A', errorCode: 7 });
    corruption(() => decode(response(2, '41')));
    corruption(() => decode(response(MAX_ERROR_MESSAGE_BYTES + 1, '41'.repeat(1100))));
    corruption(() => decode(response(1, 'c3')));
  });

  it('refuses to encode what the wire cannot carry, with InvalidArgument', () => {
    const base = vectors[0]![1] as ChannelMessage;
    invalidArgument(() => encode({ ...base, channel: -1 }));
    invalidArgument(() => encode({ ...base, payload: [1] as unknown as Uint8Array }));
    invalidArgument(() => encode({ ...base, metadata: { a: 'b' } as unknown as [] }));
    invalidArgument(() => encode({ ...base, metadata: [['a b', 'c']] }));
    invalidArgument(() =>
      encode({
        ...base,
        metadata: [
          ['k', 'a'],
          ['k', 'b'],
        ],
      }),
    );
    invalidArgument(() => encode({ ...base, metadata: [['k']] as unknown as [] }));
    invalidArgument(() => encode({ ...base, metadata: [['k', '\ud800']] }));
    invalidArgument(() => encode({ ...base, metadata: [['k', 'x'.repeat(MAX_METADATA_BYTES)]] }));
    invalidArgument(() =>
      encode({
        ...base,
        metadata: Array.from(
          { length: MAX_METADATA_ENTRIES + 1 },
          (_, i) => [`k${i}`, ''] as const,
        ),
      }),
    );
    const response = vectors[2]![1] as ChannelResponse;
    invalidArgument(() => encode({ ...response, errorCode: 0x1_0000 }));
    invalidArgument(() => encode({ ...response, errorMessage: 'é'.repeat(513) }));
    invalidArgument(() => encode({ ...response, correlationId: -1n }));
    const request = vectors[1]![1] as ChannelRequest;
    invalidArgument(() => encode({ ...request, budgetMs: 2 ** 32 }));
    invalidArgument(() => encode({ ...request, version: 1.5 }));
  });
});
