/*
 * Fast paths for the reference's six kinds, the hottest messages of a node. A call through
 * `definition.readPayload(…)` from one place for every kind is a generic call into code shared by
 * all kinds; here each of the six has call sites of its own, so that V8 compiles code for that
 * kind alone (and inlines it where its inlining budget allows). The definitions remain the only
 * implementation: these functions only choose the call site, and any other definition takes the
 * generic call with the same result. A shared helper that takes the definition as an argument
 * would merge the call sites again (V8 keeps one call feedback per function, not per caller).
 */
import { type Message, type MessageType, TalaError } from '@tala-net/types';
import type { ReadOptions } from './codec-options.js';
import { DEFAULT_MAX_FRAME_BYTES } from './codec-options.js';
import { decodeWith } from './decode.js';
import { defaultRegistry } from './default-registry.js';
import { definitionOfFrame } from './frame-header.js';
import { allocateFrame, allocateFrameToOverwrite } from './frame-pool.js';
import type { AnyMessageDefinition } from './message-definition.js';
import { definitionOf } from './message-definition-of.js';
import { intentForwardMessage, segmentSyncMessage } from './partition-bytes-messages.js';
import { pingMessage, pongMessage } from './probe-messages.js';
import { referenceMessages } from './reference-messages.js';
import { membershipUpdateMessage, partitionTableUpdateMessage } from './versioned-list-messages.js';
import { readU32, writeU32 } from './wire-bytes.js';
import { HEADER_BYTES } from './wire-layout.js';

/** The reference definition of `type`, or `undefined` for any other type. */
export function referenceDefinition(
  type: MessageType | undefined,
): AnyMessageDefinition | undefined {
  switch (type) {
    case 'Ping':
      return pingMessage;
    case 'Pong':
      return pongMessage;
    case 'IntentForward':
      return intentForwardMessage;
    case 'SegmentSync':
      return segmentSyncMessage;
    case 'MembershipUpdate':
      return membershipUpdateMessage;
    case 'PartitionTableUpdate':
      return partitionTableUpdateMessage;
    default:
      return undefined;
  }
}

/** The reference definitions by tag (0x01–0x06). */
const REFERENCE_BY_TAG: readonly (AnyMessageDefinition | undefined)[] = [
  undefined,
  ...referenceMessages,
];

/** The encoder of each reference kind, by tag (0x01–0x06); see {@link encodeFrame}. */
const REFERENCE_ENCODERS: readonly (
  | ((message: never, maxFrameBytes: number) => Uint8Array)
  | undefined
)[] = [
  undefined,
  encodePing,
  encodePong,
  encodeIntentForward,
  encodeSegmentSync,
  encodeMembershipUpdate,
  encodePartitionTableUpdate,
];

/** The reference definition of wire tag `tag`, or `undefined` for any other tag. */
export function referenceDefinitionOfTag(tag: number): AnyMessageDefinition | undefined {
  return REFERENCE_BY_TAG[tag];
}

/** `definition.checkedPayloadLength(message)`. */
export function checkedPayloadLength(definition: AnyMessageDefinition, message: Message): number {
  const m = message as never;
  switch (definition) {
    case pingMessage:
      return pingMessage.checkedPayloadLength(m);
    case pongMessage:
      return pongMessage.checkedPayloadLength(m);
    case intentForwardMessage:
      return intentForwardMessage.checkedPayloadLength(m);
    case segmentSyncMessage:
      return segmentSyncMessage.checkedPayloadLength(m);
    case membershipUpdateMessage:
      return membershipUpdateMessage.checkedPayloadLength(m);
    case partitionTableUpdateMessage:
      return partitionTableUpdateMessage.checkedPayloadLength(m);
    default:
      return definition.checkedPayloadLength(m);
  }
}

