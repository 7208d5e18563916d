import { readFileSync } from 'node:fs';
import {
  decode,
  defineMessage,
  encode,
  encodedLength,
  encodeInto,
  FrameDecoder,
  MessageRegistry,
  referenceMessages,
} from '@tala-net/codec';
import { type Message, NodeId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownTalaError } from '../../../testing/expect-tala-error.js';
import { fromHex, toHex } from '../../../testing/vectors.js';
import {
  gossipMessage,
  type MemberUpdate,
  MemberUpdateState,
  memberUpdateLength,
  registerSwimMessages,
  swimMessages,
} from '../src/index.js';

registerSwimMessages();

interface JsonUpdate {
  node: string;
  state: MemberUpdateState;
  incarnation: string;
  address: string;
  accuser?: string;
}
type JsonSwim =
  | { type: 'PingReq' | 'IndirectAck' | 'Nack'; from: string; seq: string; target: string }
  | { type: 'Gossip'; from: string; updates: JsonUpdate[] }
  | { type: 'PushPull'; from: string; reply: boolean; members: JsonUpdate[] };

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/swim-vectors.json', import.meta.url), 'utf8'),
) as {
  valid: { name: string; message: JsonSwim; hex: string }[];
  invalid: { name: string; hex: string; error: string }[];
};

function updateFromJson(json: JsonUpdate): MemberUpdate {
  const update = {
    node: NodeId(json.node),
    state: json.state,
    incarnation: BigInt(json.incarnation),
    address: fromHex(json.address),
  };
  return json.accuser === undefined ? update : { ...update, accuser: NodeId(json.accuser) };
}

function messageFromJson(json: JsonSwim): Message {
  switch (json.type) {
    case 'Gossip':
      return {
        type: json.type,
        from: NodeId(json.from),
        updates: json.updates.map(updateFromJson),
      };
    case 'PushPull':
      return {
        type: json.type,
        from: NodeId(json.from),
        reply: json.reply,
        members: json.members.map(updateFromJson),
      };
    default:
      return {
        type: json.type,
        from: NodeId(json.from),
        seq: BigInt(json.seq),
        target: NodeId(json.target),
      };
  }
}

describe('SWIM known-answer vectors', () => {
  it('has both sections', () => {
    expect(vectors.valid.length).toBeGreaterThanOrEqual(7);
    expect(vectors.invalid.length).toBeGreaterThanOrEqual(9);
  });

  it.each(vectors.valid.map((v) => [v.name, v] as const))('%s is byte-exact both ways', (_n, v) => {
    const message = messageFromJson(v.message);
    expect(toHex(encode(message))).toBe(v.hex);
    expect(encodedLength(message)).toBe(v.hex.length / 2);
    expect(decode(fromHex(v.hex))).toEqual(message);
  });

  it.each(vectors.invalid.map((v) => [v.name, v] as const))('%s is rejected', (_n, v) => {
    const error = thrownTalaError(() => decode(fromHex(v.hex)));
    expect(error.code).toBe('SegmentCorrupted');
    expect(error.message.startsWith(v.error)).toBe(true);
  });
});

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const update: fc.Arbitrary<MemberUpdate> = fc
  .record({
    node: u64.map(NodeId),
    state: fc.constantFrom(...Object.values(MemberUpdateState)),
    incarnation: u64,
    address: fc.uint8Array({ maxLength: 40 }),
    accuser: fc.option(u64.map(NodeId), { nil: undefined }),
  })
  .map(({ accuser, ...rest }) =>
    // Only a Suspect names its accuser.
    accuser === undefined || rest.state !== 'Suspect' ? rest : { ...rest, accuser },
  );
const swimMessage: fc.Arbitrary<Message> = fc.oneof(
  fc.record({
    type: fc.constantFrom('PingReq' as const, 'IndirectAck' as const, 'Nack' as const),
    from: u64.map(NodeId),
    seq: u64,
    target: u64.map(NodeId),
  }),
  fc.record({
    type: fc.constant('Gossip' as const),
    from: u64.map(NodeId),
    updates: fc.array(update, { maxLength: 6 }),
  }),
  fc.record({
    type: fc.constant('PushPull' as const),
    from: u64.map(NodeId),
    reply: fc.boolean(),
    members: fc.array(update, { maxLength: 6 }),
  }),
);

