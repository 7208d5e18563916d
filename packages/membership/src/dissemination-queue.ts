import type { NodeId } from '@tala-net/types';
import { BinaryHeap } from './binary-heap.js';
import type { MemberUpdate } from './swim-messages.js';
import { EMPTY_GOSSIP_FRAME_BYTES, memberUpdateLength } from './swim-wire.js';

/**
 * `retransmitMult × ⌈log10(n + 1)⌉`: how many times an update is piggybacked in a cluster of `n`
 * members before it leaves the queue.
 */
export function retransmitLimit(retransmitMult: number, n: number): number {
  return Math.max(1, Math.ceil(retransmitMult * Math.ceil(Math.log10(n + 1))));
}

/**
 * How many queued updates in a row may fail to fit the rest of a budget before a take stops
 * looking: the frame is then nearly full, and a longer search would cost O(n log n) per take.
 */
const MAX_MISFITS = 32;

interface Entry {
  readonly update: MemberUpdate;
  readonly order: number;
  readonly size: number;
  transmits: number;
  /** Replaced by a newer update about the same member; dropped when it comes out of the heap. */
  replaced: boolean;
}

/**
 * The queue of member updates waiting to be piggybacked. One entry per member (a newer update
 * replaces the older one). {@link DisseminationQueue.take} picks the least-sent updates first,
 * newest first among equals, within a byte budget, and drops each update once it has been sent
 * `limit` times.
 *
 * The updates wait in a binary heap ordered by (transmissions, newest first): a take pops the
 * updates it looks at and pushes back those still to be sent, so it costs O(k log n) for the k
 * updates it looks at, never a sort of the whole queue.
 *
 * @example
 * ```ts
 * const queue = new DisseminationQueue();
 * queue.enqueue({ node: NodeId(2), state: 'Suspect', incarnation: 1n, address: new Uint8Array() });
 * queue.take(1400, 4); // [the Suspect update]
 * ```
 */
export class DisseminationQueue {
  readonly #heap = new BinaryHeap<Entry>(sendsBefore);
  readonly #byNode = new Map<NodeId, Entry>();
  #order = 0;
  #replaced = 0;
  #bytes = 0;
  /** No queued update is smaller than this (a lower bound: never raised while entries leave). */
  #smallest = Number.POSITIVE_INFINITY;

  /** Number of updates waiting. */
  get size(): number {
    return this.#byNode.size;
  }

  /** Encoded size of the updates waiting, in bytes (without any frame header). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Queues `update`, replacing any queued update about the same member. O(log n). */
  enqueue(update: MemberUpdate): void {
    const previous = this.#byNode.get(update.node);
    if (previous !== undefined) {
      // Marked, not searched for: it is dropped when it comes out of the heap.
      previous.replaced = true;
      this.#replaced++;
      this.#bytes -= previous.size;
      if (this.#replaced > this.#byNode.size) this.#compact();
    }
    const size = memberUpdateLength(update);
    const entry: Entry = { update, order: ++this.#order, size, transmits: 0, replaced: false };
    this.#byNode.set(update.node, entry);
    this.#heap.push(entry);
    this.#bytes += size;
    if (size < this.#smallest) this.#smallest = size;
  }

  /** Removes the queued update about `node`, if any. O(1): it is dropped when it comes out of the heap. */
  remove(node: NodeId): void {
    const entry = this.#byNode.get(node);
    if (entry === undefined) return;
    entry.replaced = true;
    this.#replaced++;
    this.#bytes -= entry.size;
    this.#byNode.delete(node);
    if (this.#replaced > this.#byNode.size) this.#compact();
  }

  /** The queued update about `node`, if any. */
  peek(node: NodeId): MemberUpdate | undefined {
    return this.#byNode.get(node)?.update;
  }

  /**
   * Takes the updates to piggyback on one datagram: least-sent first, newest first among
   * equals, as many as fit in `budget` bytes of `Gossip` frame (header included); `skip` (a
   * member already written by the caller) is left out. Each taken update counts one transmission;
   * updates sent `limit` times leave the queue. The search stops early once 32 updates in a row
   * did not fit.
   */
  take(budget: number, limit: number, skip?: NodeId): MemberUpdate[] {
    const sent: Entry[] = [];
    const passed: Entry[] = [];
    let room = budget - EMPTY_GOSSIP_FRAME_BYTES;
    let misfits = 0;
    while (room >= this.#smallest && misfits < MAX_MISFITS) {
      const entry = this.#pop();
      if (entry === undefined) break;
      if (entry.update.node === skip || entry.size > room) {
        if (entry.update.node !== skip) misfits++;
        passed.push(entry);
        continue;
      }
      misfits = 0;
      room -= entry.size;
      entry.transmits++;
      sent.push(entry);
    }
    for (const entry of passed) this.#heap.push(entry);
    const taken: MemberUpdate[] = [];
    for (const entry of sent) {
      taken.push(entry.update);
      if (entry.transmits < limit) {
        this.#heap.push(entry);
      } else {
        this.#byNode.delete(entry.update.node);
        this.#bytes -= entry.size;
      }
    }
    return taken;
  }

  /** Removes every queued update. */
  clear(): void {
    this.#heap.clear();
    this.#byNode.clear();
    this.#replaced = 0;
    this.#bytes = 0;
    this.#smallest = Number.POSITIVE_INFINITY;
  }

  /** The next live entry out of the heap; replaced ones are dropped on the way. */
  #pop(): Entry | undefined {
    for (;;) {
      const entry = this.#heap.pop();
      if (entry === undefined || !entry.replaced) return entry;
      this.#replaced--;
    }
  }

  #compact(): void {
    this.#heap.retain((entry) => !entry.replaced);
    this.#replaced = 0;
  }
}

/** Least-sent first, newest first among equals. */
function sendsBefore(a: Entry, b: Entry): boolean {
  return a.transmits < b.transmits || (a.transmits === b.transmits && a.order > b.order);
}