/** `definition.writePayload(message, bytes, at)`. */
export function writePayload(
  definition: AnyMessageDefinition,
  message: Message,
  bytes: Uint8Array,
  at: number,
): void {
  const m = message as never;
  switch (definition) {
    case pingMessage:
      pingMessage.writePayload(m, bytes, at);
      return;
    case pongMessage:
      pongMessage.writePayload(m, bytes, at);
      return;
    case intentForwardMessage:
      intentForwardMessage.writePayload(m, bytes, at);
      return;
    case segmentSyncMessage:
      segmentSyncMessage.writePayload(m, bytes, at);
      return;
    case membershipUpdateMessage:
      membershipUpdateMessage.writePayload(m, bytes, at);
      return;
    case partitionTableUpdateMessage:
      partitionTableUpdateMessage.writePayload(m, bytes, at);
      return;
    default:
      definition.writePayload(m, bytes, at);
      return;
  }
}

/**
 * `decode` of a whole frame with the default registry. The header is checked once, before the
 * tag picks one of the six, whose reader is called from a call site of its own; any other tag,
 * and any frame whose header is wrong, goes through the registry (which names the error).
 */
export function decodeReference(
  bytes: Uint8Array,
  maxFrameBytes: number,
  options: ReadOptions,
): Message {
  const end = bytes.length;
  const length = readU32(bytes, 1);
  if (length <= maxFrameBytes && end === HEADER_BYTES + length) {
    switch (bytes[0]) {
      case 0x01:
        return pingMessage.readPayload(bytes, 0, end, options);
      case 0x02:
        return pongMessage.readPayload(bytes, 0, end, options);
      case 0x03:
        return intentForwardMessage.readPayload(bytes, 0, end, options);
      case 0x04:
        return segmentSyncMessage.readPayload(bytes, 0, end, options);
      case 0x05:
        return membershipUpdateMessage.readPayload(bytes, 0, end, options);
      case 0x06:
        return partitionTableUpdateMessage.readPayload(bytes, 0, end, options);
    }
  }
  return decodeWith(definitionOfFrame(bytes, 0, defaultRegistry), bytes, maxFrameBytes, options);
}

/** `definition.readPayload(bytes, frameStart, end, options)`. */
export function readPayload(
  definition: AnyMessageDefinition,
  bytes: Uint8Array,
  frameStart: number,
  end: number,
  options: ReadOptions,
): Message {
  switch (definition) {
    case pingMessage:
      return pingMessage.readPayload(bytes, frameStart, end, options);
    case pongMessage:
      return pongMessage.readPayload(bytes, frameStart, end, options);
    case intentForwardMessage:
      return intentForwardMessage.readPayload(bytes, frameStart, end, options);
    case segmentSyncMessage:
      return segmentSyncMessage.readPayload(bytes, frameStart, end, options);
    case membershipUpdateMessage:
      return membershipUpdateMessage.readPayload(bytes, frameStart, end, options);
    case partitionTableUpdateMessage:
      return partitionTableUpdateMessage.readPayload(bytes, frameStart, end, options);
    default:
      return definition.readPayload(bytes, frameStart, end, options);
  }
}

/**
 * `encode` with the default registry and options: the message's type picks one of the six
 * without a registry lookup; any other type goes through the registry.
 */
export function encodeDefault(message: Message): Uint8Array {
  const type = typeof message === 'object' && message !== null ? message.type : undefined;
  const definition = referenceDefinition(type) ?? definitionOf(message, defaultRegistry);
  return encodeFrame(definition, message, DEFAULT_MAX_FRAME_BYTES);
}

/**
 * `encode` of a message whose `definition` is known: checks every field and the size limit,
 * then writes the frame into memory of its own.
 */
export function encodeFrame(
  definition: AnyMessageDefinition,
  message: Message,
  maxFrameBytes: number,
): Uint8Array {
  const m = message as never;
  if (REFERENCE_BY_TAG[definition.tag] === definition) {
    return REFERENCE_ENCODERS[definition.tag]!(m, maxFrameBytes);
  }
  const payload = definition.checkedPayloadLength(m);
  if (payload > maxFrameBytes) throw tooLarge(definition, payload, maxFrameBytes);
  const bytes = allocateFrame(HEADER_BYTES + payload);
  writeHeader(bytes, definition, payload);
  definition.writePayload(m, bytes, HEADER_BYTES);
  return bytes;
}

