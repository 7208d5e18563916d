import {
  bytesAt,
  checkBytes,
  checkU16,
  checkU32,
  checkU64,
  corrupted,
  defaultRegistry,
  defineMessage,
  HEADER_BYTES,
  type MessageRegistry,
  readU16,
  readU32,
  readU64,
  tooShort,
  unencodable,
  writeU16,
  writeU32,
  writeU64,
} from '@tala-net/codec';
import type { NodeId } from '@tala-net/types';
import {
  type MetadataEntries,
  metadataBytes,
  metadataLength,
  NO_METADATA_ENTRIES,
  readMetadata,
  utf8Length,
  writeMetadata,
} from './metadata.js';

/** A one-way message on a channel (tag 0x30). */
export interface ChannelMessage {
  /** The kind of message. */
  readonly type: 'ChannelMessage';
  /** The channel's compact id (`channelId(name)`). */
  readonly channel: number;
  /** String metadata (bounded, see `MAX_METADATA_ENTRIES` and `MAX_METADATA_BYTES`). */
  readonly metadata: MetadataEntries;
  /** The application's bytes. */
  readonly payload: Uint8Array;
}

/** A request on a channel (tag 0x31); answered by a {@link ChannelResponse} with its `correlationId`. */
export interface ChannelRequest {
  /** The kind of message. */
  readonly type: 'ChannelRequest';
  /** Version of the request/response protocol the requester speaks (u16). */
  readonly version: number;
  /** Matches the response to the request (u64, unique per requester while pending). */
  readonly correlationId: bigint;
  /** The requesting node. */
  readonly source: NodeId;
  /** Milliseconds the requester still waits (u32): a responder may give up after it. */
  readonly budgetMs: number;
  /** The channel's compact id. */
  readonly channel: number;
  /** String metadata. */
  readonly metadata: MetadataEntries;
  /** The application's bytes. */
  readonly payload: Uint8Array;
}

/** The answer to a {@link ChannelRequest} (tag 0x32). */
export interface ChannelResponse {
  /** The kind of message. */
  readonly type: 'ChannelResponse';
  /** The request's correlation id. */
  readonly correlationId: bigint;
  /** 0 on success, otherwise one of `ErrorCode` (u16; unknown codes are kept as they are). */
  readonly errorCode: number;
  /** What went wrong, for people (UTF-8, ≤ 1,024 bytes; empty on success or when not given). */
  readonly errorMessage: string;
  /** The response bytes (empty on error). */
  readonly payload: Uint8Array;
}

declare module '@tala-net/types' {
  interface MessageMap {
    /** See {@link ChannelMessage}. */
    ChannelMessage: ChannelMessage;
    /** See {@link ChannelRequest}. */
    ChannelRequest: ChannelRequest;
    /** See {@link ChannelResponse}. */
    ChannelResponse: ChannelResponse;
  }
}

const OWNER = '@tala-net/network';
/** Longest error message of a response, in bytes. */
export const MAX_ERROR_MESSAGE_BYTES = 1024;
/** Fixed payload bytes of a channel message besides its metadata: channel (4). */
const MESSAGE_FIXED_BYTES = 4;
/** Fixed request bytes besides metadata: version (2), correlation (8), source (8), budget (4), channel (4). */
const REQUEST_FIXED_BYTES = 26;
/** Fixed response bytes: correlation (8), error code (2), error message length (2). */
const RESPONSE_FIXED_BYTES = 12;

/** Encoded payload size of a `ChannelMessage` with `metadata` (already checked) and `payload`. */
export function messagePayloadLength(metadata: MetadataEntries, payload: Uint8Array): number {
  return MESSAGE_FIXED_BYTES + metadataLength(metadata) + payload.length;
}

/**
 * Encoded payload size of a `ChannelRequest` with `metadata` (already checked) and `payload`:
 * the same for every attempt of a request, whatever its correlation id and budget.
 */
export function requestPayloadLength(metadata: MetadataEntries, payload: Uint8Array): number {
  return REQUEST_FIXED_BYTES + metadataLength(metadata) + payload.length;
}

