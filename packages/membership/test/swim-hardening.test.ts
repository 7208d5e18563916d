import { decode, encode, encodedLength } from '@tala-net/codec';
import { SimulatedNetwork } from '@tala-net/transport-inprocess';
import { type Message, NodeId, seededRandom } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_INCARNATION, type MemberUpdate, SwimEngine, SwimNode } from '../src/index.js';
import { alive, cluster, deliverAll, sent, testConfig } from './support/engines.js';

const n1 = NodeId(1);
const n2 = NodeId(2);
const n3 = NodeId(3);
const STRANGER = NodeId(99);

function gossip(from: NodeId, ...updates: MemberUpdate[]): Message {
  return { type: 'Gossip', from, updates };
}

/** A sparse array: holes at 0 and 1, an update at 2. */
function holes(): unknown[] {
  const sparse: unknown[] = [];
  sparse[2] = alive(3);
  return sparse;
}

function bytesOf(messages: ReadonlyArray<{ message: Message }>): number {
  return messages.reduce((sum, m) => sum + encodedLength(m.message), 0);
}

describe('one frame cannot evict a member', () => {
  it('a Dead at 2^64 − 2 from a non-member changes nothing; the member stays refutable', () => {
    const engines = cluster(5);
    const a = engines.get(n1)!;
    const out = a.handleMessage(
      0,
      STRANGER,
      gossip(STRANGER, { ...alive(2, MAX_INCARNATION), state: 'Dead' }),
    );
    expect(out.events).toEqual([]);
    expect(a.list.stateOf(n2)).toBe('Alive');
    expect(a.stats.untrustedUpdates).toBe(1);
    // Told to node 2 itself, it rises by one, not to the ceiling.
    const b = engines.get(n2)!;
    b.handleMessage(0, STRANGER, gossip(STRANGER, { ...alive(2, MAX_INCARNATION), state: 'Dead' }));
    b.handleMessage(
      1,
      STRANGER,
      gossip(STRANGER, { ...alive(2, MAX_INCARNATION), state: 'Suspect' }),
    );
    expect(b.incarnation).toBe(2n);
  });

  it('a member accusing at a huge incarnation accuses at the incarnation we know', () => {
    const engines = cluster(3);
    const a = engines.get(n1)!;
    a.handleMessage(0, n3, gossip(n3, { ...alive(2, MAX_INCARNATION), state: 'Dead' }));
    expect(a.member(n2)).toMatchObject({ state: 'Dead', incarnation: 0n });
    // Node 2 refutes at 1, which beats it.
    a.handleMessage(1, n2, gossip(n2, alive(2, 1n)));
    expect(a.member(n2)).toMatchObject({ state: 'Alive', incarnation: 1n });
  });

  it('4,096 self-suspicions in one message raise the incarnation by one', () => {
    const b = cluster(2).get(n2)!;
    const updates = Array.from({ length: 4096 }, (_, i) => ({
      ...alive(2, BigInt(i)),
      state: 'Suspect' as const,
    }));
    const out = b.handleMessage(0, n1, { type: 'Gossip', from: n1, updates });
    expect(b.incarnation).toBe(1n);
    expect(b.stats.refutations).toBe(1);
    expect(out.messages).toHaveLength(1);
  });
});