/*
 * One encoder per reference kind, each with call sites of its own for its kind's checker and
 * writer, so that V8 compiles each kind's whole encode into one function. They are called from
 * one shared call site, which V8 does not inline once it has seen several kinds: every kind then
 * costs one call into code made for it alone, instead of the kinds competing for one function's
 * inlining budget.
 */

function encodePing(message: never, maxFrameBytes: number): Uint8Array {
  const bytes = newFrame(pingMessage, pingMessage.checkedPayloadLength(message), maxFrameBytes);
  pingMessage.writePayload(message, bytes, HEADER_BYTES);
  return bytes;
}

function encodePong(message: never, maxFrameBytes: number): Uint8Array {
  const bytes = newFrame(pongMessage, pongMessage.checkedPayloadLength(message), maxFrameBytes);
  pongMessage.writePayload(message, bytes, HEADER_BYTES);
  return bytes;
}

function encodeIntentForward(message: never, maxFrameBytes: number): Uint8Array {
  const payload = intentForwardMessage.checkedPayloadLength(message);
  const bytes = newFrame(intentForwardMessage, payload, maxFrameBytes);
  intentForwardMessage.writePayload(message, bytes, HEADER_BYTES);
  return bytes;
}

function encodeSegmentSync(message: never, maxFrameBytes: number): Uint8Array {
  const payload = segmentSyncMessage.checkedPayloadLength(message);
  const bytes = newFrame(segmentSyncMessage, payload, maxFrameBytes);
  segmentSyncMessage.writePayload(message, bytes, HEADER_BYTES);
  return bytes;
}

function encodeMembershipUpdate(message: never, maxFrameBytes: number): Uint8Array {
  const payload = membershipUpdateMessage.checkedPayloadLength(message);
  const bytes = newFrame(membershipUpdateMessage, payload, maxFrameBytes);
  membershipUpdateMessage.writePayload(message, bytes, HEADER_BYTES);
  return bytes;
}

function encodePartitionTableUpdate(message: never, maxFrameBytes: number): Uint8Array {
  const payload = partitionTableUpdateMessage.checkedPayloadLength(message);
  const bytes = newFrame(partitionTableUpdateMessage, payload, maxFrameBytes);
  partitionTableUpdateMessage.writePayload(message, bytes, HEADER_BYTES);
  return bytes;
}

/**
 * Memory of its own for the frame of a reference kind with a checked payload of `payload` bytes,
 * its header written (a fresh frame is never a view of the message's byte fields, so the header
 * may go first). The reference writers write every byte, so a large frame's memory is not
 * zero-filled first. Throws `MessageTooLarge` when `payload` exceeds `maxFrameBytes`.
 */
function newFrame(
  definition: AnyMessageDefinition,
  payload: number,
  maxFrameBytes: number,
): Uint8Array {
  if (payload > maxFrameBytes) throw tooLarge(definition, payload, maxFrameBytes);
  const bytes = allocateFrameToOverwrite(HEADER_BYTES + payload);
  writeHeader(bytes, definition, payload);
  return bytes;
}

/** Writes the frame header `[tag][payload length]` at the start of `bytes`. */
function writeHeader(bytes: Uint8Array, definition: AnyMessageDefinition, payload: number): void {
  bytes[0] = definition.tag;
  writeU32(bytes, 1, payload);
}

/** The error of a message whose payload exceeds `maxFrameBytes`. */
export function tooLarge(
  definition: AnyMessageDefinition,
  payload: number,
  maxFrameBytes: number,
): TalaError {
  return new TalaError(
    'MessageTooLarge',
    `cannot encode ${definition.type}: its payload of ${payload} bytes exceeds maxFrameBytes ${maxFrameBytes}`,
  );
}
