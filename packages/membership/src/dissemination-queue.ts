import type { NodeId } from '@tala-net/types';
import type { MemberUpdate } from './swim-messages.js';
import { memberUpdateLength } from './swim-wire.js';

/** Encoded size of a `Gossip` frame with no updates: tag + length (5) + from + count (12). */
export const GOSSIP_HEADER_SIZE = 17;

/** Encoded size of one {@link MemberUpdate} inside a `Gossip` or `PushPull` frame. */
export function memberUpdateSize(update: MemberUpdate): number {
  return memberUpdateLength(update);
}

/** Encoded size of a `Gossip` frame carrying `updates` (see docs/wire-format.md). */
export function gossipFrameSize(updates: readonly MemberUpdate[]): number {
  let size = GOSSIP_HEADER_SIZE;
  for (const update of updates) size += memberUpdateSize(update);
  return size;
}

/**
 * `retransmitMult × ⌈log10(n + 1)⌉`: how many times an update is piggybacked in a cluster of `n`
 * members before it leaves the queue.
 */
export function retransmitLimit(retransmitMult: number, n: number): number {
  return Math.max(1, Math.ceil(retransmitMult * Math.ceil(Math.log10(n + 1))));
}

interface Entry {
  readonly update: MemberUpdate;
  readonly order: number;
  transmits: number;
  /** Replaced by a newer update about the same member; dropped at the next take. */
  replaced: boolean;
}

/**
 * The queue of member updates waiting to be piggybacked. One entry per member (a newer update
 * replaces the older one). {@link DisseminationQueue.take} picks the least-sent updates first,
 * newest first among equals, within a byte budget, and drops each update once it has been sent
 * `limit` times.
 *
 * @example
 * ```ts
 * const queue = new DisseminationQueue();
 * queue.enqueue({ node: NodeId(2), state: 'Suspect', incarnation: 1n, address: new Uint8Array() });
 * queue.take(1400, 4); // [the Suspect update]
 * ```
 */
export class DisseminationQueue {
  #entries: Entry[] = [];
  readonly #byNode = new Map<NodeId, Entry>();
  #order = 0;
  #sorted = true;
  #replaced = 0;

  /** Number of updates waiting. */
  get size(): number {
    return this.#byNode.size;
  }

  /** Queues `update`, replacing any queued update about the same member. Amortised O(1). */
  enqueue(update: MemberUpdate): void {
    const previous = this.#byNode.get(update.node);
    if (previous !== undefined) {
      // Marked, not searched for: the next take drops it while it sorts.
      previous.replaced = true;
      this.#replaced++;
      if (this.#replaced > this.#byNode.size) this.#compact();
    }
    const entry: Entry = { update, order: ++this.#order, transmits: 0, replaced: false };
    this.#byNode.set(update.node, entry);
    this.#entries.push(entry);
    this.#sorted = false;
  }

  /** The queued update about `node`, if any. */
  peek(node: NodeId): MemberUpdate | undefined {
    return this.#byNode.get(node)?.update;
  }

  /**
   * Takes the updates to piggyback on one datagram: least-sent first, newest first among
   * equals, as many as fit in `budget` bytes of `Gossip` frame (header included); `skip` (a
   * member already written by the caller) is left out. Each taken update counts one transmission;
   * updates sent `limit` times leave the queue.
   */
  take(budget: number, limit: number, skip?: NodeId): MemberUpdate[] {
    if (this.#replaced > 0) this.#compact();
    const entries = this.#entries;
    if (entries.length === 0) return [];
    if (!this.#sorted) {
      entries.sort(compareEntries);
      this.#sorted = true;
    }
    const taken: MemberUpdate[] = [];
    let used = GOSSIP_HEADER_SIZE;
    let expired = 0;
    for (const entry of entries) {
      if (budget - used < 19) break;
      if (entry.update.node === skip) continue;
      const size = memberUpdateSize(entry.update);
      if (used + size > budget) continue;
      used += size;
      taken.push(entry.update);
      entry.transmits++;
      if (entry.transmits >= limit) expired++;
    }
    if (taken.length > 0) {
      if (expired > 0) {
        this.#entries = entries.filter((entry) => {
          if (entry.transmits < limit) return true;
          this.#byNode.delete(entry.update.node);
          return false;
        });
      }
      // Taken entries moved back in the order; the next take re-sorts (nearly sorted: cheap).
      this.#sorted = false;
    }
    return taken;
  }

  /** Removes every queued update. */
  clear(): void {
    this.#entries = [];
    this.#byNode.clear();
    this.#replaced = 0;
  }

  #compact(): void {
    this.#entries = this.#entries.filter((entry) => !entry.replaced);
    this.#replaced = 0;
  }
}

function compareEntries(a: Entry, b: Entry): number {
  return a.transmits - b.transmits || b.order - a.order;
}
