import type { PeerId } from '@tala-net/types';
import type { Metadata } from './metadata.js';

/** A channel message handed to its channel's {@link Processor}. */
export interface IncomingMessage {
  /** The channel's name. */
  readonly channel: string;
  /** The sender, as the transport knows it. */
  readonly from: PeerId;
  /** The sender's metadata. */
  readonly metadata: Metadata;
  /** The sender's bytes (a view into the received frame: copy it to keep it past the call). */
  readonly payload: Uint8Array;
}

/** A request handed to its channel's {@link Processor}. */
export interface IncomingRequest extends IncomingMessage {
  /**
   * The time (on the network's clock, in milliseconds) after which the requester no longer
   * waits: a response after it is not sent. A processor may give up earlier work by it.
   */
  readonly deadline: number;
}

/**
 * What handles one channel's traffic on a `Network`: `message` for one-way channel messages,
 * `request` for requests. A processor answers a request by returning the response bytes
 * (nothing means an empty response) or by throwing a `RequestError` with a code; anything else
 * it throws is answered with `Unknown`, counted as a processor error and reported as an `error`
 * event of the network. A `message` handler that throws is counted and reported the same way.
 * Either may be `async`.
 *
 * @example
 * ```ts
 * const echo: Processor = {
 *   request: ({ payload }) => payload,
 *   message: ({ from, payload }) => console.log(from, payload.length),
 * };
 * ```
 */
export interface Processor {
  /** Handles a channel message. Without it, channel messages are dropped (cause `noHandler`). */
  message?(message: IncomingMessage): void | Promise<void>;
  /** Answers a request. Without it, requests are answered with `InvalidRequest`. */
  request?(request: IncomingRequest): Uint8Array | undefined | Promise<Uint8Array | undefined>;
}