describe('SWIM messages through the codec', () => {
  it('round-trip through encode, encodeInto and a FrameDecoder at any chunking', () => {
    fc.assert(
      fc.property(fc.array(swimMessage, { minLength: 1, maxLength: 5 }), fc.nat(), (ms, cut) => {
        const total = ms.reduce((n, m) => n + encodedLength(m), 0);
        const buffer = new Uint8Array(total);
        let at = 0;
        for (const m of ms) {
          expect(decode(encode(m))).toEqual(m);
          at += encodeInto(m, buffer, at);
        }
        const decoder = new FrameDecoder();
        const split = cut % (total + 1);
        const out = [
          ...decoder.push(buffer.subarray(0, split)),
          ...decoder.push(buffer.subarray(split)),
        ];
        decoder.end();
        expect(out).toEqual(ms);
      }),
      { seed: 20_261_201, numRuns: 300 },
    );
  });

  it('are skipped and counted by a decoder that does not know them', () => {
    const referenceOnly = new MessageRegistry().register(...referenceMessages);
    const ping: Message = { type: 'Ping', from: NodeId(1), seq: 1n };
    const gossip: Message = {
      type: 'Gossip',
      from: NodeId(1),
      updates: [{ node: NodeId(2), state: 'Alive', incarnation: 1n, address: new Uint8Array(3) }],
    };
    const nack: Message = { type: 'Nack', from: NodeId(1), seq: 2n, target: NodeId(3) };
    const stream = [ping, gossip, ping, nack, ping].map((m) => encode(m));
    const bytes = new Uint8Array(stream.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const frame of stream) {
      bytes.set(frame, at);
      at += frame.length;
    }
    for (let cut = 0; cut <= bytes.length; cut++) {
      const old = new FrameDecoder({ registry: referenceOnly });
      const seen = [...old.push(bytes.subarray(0, cut)), ...old.push(bytes.subarray(cut))];
      old.end();
      expect(seen).toEqual([ping, ping, ping]);
      expect(old.skippedFrames).toBe(2);
      expect(old.skippedBytes).toBe(encodedLength(gossip) + encodedLength(nack));
    }
    expect(() => decode(encode(gossip), { registry: referenceOnly })).toThrow(/0x13/);
  });

  it('are registered idempotently; a second owner of a SWIM tag is refused, naming both', () => {
    const registry = new MessageRegistry();
    registerSwimMessages(registry);
    registerSwimMessages(registry);
    expect(registry.definitions()).toEqual([...swimMessages]);
    const rival = defineMessage({ ...gossipMessage, owner: 'some-plugin' });
    const error = thrownTalaError(() => registry.register(rival));
    expect(error.code).toBe('DuplicateMessage');
    expect(error.message).toContain('some-plugin');
    expect(error.message).toContain('@tala-net/membership');
  });

  it('size member updates from one place: the codec agrees with memberUpdateLength', () => {
    fc.assert(
      fc.property(fc.array(update, { maxLength: 8 }), (updates) => {
        const gossip: Message = { type: 'Gossip', from: NodeId(1), updates };
        const expected = 5 + 12 + updates.reduce((n, u) => n + memberUpdateLength(u), 0);
        expect(encodedLength(gossip)).toBe(expected);
        expect(encode(gossip).length).toBe(expected);
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});

describe('SWIM limits', () => {
  const many = (n: number): MemberUpdate[] =>
    Array.from({ length: n }, (_, i) => ({
      node: NodeId(i + 1),
      state: 'Alive' as const,
      incarnation: 0n,
      address: new Uint8Array(),
    }));

  it('hold Gossip to 1,024 updates and PushPull to 4,096 members by default, from the count', () => {
    const gossip = encode({ type: 'Gossip', from: NodeId(1), updates: many(1025) });
    expect(thrownTalaError(() => decode(gossip)).message).toMatch(
      /Gossip\.updates count at byte 13: expected at most 1024 entries/,
    );
    expect(decode(encode({ type: 'Gossip', from: NodeId(1), updates: many(1024) }))).toBeDefined();
    const pushPull = encode({
      type: 'PushPull',
      from: NodeId(1),
      reply: false,
      members: many(4097),
    });
    expect(thrownTalaError(() => decode(pushPull)).message).toMatch(/at most 4096 entries/);
  });

  it('follow the decoder options', () => {
    const gossip = encode({ type: 'Gossip', from: NodeId(1), updates: many(10) });
    expect(() => decode(gossip, { limits: { gossipUpdates: 9 } })).toThrow(/at most 9 entries/);
    expect(decode(gossip, { limits: { gossipUpdates: 10 } })).toBeDefined();
    const decoder = new FrameDecoder({ limits: { gossipUpdates: 2 } });
    expect(() => decoder.push(gossip)).toThrow(/at most 2 entries/);
  });
});

describe('SWIM encode validation', () => {
  it('rejects member states named like Object.prototype properties', () => {
    for (const state of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const error = thrownTalaError(() =>
        encode({
          type: 'Gossip',
          from: NodeId(1),
          updates: [
            { node: NodeId(2), incarnation: 0n, state: state as never, address: new Uint8Array() },
          ],
        }),
      );
      expect(error.code).toBe('InvalidArgument');
    }
  });

  it('validates every value before writing: a bad value deep in a message writes nothing', () => {
    const bad: readonly (readonly [Message, RegExp])[] = [
      [
        { type: 'PingReq', from: NodeId(1), seq: 1n, target: (2n ** 64n) as NodeId },
        /PingReq\.target/,
      ],
      [
        {
          type: 'Gossip',
          from: NodeId(1),
          updates: [
            { node: NodeId(2), incarnation: 1n, state: 'Alive', address: new Uint8Array(3) },
            {
              node: NodeId(3),
              incarnation: 1n,
              state: 'Gone' as 'Alive',
              address: new Uint8Array(),
            },
          ],
        },
        /Gossip\.updates\.state: expected Alive, Suspect, Dead or Left, found Gone/,
      ],
      [
        {
          type: 'PushPull',
          from: NodeId(1),
          reply: false,
          members: [
            { node: NodeId(2), incarnation: 1n, state: 'Left', address: new Uint8Array(65_536) },
          ],
        },
        /PushPull\.members\.address: expected at most 65535 bytes, found 65536/,
      ],
      [
        { type: 'PushPull', from: NodeId(1), reply: 1 as never, members: [] },
        /PushPull\.reply: expected a boolean/,
      ],
      [
        { type: 'Gossip', from: NodeId(1), updates: [null as never] },
        /Gossip\.updates\.update: expected an object, found null/,
      ],
      [{ type: 'Gossip', from: NodeId(1), updates: null as never }, /Gossip\.updates\.list/],
    ];
    for (const [message, pattern] of bad) {
      const target = new Uint8Array(70_000).fill(0xa5);
      const error = thrownTalaError(() => encodeInto(message, target, 3));
      expect(error.code).toBe('InvalidArgument');
      expect(error.message).toMatch(pattern);
      expect(target.every((b) => b === 0xa5)).toBe(true);
    }
  });

  it('re-encodes a zero-copy decoded Gossip in place with its addresses intact', () => {
    const message: Message = {
      type: 'Gossip',
      from: NodeId(1),
      updates: [
        { node: NodeId(2), incarnation: 1n, state: 'Alive', address: new Uint8Array([9, 8, 7]) },
        { node: NodeId(3), incarnation: 2n, state: 'Left', address: new Uint8Array([6, 5]) },
      ],
    };
    const frame = encode(message);
    const buffer = new Uint8Array(128);
    buffer.set(frame, 40);
    const decoded = decode(buffer.subarray(40, 40 + frame.length));
    encodeInto(decoded, buffer, 30);
    expect(decode(buffer.subarray(30, 30 + frame.length))).toEqual(message);
  });

  it('copies addresses out of a Node Buffer with { copy: true } and views them without', () => {
    const message: Message = {
      type: 'Gossip',
      from: NodeId(1),
      updates: [
        { node: NodeId(2), incarnation: 3n, state: 'Alive', address: new Uint8Array([4, 5]) },
      ],
    };
    const input = Buffer.from(encode(message));
    const viewed = decode(input);
    const copied = decode(input, { copy: true });
    const [streamed] = new FrameDecoder({ copy: true }).push(input);
    if (viewed.type !== 'Gossip' || copied.type !== 'Gossip' || streamed?.type !== 'Gossip') {
      throw new Error('type');
    }
    expect(viewed.updates[0]!.address.buffer).toBe(input.buffer);
    expect(copied.updates[0]!.address.buffer).not.toBe(input.buffer);
    input.fill(0);
    expect(copied).toEqual(message);
    expect(streamed).toEqual(message);
  });
});
