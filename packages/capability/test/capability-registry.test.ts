import { ErrorReportEvent, NodeId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import {
  CapabilityAd,
  type CapabilityChangeEvent,
  CapabilityRegistry,
  defineCapability,
  uint32Capability,
} from '../src/index.js';
import { bytes, codeOf } from './support.js';
import { toHex } from './vectors.js';

const oldNode = NodeId(1);
const newNode = NodeId(2);

function node(framing: number[]) {
  return new CapabilityRegistry().register(uint32Capability('framing', framing));
}

function changes(registry: CapabilityRegistry<Record<string, unknown>>): string[] {
  const seen: string[] = [];
  registry.addEventListener('change', (event: CapabilityChangeEvent) => {
    seen.push(`${event.peer}:${event.name}:${event.previous}->${event.value}`);
  });
  return seen;
}

describe('CapabilityRegistry', () => {
  it('advertises its capabilities in alphabetical order of name', () => {
    const registry = node([1, 2]).register(uint32Capability('aae', [1]));
    expect(registry.names()).toEqual(['aae', 'framing']);
    expect(toHex(registry.localAdvertisement().encode())).toBe(
      '434150010200000003006161650100040000000100000007006672616d696e67020004000000010000000400000002000000',
    );
  });

  it('uses the floor with a peer before any negotiation', () => {
    expect(node([1, 2]).valueFor(newNode, 'framing')).toBe(1);
  });

  it('keeps what it negotiated per peer: an old peer never lowers the value of a new one', () => {
    const local = node([1, 2]);
    expect(local.negotiate(newNode, node([1, 2]).localAdvertisement())).toEqual({ framing: 2 });
    expect(local.negotiate(oldNode, node([1]).localAdvertisement())).toEqual({ framing: 1 });
    expect(local.valueFor(newNode, 'framing')).toBe(2);
    expect(local.valueFor(oldNode, 'framing')).toBe(1);
    expect(local.hasNegotiated(oldNode)).toBe(true);
  });

  it('uses the floor for a capability the peer does not advertise or shares no value of', () => {
    const local = node([1, 2]);
    local.negotiate(oldNode, CapabilityAd.fromEntries([]));
    expect(local.valueFor(oldNode, 'framing')).toBe(1);
    local.negotiate(newNode, node([3]).localAdvertisement());
    expect(local.valueFor(newNode, 'framing')).toBe(1);
  });

  it('drops peer values that do not decode before merging', () => {
    const local = node([1, 2, 3]);
    const ad = CapabilityAd.fromEntries([
      { name: 'framing', supported: [bytes(1, 0, 0, 0), bytes(3, 0, 0), bytes(2, 0, 0, 0)] },
    ]);
    local.negotiate(newNode, ad);
    expect(local.valueFor(newNode, 'framing')).toBe(2);
    // 3 did not decode, so it is not common to the cluster either.
    expect(local.clusterValue('framing', [newNode])).toBe(2);
  });

  it('uses the first entry of a name advertised twice', () => {
    const local = node([1, 2]);
    const ad = CapabilityAd.fromEntries([
      { name: 'framing', supported: [bytes(1, 0, 0, 0)] },
      { name: 'framing', supported: [bytes(2, 0, 0, 0)] },
    ]);
    local.negotiate(newNode, ad);
    expect(local.valueFor(newNode, 'framing')).toBe(1);
  });

  it('maps a merge result outside the local list back to the floor', () => {
    const rogue = defineCapability({
      ...uint32Capability('framing', [1, 2]),
      merge: () => 7,
    });
    const local = new CapabilityRegistry().register(rogue);
    local.negotiate(newNode, node([1, 2, 7]).localAdvertisement());
    expect(local.valueFor(newNode, 'framing')).toBe(1);
  });

  it('forgets a peer: back to the floor', () => {
    const local = node([1, 2]);
    local.negotiate(newNode, node([1, 2]).localAdvertisement());
    local.forget(newNode);
    expect(local.valueFor(newNode, 'framing')).toBe(1);
    expect(local.hasNegotiated(newNode)).toBe(false);
    local.forget(newNode);
  });

  it('dispatches change when a value used with a peer changes, and only then', () => {
    const local = node([1, 2]);
    const seen = changes(local);
    local.negotiate(newNode, node([1, 2]).localAdvertisement());
    local.negotiate(newNode, node([1, 2]).localAdvertisement());
    local.negotiate(oldNode, node([1]).localAdvertisement());
    local.negotiate(newNode, node([1]).localAdvertisement());
    local.negotiate(newNode, node([2]).localAdvertisement());
    local.forget(newNode);
    local.forget(oldNode);
    expect(seen).toEqual(['2:framing:1->2', '2:framing:2->1', '2:framing:1->2', '2:framing:2->1']);
  });

  it('registering a name again replaces it and resets its negotiations', () => {
    const local = node([1, 2]).register(uint32Capability('aae', [1, 2]));
    local.negotiate(newNode, local.localAdvertisement());
    const seen = changes(local);
    local.register(uint32Capability('framing', [1, 2, 3]));
    expect(seen).toEqual(['2:framing:2->1']);
    expect(local.valueFor(newNode, 'framing')).toBe(1);
    expect(local.valueFor(newNode, 'aae')).toBe(2);
    expect(local.localAdvertisement().find('framing')?.supported.length).toBe(3);
  });

  it('uses the floor of a capability registered after a negotiation until the next one', () => {
    const local = node([1, 2]);
    local.negotiate(newNode, node([1, 2]).localAdvertisement());
    const seen = changes(local);
    const grown = local.register(uint32Capability('aae', [1, 2]));
    expect(grown.valueFor(newNode, 'aae')).toBe(1);
    expect(grown.valueFor(newNode, 'framing')).toBe(2);
    expect(seen).toEqual([]);
    grown.negotiate(newNode, grown.localAdvertisement());
    expect(grown.valueFor(newNode, 'aae')).toBe(2);
    expect(seen).toEqual(['2:aae:1->2']);
  });

  it('counts a throwing change listener and reports it as an error event', () => {
    const local = node([1, 2]);
    const errors: unknown[] = [];
    local.addEventListener('change', () => {
      throw new Error('listener failed');
    });
    local.addEventListener('error', (event) => {
      errors.push(event instanceof ErrorReportEvent ? event.source : event);
    });
    local.negotiate(newNode, node([1, 2]).localAdvertisement());
    expect(local.listenerErrors).toBe(1);
    expect(errors).toEqual(['listener:change']);
    expect(local.valueFor(newNode, 'framing')).toBe(2);
  });

  it('stores nothing when a capability throws while negotiating', () => {
    const fragile = defineCapability({
      ...uint32Capability('zzz', [1]),
      decodeValue: () => {
        throw new Error('cannot decode');
      },
    });
    const local = node([1, 2]).register(fragile);
    local.negotiate(newNode, node([1]).localAdvertisement());
    expect(() => local.negotiate(newNode, local.localAdvertisement())).toThrow('cannot decode');
    expect(local.valueFor(newNode, 'framing')).toBe(1);
  });

  it('rejects bad registrations and unknown names with InvalidArgument', () => {
    const local = node([1]);
    const cases = [
      () => local.register(uint32Capability('café', [1])),
      () => local.register(uint32Capability('', [1])),
      () => local.register(uint32Capability('n'.repeat(257), [1])),
      () => local.register(uint32Capability('framing', [])),
      () => local.register(null as never),
      () =>
        local.register(
          defineCapability({
            name: 'huge',
            supported: [0],
            encodeValue: () => new Uint8Array(16 * 1024 + 1),
            decodeValue: () => 0,
          }),
        ),
      () => local.register({ name: 'bare', supported: [1] } as never),
      () => uint32Capability('framing', [2 ** 32]),
      () => uint32Capability('framing', 2 as never),
      () => local.valueFor(newNode, 'absent' as never),
      () => local.clusterValue('absent' as never, []),
      () => local.negotiate(newNode, {} as never),
    ];
    for (const run of cases) expect(codeOf(run)).toBe('InvalidArgument');
    expect(local.names()).toEqual(['framing']);
  });

  it('registers at most 1,024 capabilities', () => {
    const local = new CapabilityRegistry();
    for (let i = 0; i < 1024; i++) local.register(uint32Capability(`c${i}`, [1]));
    expect(codeOf(() => local.register(uint32Capability('one-more', [1])))).toBe('InvalidArgument');
    expect(codeOf(() => local.register(uint32Capability('c7', [1, 2])))).toBe('accepted');
  });

  describe('clusterValue', () => {
    it('switches on only when every listed peer has negotiated the value', () => {
      const local = node([1, 2]);
      const peers = [oldNode, newNode];
      expect(local.clusterValue('framing', peers)).toBe(1);
      local.negotiate(newNode, node([1, 2]).localAdvertisement());
      expect(local.clusterValue('framing', peers)).toBe(1);
      local.negotiate(oldNode, node([1]).localAdvertisement());
      expect(local.clusterValue('framing', peers)).toBe(1);
      local.negotiate(oldNode, node([1, 2]).localAdvertisement());
      expect(local.clusterValue('framing', peers)).toBe(2);
      expect(local.clusterValue('framing', [newNode])).toBe(2);
    });

    it('is the best local value every peer advertised', () => {
      const local = node([1, 2, 3]);
      local.negotiate(oldNode, node([1, 2, 3]).localAdvertisement());
      local.negotiate(newNode, node([1, 2]).localAdvertisement());
      expect(local.valueFor(oldNode, 'framing')).toBe(3);
      expect(local.clusterValue('framing', [oldNode, newNode])).toBe(2);
    });

    it('is the best local value with no peers at all', () => {
      expect(node([1, 2]).clusterValue('framing', [])).toBe(2);
    });
  });
});
