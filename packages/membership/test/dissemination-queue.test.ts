import { NodeId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeap, DisseminationQueue } from '../src/internal.js';
import type { MemberUpdate } from '../src/swim-messages.js';
import { EMPTY_GOSSIP_FRAME_BYTES, memberUpdateLength } from '../src/swim-wire.js';

const GOSSIP_HEADER_SIZE = EMPTY_GOSSIP_FRAME_BYTES;

/** Encoded size of a `Gossip` frame carrying `updates`. */
function gossipFrameSize(updates: readonly MemberUpdate[]): number {
  return updates.reduce((size, update) => size + memberUpdateLength(update), GOSSIP_HEADER_SIZE);
}

function update(node: number, incarnation = 0n, addressBytes = 0): MemberUpdate {
  return {
    node: NodeId(node),
    state: 'Alive',
    incarnation,
    address: new Uint8Array(addressBytes),
  };
}

/**
 * The queue's contract written the plain way: every take sorts the whole queue (least-sent
 * first, newest first among equals) and scans it, giving up after 32 misfits in a row.
 */
class SortingModel {
  #entries: Array<{ update: MemberUpdate; order: number; transmits: number }> = [];
  #order = 0;

  enqueue(next: MemberUpdate): void {
    this.#entries = this.#entries.filter((entry) => entry.update.node !== next.node);
    this.#entries.push({ update: next, order: ++this.#order, transmits: 0 });
  }

  get size(): number {
    return this.#entries.length;
  }

  get bytes(): number {
    return this.#entries.reduce((sum, entry) => sum + memberUpdateLength(entry.update), 0);
  }

  take(budget: number, limit: number, skip?: NodeId): MemberUpdate[] {
    this.#entries.sort((a, b) => a.transmits - b.transmits || b.order - a.order);
    const smallest = Math.min(...this.#entries.map((entry) => memberUpdateLength(entry.update)));
    const taken: MemberUpdate[] = [];
    let room = budget - GOSSIP_HEADER_SIZE;
    let misfits = 0;
    const sent = new Set<object>();
    for (const entry of this.#entries) {
      if (room < smallest || misfits >= 32) break;
      if (entry.update.node === skip) continue;
      const size = memberUpdateLength(entry.update);
      if (size > room) {
        misfits++;
        continue;
      }
      misfits = 0;
      room -= size;
      taken.push(entry.update);
      entry.transmits++;
      sent.add(entry);
    }
    this.#entries = this.#entries.filter((e) => !sent.has(e) || e.transmits < limit);
    return taken;
  }
}

const operation = fc.oneof(
  fc.record({
    kind: fc.constant('enqueue' as const),
    node: fc.integer({ min: 1, max: 80 }),
    incarnation: fc.bigInt({ min: 0n, max: 5n }),
    addressBytes: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 1000, max: 1400 }),
    ),
  }),
  fc.record({
    kind: fc.constant('take' as const),
    budget: fc.integer({ min: 0, max: 1400 }),
    limit: fc.integer({ min: 1, max: 6 }),
    skip: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  }),
);

