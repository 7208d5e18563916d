import { NodeId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapabilityAd, CapabilityRegistry, uint32Capability } from '../src/index.js';
import { toHex } from './vectors.js';

/** ASCII names, mostly short, sometimes at the 256-byte bound. */
const names = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      maxLength: 12,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(255), 'z'.repeat(256)) },
);

const entries = fc.array(
  fc.record({
    name: names,
    supported: fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
  }),
  { maxLength: 10 },
);

const CODES = ['Truncated', 'BadMagic', 'NonAsciiName', 'TooManyEntries', 'TrailingBytes'];

/** One change to an encoded advertisement. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('max32' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, change: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : change.at % bytes.length;
  const list = [...bytes];
  if (change.kind === 'set') list[at] = change.value;
  if (change.kind === 'insert') list.splice(at, 0, change.value);
  if (change.kind === 'delete') list.splice(at, 1);
  if (change.kind === 'truncate') list.length = at;
  if (change.kind === 'max32') list.splice(at, 4, 0xff, 0xff, 0xff, 0xff);
  return new Uint8Array(list);
}

describe('properties', () => {
  it('encode then decode gives back the entries and the same bytes', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const encoded = CapabilityAd.fromEntries(list).encode();
        const decoded = CapabilityAd.decode(encoded);
        expect(decoded.entries).toEqual(list);
        expect(toHex(decoded.encode())).toBe(toHex(encoded));
      }),
      { numRuns: 300, seed: 0xca9_0001 },
    );
  });

  it('a mutated advertisement is rejected with a TalaError or re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(entries, fc.array(mutation, { minLength: 1, maxLength: 3 }), (list, changes) => {
        const mutated = changes.reduce(mutate, CapabilityAd.fromEntries(list).encode());
        let ad: CapabilityAd;
        try {
          ad = CapabilityAd.decode(mutated);
        } catch (error) {
          expect(error).toBeInstanceOf(TalaError);
          expect(CODES).toContain((error as TalaError).code);
          return;
        }
        expect(toHex(ad.encode())).toBe(toHex(mutated));
      }),
      { numRuns: 1000, seed: 0xca9_0002 },
    );
  });

  /** Versions 1 … 8 supported by a node, ascending (lowest preference first). */
  const versions = fc
    .uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 })
    .map((v) => v.sort((x, y) => x - y));

  it('negotiation is symmetric when the two nodes share a value, and always local', () => {
    fc.assert(
      fc.property(versions, versions, (a, b) => {
        const nodeA = new CapabilityRegistry().register(uint32Capability('framing', a));
        const nodeB = new CapabilityRegistry().register(uint32Capability('framing', b));
        const atA = nodeA.negotiate(NodeId(2), nodeB.localAdvertisement()).framing;
        const atB = nodeB.negotiate(NodeId(1), nodeA.localAdvertisement()).framing;
        expect(a).toContain(atA);
        expect(b).toContain(atB);
        const common = a.filter((v) => b.includes(v));
        if (common.length > 0) {
          expect(atA).toBe(atB);
          expect(atA).toBe(Math.max(...common));
        } else {
          expect([atA, atB]).toEqual([a[0], b[0]]);
        }
      }),
      { numRuns: 300, seed: 0xca9_0003 },
    );
  });

  it('each peer keeps the value of its own last negotiation, whatever the order', () => {
    const step = fc.record({
      peer: fc.integer({ min: 1, max: 4 }),
      versions,
      forget: fc.boolean(),
    });
    fc.assert(
      fc.property(versions, fc.array(step, { maxLength: 20 }), (local, steps) => {
        const registry = new CapabilityRegistry().register(uint32Capability('framing', local));
        const model = new Map<number, number>();
        for (const { peer, versions: remote, forget } of steps) {
          if (forget) {
            registry.forget(NodeId(peer));
            model.delete(peer);
            continue;
          }
          const ad = new CapabilityRegistry()
            .register(uint32Capability('framing', remote))
            .localAdvertisement();
          registry.negotiate(NodeId(peer), ad);
          const common = local.filter((v) => remote.includes(v));
          model.set(peer, common.length > 0 ? Math.max(...common) : local[0]!);
        }
        for (let peer = 1; peer <= 4; peer++) {
          expect(registry.valueFor(NodeId(peer), 'framing')).toBe(model.get(peer) ?? local[0]);
        }
        const peers = [1, 2, 3, 4].map((p) => NodeId(p));
        const cluster = registry.clusterValue('framing', peers);
        expect(local).toContain(cluster);
        for (const peer of peers)
          expect(cluster).toBeLessThanOrEqual(registry.valueFor(peer, 'framing'));
      }),
      { numRuns: 300, seed: 0xca9_0004 },
    );
  });
});
