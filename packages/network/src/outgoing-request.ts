import type { PeerId } from '@tala-net/types';
import type { ChannelCounters } from './channel-metrics.js';
import type { MetadataEntries } from './metadata.js';
import type { NetworkInstruments } from './network-instruments.js';
import type { PendingRequest } from './pending-requests.js';
import type { ResolvedRetry } from './retry.js';

let capturedResolve: ((payload: Uint8Array) => void) | undefined;
let capturedReject: ((error: Error) => void) | undefined;

/**
 * The executor of every attempt's promise: one function for all of them, instead of a closure
 * per attempt; the promise's functions are taken from here as soon as it is constructed.
 */
function captureSettlers(
  resolve: (payload: Uint8Array) => void,
  reject: (error: Error) => void,
): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * A request a conduit sends and the state of its current attempt: one object for the request's
 * whole life (the attempts run one after another, each with its own correlation id), so that a
 * request costs no closures and no per-attempt records on the hot path.
 */
export class OutgoingRequest implements PendingRequest {
  /** The current attempt's correlation id (0 before the first attempt). */
  id = 0;
  /** When the current attempt was sent (the network's clock). */
  sentAt = 0;
  /** The current attempt's budget in milliseconds, as sent in its header. */
  budgetMs = 0;
  /** When the current attempt times out (the network's clock). */
  deadline = 0;
  /** Fails the current attempt with `Aborted`; set only for a request with a signal. */
  onAbort: (() => void) | undefined = undefined;
  #final = true;
  #resolve: ((payload: Uint8Array) => void) | undefined = undefined;
  #reject: ((error: Error) => void) | undefined = undefined;

  /**
   * @param requestDeadline When the whole request (all its attempts) times out.
   * @param frameBytes Encoded size of the request's frame, the same for every attempt.
   */
  constructor(
    readonly to: PeerId,
    readonly channel: string,
    readonly channelId: number,
    readonly counters: ChannelCounters,
    readonly metadata: MetadataEntries,
    readonly payload: Uint8Array,
    readonly frameBytes: number,
    readonly createdAt: number,
    readonly requestDeadline: number,
    readonly retry: ResolvedRetry,
    readonly signal: AbortSignal | undefined,
    readonly instruments: NetworkInstruments | undefined,
  ) {}

  /**
   * Starts an attempt with correlation id `id`, sent at `now`: counts it in flight and returns
   * the promise its {@link settle} settles. A `final` attempt counts its failure in the
   * channel's `requestsFailed`.
   */
  begin(id: number, now: number, final: boolean): Promise<Uint8Array> {
    const deadline = Math.min(this.requestDeadline, now + this.retry.attemptTimeoutMs);
    this.id = id;
    this.sentAt = now;
    this.deadline = deadline;
    this.budgetMs = Math.max(1, Math.ceil(deadline - now));
    this.#final = final;
    this.counters.requestsInFlight++;
    this.instruments?.inFlight(this.channel, 1);
    const promise = new Promise<Uint8Array>(captureSettlers);
    this.#resolve = capturedResolve;
    this.#reject = capturedReject;
    capturedResolve = undefined;
    capturedReject = undefined;
    if (this.onAbort !== undefined) {
      this.signal!.addEventListener('abort', this.onAbort, { once: true });
    }
    return promise;
  }

  /** Settles the current attempt: the response payload, or why it failed. */
  settle(outcome: Uint8Array | Error): void {
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort);
    this.counters.requestsInFlight--;
    this.instruments?.inFlight(this.channel, -1);
    const resolve = this.#resolve!;
    const reject = this.#reject!;
    this.#resolve = undefined;
    this.#reject = undefined;
    if (outcome instanceof Uint8Array) {
      resolve(outcome);
      return;
    }
    if (this.#final) this.counters.requestsFailed++;
    reject(outcome);
  }
}