describe('instant verdicts need a reason', () => {
  it('a Dead or Left from a non-member is ignored; from a member it counts', () => {
    const a = cluster(3).get(n1)!;
    for (const state of ['Dead', 'Left'] as const) {
      a.handleMessage(0, STRANGER, gossip(STRANGER, { ...alive(2), state }));
      expect(a.list.stateOf(n2)).toBe('Alive');
    }
    a.handleMessage(0, n3, gossip(n3, { ...alive(2), state: 'Dead' }));
    expect(a.list.stateOf(n2)).toBe('Dead');
  });

  it('a Dead or Left inside a PushPull only makes the receiver suspect', () => {
    for (const state of ['Dead', 'Left'] as const) {
      const a = cluster(3).get(n1)!;
      a.handleMessage(0, n3, {
        type: 'PushPull',
        from: n3,
        reply: true,
        members: [alive(3), { ...alive(2), state }],
      });
      expect(a.member(n2)?.state).toBe('Suspect');
    }
  });

  it('a non-member may only speak about itself: its Alive joins it, nothing else is taken', () => {
    const a = cluster(2).get(n1)!;
    a.handleMessage(0, STRANGER, gossip(STRANGER, alive(7), { ...alive(2), state: 'Suspect' }));
    expect(a.member(NodeId(7))).toBeUndefined();
    expect(a.list.stateOf(n2)).toBe('Alive');
    // Its own Alive makes it a member, whose later messages count.
    a.handleMessage(1, STRANGER, gossip(STRANGER, alive(99), alive(7)));
    expect(a.member(STRANGER)?.state).toBe('Alive');
    expect(a.member(NodeId(7))?.state).toBe('Alive');
  });

  it('PingReq, IndirectAck and Nack from a non-member are ignored', () => {
    const a = cluster(2).get(n1)!;
    const out = a.handleMessage(0, STRANGER, {
      type: 'PingReq',
      from: STRANGER,
      seq: 1n,
      target: n2,
    });
    expect(out.messages).toEqual([]);
    expect(a.stats.untrustedMessages).toBe(1);
  });
});

