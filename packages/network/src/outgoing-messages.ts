import type { PeerId } from '@tala-net/types';
import { type MetadataEntries, NO_METADATA_ENTRIES } from './metadata.js';
import type { ChannelMessage, ChannelRequest, ChannelResponse } from './network-messages.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

const EMPTY_PAYLOAD = new Uint8Array(0);

/**
 * The messages a network hands to its transport, one object per kind filled anew for each send:
 * a transport encodes or copies a message before its `send` returns (a receiver never sees what
 * the sender changes afterwards), so no send needs an object of its own. A send made while the
 * object of its kind is out (from a processor that a synchronous transport calls back during
 * `send`) gets a new one. {@link OutgoingMessages.release} takes an object back after `send`
 * and drops its payload and metadata, so that the network holds no application bytes.
 */
export class OutgoingMessages {
  readonly #message: Writable<ChannelMessage> = {
    type: 'ChannelMessage',
    channel: 0,
    metadata: NO_METADATA_ENTRIES,
    payload: EMPTY_PAYLOAD,
  };
  readonly #request: Writable<ChannelRequest>;
  readonly #response: Writable<ChannelResponse> = {
    type: 'ChannelResponse',
    correlationId: 0n,
    errorCode: 0,
    errorMessage: '',
    payload: EMPTY_PAYLOAD,
  };
  #messageOut = false;
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

  /** A `ChannelMessage` to send (hand it back with {@link OutgoingMessages.release}). */
  message(channel: number, metadata: MetadataEntries, payload: Uint8Array): ChannelMessage {
    if (this.#messageOut) return { type: 'ChannelMessage', channel, metadata, payload };
    this.#messageOut = true;
    const message = this.#message;
    message.channel = channel;
    message.metadata = metadata;
    message.payload = payload;
    return message;
  }

  /** A `ChannelRequest` from the local node to send (hand it back with `release`). */
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
  release(sent: ChannelMessage | ChannelRequest | ChannelResponse): void {
    if (sent === this.#message) {
      this.#message.metadata = NO_METADATA_ENTRIES;
      this.#message.payload = EMPTY_PAYLOAD;
      this.#messageOut = false;
    } else if (sent === this.#request) {
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
