import type { PeerId } from '@tala-net/types';
import type { ChannelCounters } from './channel-metrics.js';

/** One request waiting for its response. */
export interface PendingRequest {
  readonly id: number;
  readonly to: PeerId;
  readonly channel: string;
  readonly counters: ChannelCounters;
  readonly sentAt: number;
  /** The attempt's budget in milliseconds, as sent in its header. */
  readonly budgetMs: number;
  /** When the attempt times out (the network's clock). */
  readonly deadline: number;
  /** Settles the request's attempt: the response (or the failure), exactly once. */
  readonly settle: (outcome: Uint8Array | Error) => void;
}

/** How many recent correlation ids are remembered to tell late and duplicate responses apart. */
const REMEMBERED = 4096;
const ANSWERED = 1;
const ABANDONED = 2;

/**
 * The requests of a network waiting for responses, by correlation id, and the most recent ids
 * settled (answered, or given up by timeout or abort), so that a response that matches no
 * waiting request can be counted as late, duplicate or unmatched. Bounded: at most `max`
 * waiting, 4,096 remembered.
 */
export class PendingRequests {
  readonly #waiting = new Map<number, PendingRequest>();
  /**
   * The most recent settled ids, in slots `id % REMEMBERED` (ids are issued in sequence, so a
   * slot is reused only 4,096 ids later): no allocation and no hashing per request.
   */
  readonly #settledIds = new Float64Array(REMEMBERED);
  readonly #settledAs = new Uint8Array(REMEMBERED);
  #nextId = 1;

  constructor(readonly max: number) {}

  /** Requests waiting now. */
  get size(): number {
    return this.#waiting.size;
  }

  /** A fresh correlation id (never reused by this network: 2^53 ids). */
  nextId(): number {
    return this.#nextId++;
  }

  /** `true` when another request may wait. */
  hasRoom(): boolean {
    return this.#waiting.size < this.max;
  }

  /** `true` while request `id` waits for its response. */
  has(id: number): boolean {
    return this.#waiting.has(id);
  }

  add(request: PendingRequest): void {
    this.#waiting.set(request.id, request);
  }

  /**
   * Takes the request `id` waiting for a response from `from`, remembering it as `answered` or
   * `abandoned`; `undefined` when none waits.
   */
  take(
    id: number,
    from: PeerId | undefined,
    as: 'answered' | 'abandoned',
  ): PendingRequest | undefined {
    const request = this.#waiting.get(id);
    if (request === undefined || (from !== undefined && request.to !== from)) return undefined;
    this.#waiting.delete(id);
    this.#remember(id, as);
    return request;
  }

  /** Why a response with correlation id `id` matched nothing. */
  classify(id: number): 'late' | 'duplicate' | 'unmatched' {
    const slot = id % REMEMBERED;
    if (this.#settledIds[slot] !== id) return 'unmatched';
    return this.#settledAs[slot] === ANSWERED ? 'duplicate' : 'late';
  }

  /** The waiting requests. */
  values(): IterableIterator<PendingRequest> {
    return this.#waiting.values();
  }

  /** Takes every waiting request (when the network stops). */
  takeAll(): PendingRequest[] {
    const all = [...this.#waiting.values()];
    for (const request of all) this.take(request.id, undefined, 'abandoned');
    return all;
  }

  #remember(id: number, as: 'answered' | 'abandoned'): void {
    const slot = id % REMEMBERED;
    this.#settledIds[slot] = id;
    this.#settledAs[slot] = as === 'answered' ? ANSWERED : ABANDONED;
  }
}