describe('bounded state', () => {
  it('stores at most maxMembers members, and no address above maxAddressBytes', () => {
    const a = cluster(2, testConfig({ maxMembers: 5, maxAddressBytes: 8 })).get(n1)!;
    a.handleMessage(0, n2, gossip(n2, ...Array.from({ length: 20 }, (_, i) => alive(10 + i))));
    expect(a.members()).toHaveLength(6); // itself and 5 others
    const b = cluster(2, testConfig({ maxAddressBytes: 8 })).get(n1)!;
    b.handleMessage(0, n2, gossip(n2, { ...alive(7), address: new Uint8Array(9) }, alive(8)));
    expect(b.member(NodeId(7))).toBeUndefined();
    expect(b.member(NodeId(8))).toBeDefined();
    expect(b.stats.rejectedUpdates).toBe(1);
    expect(
      () =>
        new SwimEngine({
          id: n1,
          random: seededRandom(1),
          config: testConfig({ maxAddressBytes: 8 }),
          address: new Uint8Array(9),
        }),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });

  it('a PushPull never exceeds maxPushPullBytes, and repeated syncs cover every member', () => {
    const config = testConfig({ maxAddressBytes: 1024, maxPushPullBytes: 16 * 1024 });
    const a = cluster(2, config).get(n1)!;
    const big = (i: number) => ({ ...alive(100 + i), address: new Uint8Array(1000).fill(i) });
    for (let i = 0; i < 40; i += 10) {
      a.handleMessage(0, n2, gossip(n2, ...Array.from({ length: 10 }, (_, j) => big(i + j))));
    }
    expect(a.members()).toHaveLength(42);
    const seen = new Set<bigint>();
    for (let t = 0; t < 30; t++) {
      const out = a.handleMessage(t * 1000, n2, {
        type: 'PushPull',
        from: n2,
        reply: false,
        members: [alive(2)],
      });
      const [reply] = sent(out, 'PushPull');
      expect(encodedLength(reply!.message)).toBeLessThanOrEqual(16 * 1024);
      expect(reply!.message.members[0]!.node).toBe(n1);
      for (const member of reply!.message.members) seen.add(member.node);
    }
    expect(seen.size).toBe(42);
  });

  it('a node whose members have 65,535-byte addresses stays joinable', () => {
    const a = cluster(2, testConfig({ maxAddressBytes: 0xffff })).get(n1)!;
    const huge = Array.from({ length: 64 }, (_, i) => ({
      ...alive(100 + i),
      address: new Uint8Array(0xffff),
    }));
    a.handleMessage(0, n2, gossip(n2, ...huge));
    const joiner = new SwimEngine({
      id: NodeId(500),
      random: seededRandom(5),
      config: testConfig({ maxAddressBytes: 0xffff }),
      seeds: [n1],
    });
    const out = joiner.start(0);
    const reply = sent(
      a.handleMessage(1, NodeId(500), sent(out, 'PushPull')[0]!.message),
      'PushPull',
    )[0]!;
    const frame = encode(reply.message);
    expect(frame.length).toBeLessThanOrEqual(1024 * 1024);
    joiner.handleMessage(2, n1, decode(frame));
    expect(joiner.member(n1)?.state).toBe('Alive');
  });
});

describe('a PushPull never has more members than a default decoder accepts', () => {
  it('with maxUpdatesPerMessage above 4,096, a state of 5,000 members is sent as 4,096', () => {
    const config = testConfig({ maxUpdatesPerMessage: 10_000 });
    const members = Array.from({ length: 5000 }, (_, i) => alive(i + 1));
    const a = new SwimEngine({ id: n1, random: seededRandom(1), config, members });
    const out = a.handleMessage(0, n2, { type: 'PushPull', from: n2, reply: false, members: [] });
    const [reply] = sent(out, 'PushPull');
    expect(reply!.message.members).toHaveLength(4096);
    const decoded = decode(encode(reply!.message));
    expect(decoded.type === 'PushPull' && decoded.members.length).toBe(4096);
  });
});

describe('typed errors: the engine checks its options like messages', () => {
  const random = seededRandom(1);
  const throwing = new Proxy(
    {},
    {
      get() {
        throw new Error('getter');
      },
    },
  );
  const bad: Array<[string, Record<string, unknown>]> = [
    ['a hole in members', { members: [undefined] }],
    ['a member with a null address', { members: [{ ...alive(2), address: null }] }],
    ['a member at incarnation 2^70', { members: [alive(2, 2n ** 70n)] }],
    ['a member at 2^64 − 1', { members: [alive(2, MAX_INCARNATION + 1n)] }],
    [
      'a member with a 70,000-byte address',
      { members: [{ ...alive(2), address: new Uint8Array(70_000) }] },
    ],
    ['a member with an accuser on Alive', { members: [{ ...alive(2), accuser: n3 }] }],
    ['a member that throws', { members: [throwing] }],
    ['members that are not an array', { members: 'x' }],
    [
      'more members than maxMembers',
      { config: testConfig({ maxMembers: 2 }), members: [alive(2), alive(3), alive(4), alive(5)] },
    ],
    ['a config that swimConfig rejects', { config: { ...testConfig(), probeInterval: -1 } }],
    ['a config that is not an object', { config: 'lan' }],
    ['a string address', { address: 'here' }],
    ['an address above maxAddressBytes', { address: new Uint8Array(513) }],
    ['an incarnation of 2^64 − 1', { incarnation: MAX_INCARNATION + 1n }],
    ['a number incarnation', { incarnation: 1 }],
    ['a string id', { id: '1' }],
    ['a negative id', { id: -1n }],
    ['a seed that is not an id', { seeds: [n2, null] }],
    ['no random', { random: undefined }],
  ];
  for (const [name, options] of bad) {
    it(`rejects ${name} with InvalidArgument`, () => {
      const make = () => new SwimEngine({ id: n1, random, ...options } as never);
      expect(make).toThrow(expect.objectContaining({ name: 'TalaError', code: 'InvalidArgument' }));
    });
  }

  it('rejects options that cannot be read, and accepts good ones (copied)', () => {
    expect(() => new SwimEngine(throwing as never)).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
    const address = new Uint8Array([1, 2]);
    const members = [{ ...alive(2), address }];
    const a = new SwimEngine({ id: n1, random, members, address, incarnation: MAX_INCARNATION });
    address[0] = 9;
    expect(a.member(n2)?.address).toEqual(new Uint8Array([1, 2]));
    expect(a.member(n1)?.address).toEqual(new Uint8Array([1, 2]));
    expect(a.incarnation).toBe(MAX_INCARNATION);
  });
});

describe('bounded replies', () => {
  it('an empty PushPull from a non-member, or a repeated one, is not answered with the state', () => {
    const engines = cluster(50);
    const a = engines.get(n1)!;
    const empty: Message = { type: 'PushPull', from: STRANGER, reply: false, members: [] };
    expect(sent(a.handleMessage(0, STRANGER, empty), 'PushPull')).toEqual([]);
    expect(a.stats.unansweredPushPulls).toBe(1);
    const ask: Message = { type: 'PushPull', from: n2, reply: false, members: [] };
    expect(sent(a.handleMessage(0, n2, ask), 'PushPull')).toHaveLength(1);
    // Asking again within the period gets nothing.
    for (let t = 1; t < 10; t++)
      expect(sent(a.handleMessage(t * 100, n2, ask), 'PushPull')).toEqual([]);
  });

  it('a frame of Suspect updates about every member costs replies of at most its own size', () => {
    const engines = cluster(100);
    const a = engines.get(n1)!;
    const frame = gossip(
      n2,
      ...Array.from({ length: 98 }, (_, i) => ({ ...alive(i + 3), state: 'Suspect' as const })),
    );
    const out = a.handleMessage(0, n2, frame);
    expect(bytesOf(out.messages)).toBeLessThanOrEqual(encodedLength(frame));
  });

  it('a Ping from a non-member gets a bare Pong (no piggyback)', () => {
    const a = cluster(3).get(n1)!;
    a.handleMessage(0, n2, gossip(n2, alive(9)));
    const out = a.handleMessage(1, STRANGER, { type: 'Ping', from: STRANGER, seq: 1n });
    expect(out.messages.map((m) => m.message.type)).toEqual(['Pong']);
  });
});

const SWIM_TYPES: unknown[] = [
  'Ping',
  'Pong',
  'PingReq',
  'IndirectAck',
  'Nack',
  'Gossip',
  'PushPull',
];

describe('typed errors: malformed messages are counted, never thrown', () => {
  const junk = fc.oneof(
    fc.constantFrom(null, undefined, 0, 1n, 'x', true, [], {}, Number.NaN),
    fc.constant(holes()),
    fc.constant({ node: null, state: 'Alive', incarnation: 0n, address: new Uint8Array() }),
    fc.constant({ node: 1n, state: 'Zombie', incarnation: 0n, address: new Uint8Array() }),
    fc.constant({ node: 1n, state: 'Alive', incarnation: 0n, address: [1, 2] }),
    fc.constant(
      Object.defineProperty({}, 'node', {
        get: () => {
          throw new Error('getter');
        },
      }),
    ),
  );
  const malformed = fc.record(
    {
      type: fc.constantFrom(
        'Ping',
        'Pong',
        'PingReq',
        'IndirectAck',
        'Nack',
        'Gossip',
        'PushPull',
        'Nope',
      ),
      from: fc.oneof(fc.constant(n2), junk),
      seq: fc.oneof(fc.constant(1n), junk),
      target: fc.oneof(fc.constant(n3), junk),
      reply: fc.oneof(fc.boolean(), junk),
      updates: fc.oneof(fc.array(fc.oneof(fc.constant(alive(3)), junk), { maxLength: 4 }), junk),
      members: fc.oneof(fc.array(fc.oneof(fc.constant(alive(3)), junk), { maxLength: 4 }), junk),
    },
    { requiredKeys: ['type'] },
  );

  /**
   * How the engine must count `message` from node 2, decided by another judge: the codec, whose
   * `encode` checks every field of a SWIM message against its wire type.
   */
  function expectedCount(message: unknown): 'ignoredMessages' | 'badMessages' | undefined {
    const type = typeof message === 'object' && message !== null ? Reflect.get(message, 'type') : 0;
    if (!SWIM_TYPES.includes(type)) return 'ignoredMessages';
    try {
      encode(message as Message);
    } catch {
      return 'badMessages';
    }
    return (message as { from?: unknown }).from === n2 ? undefined : 'badMessages';
  }

  it('fuzz: hand-built malformed messages never throw and are counted', () => {
    const seen = { ignoredMessages: 0, badMessages: 0, wellFormed: 0 };
    fc.assert(
      fc.property(fc.oneof(malformed, junk), (message) => {
        const a = cluster(3).get(n1)!;
        const expected = expectedCount(message);
        const before = { ...a.stats };
        expect(() => a.handleMessage(0, n2, message as Message)).not.toThrow();
        for (const counter of ['ignoredMessages', 'badMessages'] as const) {
          expect(a.stats[counter] - before[counter]).toBe(counter === expected ? 1 : 0);
        }
        seen[expected ?? 'wellFormed']++;
      }),
      { seed: 0xbad, numRuns: 500 },
    );
    // The generator reaches all three outcomes.
    expect(Object.values(seen).every((count) => count > 0)).toBe(true);
  });

  it('a field is read once: a getter cannot pass the check and then answer something else', () => {
    const a = cluster(3).get(n1)!;
    let reads = 0;
    const shifty = {
      type: 'Gossip',
      from: n2,
      get updates() {
        reads++;
        return reads === 1 ? [alive(2, 1n)] : null;
      },
    };
    expect(() => a.handleMessage(0, n2, shifty as unknown as Message)).not.toThrow();
    expect(reads).toBe(1);
    expect(a.member(n2)?.incarnation).toBe(1n);
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('type');
        },
      },
    );
    expect(() => a.handleMessage(0, n2, throwing as Message)).not.toThrow();
    expect(a.stats.badMessages).toBe(1);
  });

  it('a sparse updates array is a bad message, not a TypeError', () => {
    const a = cluster(3).get(n1)!;
    a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: holes() } as Message);
    expect(a.stats.badMessages).toBe(1);
  });
});