describe('DisseminationQueue', () => {
  it('takes least-sent first, newest first among equals, within the budget', () => {
    const queue = new DisseminationQueue();
    for (let i = 1; i <= 5; i++) queue.enqueue(update(i));
    // Room for exactly two updates of 19 bytes.
    expect(queue.take(GOSSIP_HEADER_SIZE + 38, 3).map((u) => u.node)).toEqual([5n, 4n]);
    expect(queue.take(GOSSIP_HEADER_SIZE + 38, 3).map((u) => u.node)).toEqual([3n, 2n]);
    queue.enqueue(update(6));
    expect(queue.take(GOSSIP_HEADER_SIZE + 57, 3).map((u) => u.node)).toEqual([6n, 1n, 5n]);
  });

  it('skips an update that does not fit and keeps filling with smaller ones', () => {
    const queue = new DisseminationQueue();
    queue.enqueue(update(1, 0n, 10));
    queue.enqueue(update(2, 0n, 500));
    queue.enqueue(update(3, 0n, 0));
    const taken = queue.take(GOSSIP_HEADER_SIZE + 19 + 29, 5);
    expect(taken.map((u) => u.node)).toEqual([3n, 1n]);
    expect(gossipFrameSize(taken)).toBeLessThanOrEqual(GOSSIP_HEADER_SIZE + 48);
    expect(queue.size).toBe(3);
  });

  it('drops an update after `limit` sends and leaves out `skip`', () => {
    const queue = new DisseminationQueue();
    queue.enqueue(update(1));
    queue.enqueue(update(2));
    expect(queue.take(1400, 2, NodeId(2)).map((u) => u.node)).toEqual([1n]);
    expect(queue.take(1400, 2).map((u) => u.node)).toEqual([2n, 1n]);
    expect(queue.size).toBe(1);
    expect(queue.peek(NodeId(1))).toBeUndefined();
    expect(queue.take(1400, 2).map((u) => u.node)).toEqual([2n]);
    expect(queue.size).toBe(0);
    expect(queue.take(1400, 2)).toEqual([]);
  });

  it('a newer update replaces a queued one and starts again at zero sends', () => {
    const queue = new DisseminationQueue();
    queue.enqueue(update(1));
    queue.enqueue(update(2));
    queue.take(1400, 5);
    queue.enqueue(update(1, 1n));
    expect(queue.size).toBe(2);
    const [first, second] = queue.take(GOSSIP_HEADER_SIZE + 38, 5);
    expect(first).toMatchObject({ node: 1n, incarnation: 1n });
    expect(second?.node).toBe(2n);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.take(1400, 5)).toEqual([]);
  });

  it('remove leaves out the update about one member and keeps the byte count', () => {
    const queue = new DisseminationQueue();
    queue.enqueue(update(1));
    queue.enqueue(update(2));
    const bytes = queue.bytes;
    queue.remove(NodeId(1));
    queue.remove(NodeId(9));
    expect(queue.size).toBe(1);
    expect(queue.bytes).toBe(bytes / 2);
    expect(queue.take(1400, 5).map((u) => u.node)).toEqual([2n]);
    queue.remove(NodeId(2));
    expect(queue.take(1400, 5)).toEqual([]);
    expect(queue.bytes).toBe(0);
  });

  it('gives exactly what sorting the whole queue on every take gives', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const queue = new DisseminationQueue();
        const model = new SortingModel();
        for (const op of operations) {
          if (op.kind === 'enqueue') {
            const next = update(op.node, op.incarnation, op.addressBytes);
            queue.enqueue(next);
            model.enqueue(next);
          } else {
            const skip = op.skip === undefined ? undefined : NodeId(op.skip);
            const taken = queue.take(op.budget, op.limit, skip);
            expect(taken).toEqual(model.take(op.budget, op.limit, skip));
            if (taken.length > 0) {
              expect(gossipFrameSize(taken)).toBeLessThanOrEqual(op.budget);
            }
          }
          expect(queue.size).toBe(model.size);
          expect(queue.bytes).toBe(model.bytes);
        }
      }),
      { seed: 0x5eed_0007, numRuns: 200 },
    );
  });
});

describe('BinaryHeap', () => {
  it('pops in order and keeps its order after retain', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 100 }), (values) => {
        const heap = new BinaryHeap<number>((a, b) => a < b);
        for (const value of values) heap.push(value);
        heap.retain((value) => value % 3 !== 0);
        const out: number[] = [];
        for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
        expect(out).toEqual(values.filter((v) => v % 3 !== 0).sort((a, b) => a - b));
        expect(heap.size).toBe(0);
      }),
      { seed: 0x5eed_0008, numRuns: 100 },
    );
  });
});
