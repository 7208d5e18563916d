import type { PeerId } from '@tala-net/types';
import type { MetadataInit } from './metadata.js';
import type { RetryOptions } from './retry.js';
import type { SendOptions, SendResult } from './send-result.js';

/** Options of {@link Conduit.request}. */
export interface RequestOptions {
  /**
   * The overall deadline in milliseconds (1 … 2^31 − 1), retries included; the remaining budget
   * travels in the request's header.
   * @default the network's `requestTimeoutMs` (5,000)
   */
  readonly timeout?: number;
  /**
   * Cancels the request: it rejects with a `TalaError` (`Aborted`, `cause` the signal's reason).
   * @default undefined
   */
  readonly signal?: AbortSignal;
  /**
   * Retries for retriable error codes: `true` for the defaults of {@link RetryOptions}.
   * @default false (one attempt)
   */
  readonly retry?: RetryOptions | boolean;
  /**
   * String metadata sent with the request.
   * @default no metadata
   */
  readonly metadata?: MetadataInit;
}

/** What a {@link Conduit} asks of its network. */
export interface ConduitHost {
  send(
    conduit: Conduit,
    to: PeerId,
    payload: Uint8Array,
    options: SendOptions | undefined,
  ): SendResult;
  request(
    conduit: Conduit,
    to: PeerId,
    payload: Uint8Array,
    options: RequestOptions | undefined,
  ): Promise<Uint8Array>;
}

/**
 * Sends on one channel of a `Network`: what `network.register(channel, processor)` returns.
 * Sending never throws for a delivery problem: `send` and `broadcast` return a
 * {@link SendResult} per destination, and `request` rejects with a coded `TalaError`. Messages
 * from one conduit to one peer arrive in the order they were sent (the transport's FIFO order).
 * A conduit stops sending (`Closed`) once its channel is unregistered or the network stops.
 */
export class Conduit {
  /** The channel's name. */
  readonly channel: string;
  readonly #host: ConduitHost;

  /** @internal Built by `Network.register`. */
  constructor(channel: string, host: ConduitHost) {
    this.channel = channel;
    this.#host = host;
  }

  /**
   * Sends `payload` to `to` on this channel. Throws a `TalaError` (`InvalidArgument`) only for
   * a payload that is not a `Uint8Array` or invalid metadata.
   *
   * @example
   * ```ts
   * const result = conduit.send(NodeId(2), payload, { metadata: { trace: 'abc' } });
   * if (!result.ok) console.log(result.error.code); // e.g. 'UnknownPeer'
   * ```
   */
  send(to: PeerId, payload: Uint8Array, options?: SendOptions): SendResult {
    return this.#host.send(this, to, payload, options);
  }

  /** Sends `payload` to each of `destinations` (each once); one result per destination, in order. */
  broadcast(
    destinations: Iterable<PeerId>,
    payload: Uint8Array,
    options?: SendOptions,
  ): SendResult[] {
    const results: SendResult[] = [];
    const seen = new Set<PeerId>();
    for (const to of destinations) {
      if (seen.has(to)) continue;
      seen.add(to);
      results.push(this.#host.send(this, to, payload, options));
    }
    return results;
  }

  /**
   * Sends a request to `to` on this channel and resolves with the response payload. Rejects
   * with a `TalaError`: a `RequestError` for an error response, a timeout (`RequestTimedOut`)
   * or a version the responder does not speak (`UnsupportedVersion`); `MessageTooLarge` before
   * sending; `UnknownPeer`, `ConnectionFailed`, `QueueFull` or `Closed` when it could not be
   * sent; `TooManyPendingRequests`; `Aborted`. Retries only retriable codes (`retry`), within
   * `timeout`.
   *
   * @example
   * ```ts
   * const answer = await conduit.request(NodeId(2), payload, { timeout: 1_000, retry: true });
   * ```
   */
  request(to: PeerId, payload: Uint8Array, options?: RequestOptions): Promise<Uint8Array> {
    return this.#host.request(this, to, payload, options);
  }
}