describe('SwimNode: engine bugs are reported, bad input is counted', () => {
  it('bad input counts as badInput; an exception in the engine is an error event', () => {
    const sim = new SimulatedNetwork({ seed: 1 });
    sim.addNode(n1);
    sim.addNode(n2);
    const node = new SwimNode({
      transport: sim.transport(n1),
      clock: sim.clockFor(n1),
      random: seededRandom(1),
      config: 'local',
    });
    const errors: unknown[] = [];
    node.addEventListener('error', (event) => errors.push(event.error));
    node.start();
    sim.transport(n2).send(n1, { type: 'Gossip', from: n2, updates: holes() } as Message);
    sim.runFor(10);
    expect(node.stats.badInput).toBe(1);
    expect(errors).toEqual([]);
    // A bug inside the engine: its counters throw while it counts a message it ignores.
    const bug = new Error('engine bug');
    const stats = node.engine.stats;
    Object.defineProperty(node.engine, 'stats', {
      configurable: true,
      get() {
        throw bug;
      },
    });
    sim.transport(n2).send(n1, {
      type: 'IntentForward',
      partition: 0,
      payload: new Uint8Array(),
    } as unknown as Message);
    sim.runFor(10);
    Object.defineProperty(node.engine, 'stats', { configurable: true, value: stats });
    expect(errors).toEqual([bug]);
    expect(node.stats.engineErrors).toBe(1);
    expect(node.stats.badInput).toBe(1);
  });
});