function errorMessageBytes(message: ChannelResponse): number {
  const { errorMessage } = message;
  const length = typeof errorMessage === 'string' ? utf8Length(errorMessage) : -1;
  if (length < 0 || length > MAX_ERROR_MESSAGE_BYTES) {
    throw unencodable(
      'ChannelResponse.errorMessage',
      `a well-formed string of at most ${MAX_ERROR_MESSAGE_BYTES} UTF-8 bytes`,
      typeof errorMessage === 'string'
        ? `${length < 0 ? 'a lone surrogate' : `${length} bytes`}`
        : typeof errorMessage,
    );
  }
  return length;
}

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The `ChannelMessage` kind (tag 0x30): channel, metadata, then the payload to the frame's end. */
export const channelMessageMessage = defineMessage({
  tag: 0x30,
  type: 'ChannelMessage',
  owner: OWNER,
  payloadLength: (m) => messagePayloadLength(m.metadata, m.payload),
  checkedPayloadLength(m) {
    checkU32(m.channel, 'ChannelMessage', 'channel');
    checkBytes(m.payload, 'ChannelMessage', 'payload');
    return (
      MESSAGE_FIXED_BYTES + metadataBytes(m.metadata, 'ChannelMessage.metadata') + m.payload.length
    );
  },
  writePayload(m, bytes, at) {
    bytes.set(m.payload, at + MESSAGE_FIXED_BYTES + metadataLength(m.metadata));
    writeU32(bytes, at, m.channel);
    writeMetadata(m.metadata, bytes, at + 4);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < MESSAGE_FIXED_BYTES + 1) {
      throw tooShort('ChannelMessage.payload', MESSAGE_FIXED_BYTES + 1, end - at);
    }
    // No metadata (the common case) needs no reading and no result pair.
    let metadata = NO_METADATA_ENTRIES;
    let offset = at + 5;
    if (bytes[at + 4] !== 0) {
      [metadata, offset] = readMetadata(bytes, frameStart, at + 4, end, 'ChannelMessage.metadata');
    }
    return {
      type: 'ChannelMessage',
      channel: readU32(bytes, at),
      metadata,
      payload: bytesAt(bytes, offset, end, options.copy),
    };
  },
});

/**
 * The `ChannelRequest` kind (tag 0x31): version, correlation id, source, budget, channel,
 * metadata, then the payload to the frame's end.
 */
export const channelRequestMessage = defineMessage({
  tag: 0x31,
  type: 'ChannelRequest',
  owner: OWNER,
  payloadLength: (m) => requestPayloadLength(m.metadata, m.payload),
  checkedPayloadLength(m) {
    checkU16(m.version, 'ChannelRequest', 'version');
    checkU64(m.correlationId, 'ChannelRequest', 'correlationId');
    checkU64(m.source, 'ChannelRequest', 'source');
    checkU32(m.budgetMs, 'ChannelRequest', 'budgetMs');
    checkU32(m.channel, 'ChannelRequest', 'channel');
    checkBytes(m.payload, 'ChannelRequest', 'payload');
    return (
      REQUEST_FIXED_BYTES + metadataBytes(m.metadata, 'ChannelRequest.metadata') + m.payload.length
    );
  },
  writePayload(m, bytes, at) {
    bytes.set(m.payload, at + REQUEST_FIXED_BYTES + metadataLength(m.metadata));
    writeU16(bytes, at, m.version);
    writeU64(bytes, at + 2, m.correlationId);
    writeU64(bytes, at + 10, m.source);
    writeU32(bytes, at + 18, m.budgetMs);
    writeU32(bytes, at + 22, m.channel);
    writeMetadata(m.metadata, bytes, at + 26);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < REQUEST_FIXED_BYTES + 1) {
      throw tooShort('ChannelRequest.payload', REQUEST_FIXED_BYTES + 1, end - at);
    }
    // No metadata (the common case) needs no reading and no result pair.
    let metadata = NO_METADATA_ENTRIES;
    let offset = at + 27;
    if (bytes[at + 26] !== 0) {
      [metadata, offset] = readMetadata(bytes, frameStart, at + 26, end, 'ChannelRequest.metadata');
    }
    return {
      type: 'ChannelRequest',
      version: readU16(bytes, at),
      correlationId: readU64(bytes, at + 2),
      source: readU64(bytes, at + 10) as NodeId,
      budgetMs: readU32(bytes, at + 18),
      channel: readU32(bytes, at + 22),
      metadata,
      payload: bytesAt(bytes, offset, end, options.copy),
    };
  },
});

