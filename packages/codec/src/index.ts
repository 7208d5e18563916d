/**
 * The tala-net wire format: TLV frames `[tag:1][length:4 LE][payload]`, byte-identical to the
 * Rust reference for tags 0x01–0x06, the message registry through which other packages add their
 * kinds, and the streaming `FrameDecoder`. Strict and bounded on hostile input; browser-safe.
 * Re-exports the ids, message types and `TalaError` of `@tala-net/types` that its callers pass
 * and receive.
 *
 * @module @tala-net/codec
 */

export {
  type IntentForward,
  type MembershipUpdate,
  type Message,
  type MessageMap,
  type MessageType,
  NodeId,
  type PartitionAssignment,
  PartitionId,
  type PartitionTableUpdate,
  PeerId,
  type Ping,
  type Pong,
  type SegmentSync,
  TalaError,
  TalaErrorCode,
  type TalaErrorCodeMap,
} from '@tala-net/types';
export {
  type CountLimits,
  countLimit,
  DEFAULT_MAX_FRAME_BYTES,
  type DecodeOptions,
  type EncodeOptions,
  type ReadOptions,
} from './codec-options.js';
export { decode } from './decode.js';
export { defaultRegistry } from './default-registry.js';
export { encode, encodeInto, encodeIntoIfFits } from './encode.js';
export { encodedLength } from './encoded-length.js';
export { FrameDecoder, type FrameDecoderOptions, type UnknownFrame } from './frame-decoder.js';
export {
  type AnyMessageDefinition,
  defineMessage,
  type MessageDefinition,
} from './message-definition.js';
export { MessageRegistry } from './message-registry.js';
export { intentForwardMessage, segmentSyncMessage } from './partition-bytes-messages.js';
export { bytesAt, readCount, tooShort, trailing, wrongLength } from './payload-reader.js';
export { pingMessage, pongMessage } from './probe-messages.js';
export { referenceMessages } from './reference-messages.js';
export { membershipUpdateMessage, partitionTableUpdateMessage } from './versioned-list-messages.js';
export { isU64, readU16, readU32, readU64, writeU16, writeU32, writeU64 } from './wire-bytes.js';
export {
  checkArray,
  checkBoolean,
  checkBytes,
  checkObject,
  checkU16,
  checkU32,
  checkU64,
} from './wire-checks.js';
export { corrupted, unencodable } from './wire-error.js';
export { HEADER_BYTES, NODE_ID_BYTES } from './wire-layout.js';
