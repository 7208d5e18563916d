import { NodeId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelCounters } from '../src/channel-metrics.js';
import { type PendingRequest, PendingRequests } from '../src/pending-requests.js';

const counters = new ChannelCounters();

function request(id: number, to: bigint): PendingRequest {
  return {
    id,
    to: NodeId(to),
    channel: 'test',
    counters,
    sentAt: 0,
    budgetMs: 1,
    deadline: 1,
    settle: () => {},
  };
}

type Operation =
  | { readonly kind: 'add'; readonly to: bigint }
  | { readonly kind: 'skip'; readonly ids: number }
  | { readonly kind: 'take'; readonly pick: number; readonly from: bigint | undefined };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), to: fc.bigInt({ min: 1n, max: 3n }) }),
  // Ids issued without a request: requests left waiting meet later ids in their slot.
  fc.record({ kind: fc.constant('skip' as const), ids: fc.integer({ min: 1, max: 300 }) }),
  fc.record({
    kind: fc.constant('take' as const),
    pick: fc.nat(),
    from: fc.option(fc.bigInt({ min: 1n, max: 3n }), { nil: undefined }),
  }),
);

/** A `PendingRequests` of at most 16 beside a plain map of what it must hold. */
class Harness {
  readonly pending = new PendingRequests(16);
  readonly model = new Map<number, PendingRequest>();
  readonly settled = new Map<number, 'answered' | 'abandoned'>();

  apply(op: Operation): void {
    if (op.kind === 'add') this.#add(op.to);
    else if (op.kind === 'skip') for (let i = 0; i < op.ids; i++) this.pending.nextId();
    else this.#take(op.pick, op.from);
    expect(this.pending.size).toBe(this.model.size);
    const waiting = [...this.pending.values()];
    expect(waiting.length).toBe(this.model.size);
    for (const each of waiting) expect(this.model.get(each.id) === each).toBe(true);
    for (const id of this.model.keys()) expect(this.pending.has(id)).toBe(true);
  }

  #add(to: bigint): void {
    if (!this.pending.hasRoom()) {
      expect(this.model.size).toBe(16);
      return;
    }
    const added = request(this.pending.nextId(), to);
    this.pending.add(added);
    this.model.set(added.id, added);
  }

  #take(pick: number, from: bigint | undefined): void {
    const ids = [...this.model.keys(), 0, 1_000_000];
    const id = ids[pick % ids.length]!;
    const expected = this.model.get(id);
    const matches = expected !== undefined && (from === undefined || expected.to === from);
    const as = from === undefined ? 'abandoned' : 'answered';
    const taken = this.pending.take(id, from === undefined ? undefined : NodeId(from), as);
    expect(taken).toBe(matches ? expected : undefined);
    if (!matches) return;
    this.model.delete(id);
    this.settled.set(id, as);
  }
}

describe('PendingRequests', () => {
  it('behaves as a map from correlation id to request, whatever ids share a slot', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 150, size: 'max' }), (operations) => {
        const harness = new Harness();
        for (const op of operations) harness.apply(op);
        const { pending, model, settled } = harness;
        // The settled ids among the last 4,096 issued are told apart.
        const newest = pending.nextId();
        for (const [id, as] of settled) {
          expect(pending.has(id)).toBe(false);
          if (newest - id >= 4096) continue;
          expect(pending.classify(id)).toBe(as === 'answered' ? 'duplicate' : 'late');
        }
        const all = pending.takeAll();
        expect(all.length).toBe(model.size);
        for (const each of all) expect(model.get(each.id) === each).toBe(true);
        expect(pending.size).toBe(0);
      }),
      { seed: 20261201, numRuns: 60 },
    );
  });
});