describe('one datagram per probe, sizes from the codec', () => {
  it('no probe + Gossip pair exceeds gossipBudget, for addresses of every length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60, max: 1400 }),
        fc.array(fc.integer({ min: 0, max: 512 }), { minLength: 1, maxLength: 40 }),
        (budget, lengths) => {
          const config = testConfig({ gossipBudget: budget });
          const engines = cluster(3, config);
          const a = engines.get(n1)!;
          const updates = lengths.map((length, i) => ({
            ...alive(10 + i),
            address: new Uint8Array(length),
          }));
          a.handleMessage(0, n2, gossip(n2, ...updates));
          a.handleMessage(0, n3, gossip(n3, { ...alive(2), state: 'Suspect' }));
          const outputs = [
            a.handleMessage(1, n2, { type: 'Ping', from: n2, seq: 1n }),
            a.handleTimer(1000, { kind: 'probe' }),
          ];
          for (const out of outputs) {
            const messages = out.messages;
            for (let i = 0; i + 1 < messages.length; i++) {
              const next = messages[i + 1]!;
              if (next.message.type !== 'Gossip' || messages[i]!.to !== next.to) continue;
              const pair = encodedLength(messages[i]!.message) + encodedLength(next.message);
              if (messages[i]!.message.type !== 'Gossip') expect(pair).toBeLessThanOrEqual(budget);
            }
          }
        },
      ),
      { seed: 0x6055, numRuns: 200 },
    );
  });

  it('a relay probe and its piggyback fit gossipBudget too', () => {
    const budget = 120;
    const engines = cluster(3, testConfig({ gossipBudget: budget }));
    const a = engines.get(n1)!;
    a.handleMessage(
      0,
      n2,
      gossip(
        n2,
        ...Array.from({ length: 10 }, (_, i) => ({ ...alive(10 + i), address: new Uint8Array(7) })),
      ),
    );
    const produced = deliverAll(engines, n1, a.handleTimer(1000, { kind: 'probe' }), 1001);
    for (const { out } of produced) {
      const m = out.messages;
      for (let i = 0; i + 1 < m.length; i++) {
        if (
          m[i + 1]!.message.type === 'Gossip' &&
          m[i]!.message.type !== 'Gossip' &&
          m[i]!.to === m[i + 1]!.to
        ) {
          expect(
            encodedLength(m[i]!.message) + encodedLength(m[i + 1]!.message),
          ).toBeLessThanOrEqual(budget);
        }
      }
    }
  });
});

