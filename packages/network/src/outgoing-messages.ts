import type { PeerId } from '@tala-net/types';
import { type MetadataEntries, NO_METADATA_ENTRIES } from './metadata.js';
import type { ChannelRequest, ChannelResponse } from './network-messages.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

const EMPTY_PAYLOAD = new Uint8Array(0);

/**
 * The requests and responses a network hands to its transport, one object per kind filled anew
 * for each send: a transport encodes or copies a message before its `send` returns (a receiver
 * never sees what the sender changes afterwards), so no send needs an object of its own. (A
 * channel message, small, is cheaper as a new object than filled in place.) A send made while the
 * object of its kind is out (from a processor that a synchronous transport calls back during
 * `send`) gets a new one. {@link OutgoingMessages.release} takes an object back after `send`
 * and drops its payload and metadata, so that the network holds no application bytes.
 */
export class OutgoingMessages {
  readonly #request: Writable<ChannelRequest>;
  readonly #response: Writable<ChannelResponse> = {
    type: 'ChannelResponse',
    correlationId: 0n,
    errorCode: 0,
    errorMessage: '',
    payload: EMPTY_PAYLOAD,
  };
  #requestOut = false;
  #responseOut = false;

  /** @param source The requests' `source`: the local node. */
  constructor(source: PeerId) {
    this.#request = {
      type: 'ChannelRequest',
      version: 0,
      correlationId: 0n,
      source,
      budgetMs: 0,
      channel: 0,
      metadata: NO_METADATA_ENTRIES,
      payload: EMPTY_PAYLOAD,
    };
  }

  /**
   * A `ChannelRequest` from the local node to send (hand it back with
   * {@link OutgoingMessages.release}).
   */
  request(
    version: number,
    correlationId: bigint,
    budgetMs: number,
    channel: number,
    metadata: MetadataEntries,
    payload: Uint8Array,
  ): ChannelRequest {
    if (this.#requestOut) {
      const { source } = this.#request;
      const type = 'ChannelRequest';
      return { type, version, correlationId, source, budgetMs, channel, metadata, payload };
    }
    this.#requestOut = true;
    const request = this.#request;
    request.version = version;
    request.correlationId = correlationId;
    request.budgetMs = budgetMs;
    request.channel = channel;
    request.metadata = metadata;
    request.payload = payload;
    return request;
  }

  /** A `ChannelResponse` to send (hand it back with `release`). */
  response(
    correlationId: bigint,
    errorCode: number,
    errorMessage: string,
    payload: Uint8Array,
  ): ChannelResponse {
    if (this.#responseOut) {
      return { type: 'ChannelResponse', correlationId, errorCode, errorMessage, payload };
    }
    this.#responseOut = true;
    const response = this.#response;
    response.correlationId = correlationId;
    response.errorCode = errorCode;
    response.errorMessage = errorMessage;
    response.payload = payload;
    return response;
  }

  /** Takes back `sent` once the transport's `send` returned (a message of its own: nothing). */
  release(sent: ChannelRequest | ChannelResponse): void {
    if (sent === this.#request) {
      this.#request.metadata = NO_METADATA_ENTRIES;
      this.#request.payload = EMPTY_PAYLOAD;
      this.#requestOut = false;
    } else if (sent === this.#response) {
      this.#response.errorMessage = '';
      this.#response.payload = EMPTY_PAYLOAD;
      this.#responseOut = false;
    }
  }
}
