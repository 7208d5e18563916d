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
/** Fewest and most slots of the table of waiting requests (powers of two). */
const MIN_SLOTS = 64;
const MAX_SLOTS = 65_536;
const ABANDONED = 2;

/**
 * The requests of a network waiting for responses, by correlation id, and the most recent ids
 * settled (answered, or given up by timeout or abort), so that a response that matches no
 * waiting request can be counted as late, duplicate or unmatched. Bounded: at most `max`
 * waiting, 4,096 remembered.
 */
export class PendingRequests {
  /**
   * The waiting requests in slots `id % slots.length` (ids are issued in sequence, so the
   * requests in flight fall in distinct slots unless one waits while `slots.length` later ids
   * are issued): no hashing per request. A request whose slot is taken waits in `#overflow`.
   */
  readonly #slots: (PendingRequest | undefined)[];
  readonly #mask: number;
  readonly #overflow = new Map<number, PendingRequest>();
  #size = 0;
  /**
   * The most recent settled ids, in slots `id % REMEMBERED` (ids are issued in sequence, so a
   * slot is reused only 4,096 ids later): no allocation and no hashing per request.
   */
  readonly #settledIds = new Float64Array(REMEMBERED);
  readonly #settledAs = new Uint8Array(REMEMBERED);
  #nextId: number;

  /**
   * `firstId`: the id of the first request. A network starts at a random one, so that the
   * answer to a request of an earlier network on the same node (stopped, or before a restart)
   * matches none of its own.
   */
  constructor(
    readonly max: number,
    firstId = 1,
  ) {
    this.#nextId = firstId;
    let slots = MIN_SLOTS;
    while (slots < max && slots < MAX_SLOTS) slots *= 2;
    this.#slots = new Array<PendingRequest | undefined>(slots).fill(undefined);
    this.#mask = slots - 1;
  }

  /** Requests waiting now. */
  get size(): number {
    return this.#size;
  }

  /** A fresh correlation id (never reused by this network: 2^53 ids). */
  nextId(): number {
    return this.#nextId++;
  }

  /** `true` when another request may wait. */
  hasRoom(): boolean {
    return this.#size < this.max;
  }

  /** `true` while request `id` waits for its response. */
  has(id: number): boolean {
    return this.#get(id) !== undefined;
  }

  /** Makes `request` wait under its `id` (not waiting yet). */
  add(request: PendingRequest): void {
    const slot = request.id & this.#mask;
    if (this.#slots[slot] === undefined) this.#slots[slot] = request;
    else this.#overflow.set(request.id, request);
    this.#size++;
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
    const request = this.#get(id);
    if (request === undefined || (from !== undefined && request.to !== from)) return undefined;
    const slot = id & this.#mask;
    if (this.#slots[slot] === request) this.#slots[slot] = undefined;
    else this.#overflow.delete(id);
    this.#size--;
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
  *values(): IterableIterator<PendingRequest> {
    for (const request of this.#slots) if (request !== undefined) yield request;
    yield* this.#overflow.values();
  }

  /** Takes every waiting request (when the network stops). */
  takeAll(): PendingRequest[] {
    const all = [...this.values()];
    for (const request of all) this.take(request.id, undefined, 'abandoned');
    return all;
  }

  #get(id: number): PendingRequest | undefined {
    const request = this.#slots[id & this.#mask];
    if (request !== undefined && request.id === id) return request;
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(id);
  }

  #remember(id: number, as: 'answered' | 'abandoned'): void {
    const slot = id % REMEMBERED;
    this.#settledIds[slot] = id;
    this.#settledAs[slot] = as === 'answered' ? ANSWERED : ABANDONED;
  }
}