describe('a Suspect names its accuser on the wire', () => {
  it('round-trips through the codec; an accuser on any other state is not encodable', () => {
    new SwimEngine({ id: n1, random: seededRandom(1) }); // registers SWIM's messages
    const suspect: MemberUpdate = { ...alive(2, 5n), state: 'Suspect', accuser: n3 };
    const frame = encode(gossip(n1, suspect, alive(4)));
    expect(frame.length).toBe(5 + 12 + 27 + 19);
    expect(decode(frame)).toEqual(gossip(n1, suspect, alive(4)));
    expect(() => encode(gossip(n1, { ...alive(2), state: 'Dead', accuser: n3 }))).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  });

  it('an accuser on a non-Suspect update in a hand-built message is bad input', () => {
    const a = cluster(3).get(n1)!;
    a.handleMessage(0, n2, gossip(n2, { ...alive(3), state: 'Dead', accuser: n2 }));
    expect(a.stats.badMessages).toBe(1);
    expect(a.list.stateOf(n3)).toBe('Alive');
  });
});

describe('updates are read as they are applied, and kept only as copies', () => {
  it('a received update changed afterwards changes nothing the engine holds', () => {
    const engine = new SwimEngine({ id: n1, random: seededRandom(1), config: testConfig() });
    engine.start(0);
    const address = new Uint8Array([1, 2, 3]);
    const update = { node: n2, state: 'Alive' as const, incarnation: 4n, address };
    engine.handleMessage(1, n2, gossip(n2, update));
    address[0] = 99;
    Object.assign(update, { incarnation: 9n, state: 'Dead' });
    expect(engine.member(n2)).toEqual({
      node: n2,
      state: 'Alive',
      incarnation: 4n,
      address: new Uint8Array([1, 2, 3]),
    });
  });

  it('an update whose getters change their answers after the check never throws', () => {
    for (let honestReads = 0; honestReads < 8; honestReads++) {
      const engine = new SwimEngine({ id: n1, random: seededRandom(1), config: testConfig() });
      engine.start(0);
      let reads = 0;
      const shifty = {
        node: n2,
        state: 'Alive',
        get incarnation(): unknown {
          reads++;
          if (reads <= honestReads) return 1n;
          if (reads === honestReads + 1) return 'one';
          throw new Error('getter');
        },
        address: new Uint8Array(),
      };
      const message = { type: 'Gossip', from: n2, updates: [shifty] } as unknown as Message;
      expect(() => engine.handleMessage(1, n2, message)).not.toThrow();
      // Read 1 is the check of the message, read 2 the merge of the sender's own updates, read 3
      // the merge of the others (where a changed answer is counted as bad input).
      expect(engine.member(n2)?.state).toBe(honestReads >= 2 ? 'Alive' : undefined);
      expect(engine.stats.badMessages).toBe(honestReads <= 2 ? 1 : 0);
    }
  });
});

describe('members given at construction', () => {
  it('engines started from one list share nothing that the caller can change', () => {
    const member = { node: n2, state: 'Alive', incarnation: 1n, address: new Uint8Array() };
    const members = [member] as MemberUpdate[];
    const a = new SwimEngine({ id: n1, random: seededRandom(1), config: testConfig(), members });
    const b = new SwimEngine({ id: n3, random: seededRandom(3), config: testConfig(), members });
    member.incarnation = 5n;
    const c = new SwimEngine({ id: n3, random: seededRandom(3), config: testConfig(), members });
    expect(a.member(n2)?.incarnation).toBe(1n);
    expect(b.member(n2)?.incarnation).toBe(1n);
    expect(c.member(n2)?.incarnation).toBe(5n);
    expect(a.member(n2)?.incarnation).toBe(1n);
  });
});