/**
 * The `ChannelResponse` kind (tag 0x32): correlation id, error code, error message (u16 length
 * and UTF-8), then the payload to the frame's end.
 */
export const channelResponseMessage = defineMessage({
  tag: 0x32,
  type: 'ChannelResponse',
  owner: OWNER,
  payloadLength: (m) =>
    RESPONSE_FIXED_BYTES +
    (m.errorMessage.length === 0 ? 0 : utf8Length(m.errorMessage)) +
    m.payload.length,
  checkedPayloadLength(m) {
    checkU64(m.correlationId, 'ChannelResponse', 'correlationId');
    checkU16(m.errorCode, 'ChannelResponse', 'errorCode');
    checkBytes(m.payload, 'ChannelResponse', 'payload');
    return RESPONSE_FIXED_BYTES + errorMessageBytes(m) + m.payload.length;
  },
  writePayload(m, bytes, at) {
    const messageLength = m.errorMessage.length === 0 ? 0 : utf8Length(m.errorMessage);
    bytes.set(m.payload, at + RESPONSE_FIXED_BYTES + messageLength);
    writeU64(bytes, at, m.correlationId);
    writeU16(bytes, at + 8, m.errorCode);
    writeU16(bytes, at + 10, messageLength);
    if (messageLength > 0) encoder.encodeInto(m.errorMessage, bytes.subarray(at + 12));
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < RESPONSE_FIXED_BYTES) {
      throw tooShort('ChannelResponse.payload', RESPONSE_FIXED_BYTES, end - at);
    }
    const messageLength = readU16(bytes, at + 10);
    if (
      messageLength > MAX_ERROR_MESSAGE_BYTES ||
      messageLength > end - at - RESPONSE_FIXED_BYTES
    ) {
      throw corrupted(
        'ChannelResponse.errorMessage length',
        at + 10 - frameStart,
        `at most ${Math.min(MAX_ERROR_MESSAGE_BYTES, end - at - RESPONSE_FIXED_BYTES)}`,
        `${messageLength}`,
      );
    }
    const messageAt = at + RESPONSE_FIXED_BYTES;
    let errorMessage = '';
    if (messageLength > 0) {
      try {
        errorMessage = strictUtf8.decode(bytes.subarray(messageAt, messageAt + messageLength));
      } catch {
        throw corrupted(
          'ChannelResponse.errorMessage',
          messageAt - frameStart,
          'valid UTF-8',
          'invalid bytes',
        );
      }
    }
    return {
      type: 'ChannelResponse',
      correlationId: readU64(bytes, at),
      errorCode: readU16(bytes, at + 8),
      errorMessage,
      payload: bytesAt(bytes, messageAt + messageLength, end, options.copy),
    };
  },
});

/** The three kinds of the network range (0x30–0x4f) that `@tala-net/network` owns. */
export const networkMessages = [
  channelMessageMessage,
  channelRequestMessage,
  channelResponseMessage,
] as const;

/**
 * Registers the network's kinds with `registry` (the codec's default registry unless given).
 * Idempotent. A `Network` does it for the registry it is given.
 *
 * @example
 * ```ts
 * registerNetworkMessages();
 * decode(encode({ type: 'ChannelMessage', channel: 1, metadata: [], payload: new Uint8Array(0) }));
 * ```
 */
export function registerNetworkMessages(registry: MessageRegistry = defaultRegistry): void {
  registry.register(...networkMessages);
}
