/*
 * Direct calls for the reference's six kinds, the hottest messages of a node. The generic path
 * calls a definition's functions from one call site for every kind, which V8 cannot inline;
 * here each of the six has call sites of its own, so V8 inlines them and the six stay as fast as
 * a hand-written switch. The definitions remain the only implementation: these functions only
 * choose the call site, and any other definition takes the generic call with the same result.
 */
import { type Message, type MessageType, TalaError } from '@tala-net/types';
import type { ReadOptions } from './codec-options.js';
import { DEFAULT_MAX_FRAME_BYTES } from './codec-options.js';
import { decodeWith } from './decode.js';
import { defaultRegistry } from './default-registry.js';
import { definitionOfFrame } from './frame-header.js';
import { allocateFrame } from './frame-pool.js';
import type { AnyMessageDefinition } from './message-definition.js';
import { definitionOf } from './message-definition-of.js';
import { intentForwardMessage, segmentSyncMessage } from './partition-bytes-messages.js';
import { pingMessage, pongMessage } from './probe-messages.js';
import { referenceMessages } from './reference-messages.js';
import { membershipUpdateMessage, partitionTableUpdateMessage } from './versioned-list-messages.js';
import { writeU32 } from './wire-bytes.js';
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
 * `decode` of a whole frame with the default registry: the tag picks one of the six through a
 * call site of its own, any other tag goes through the registry.
 */
export function decodeReference(
  bytes: Uint8Array,
  maxFrameBytes: number,
  options: ReadOptions,
): Message {
  switch (bytes[0]) {
    case 0x01:
      return decodeWith(pingMessage, bytes, maxFrameBytes, options);
    case 0x02:
      return decodeWith(pongMessage, bytes, maxFrameBytes, options);
    case 0x03:
      return decodeWith(intentForwardMessage, bytes, maxFrameBytes, options);
    case 0x04:
      return decodeWith(segmentSyncMessage, bytes, maxFrameBytes, options);
    case 0x05:
      return decodeWith(membershipUpdateMessage, bytes, maxFrameBytes, options);
    case 0x06:
      return decodeWith(partitionTableUpdateMessage, bytes, maxFrameBytes, options);
    default:
      return decodeWith(
        definitionOfFrame(bytes, 0, defaultRegistry),
        bytes,
        maxFrameBytes,
        options,
      );
  }
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
 * through a call site of its own, any other type goes through the registry.
 */
export function encodeDefault(message: Message): Uint8Array {
  const type = typeof message === 'object' && message !== null ? message.type : undefined;
  switch (type) {
    case 'Ping':
      return frameOf(pingMessage, message, DEFAULT_MAX_FRAME_BYTES);
    case 'Pong':
      return frameOf(pongMessage, message, DEFAULT_MAX_FRAME_BYTES);
    case 'IntentForward':
      return frameOf(intentForwardMessage, message, DEFAULT_MAX_FRAME_BYTES);
    case 'SegmentSync':
      return frameOf(segmentSyncMessage, message, DEFAULT_MAX_FRAME_BYTES);
    case 'MembershipUpdate':
      return frameOf(membershipUpdateMessage, message, DEFAULT_MAX_FRAME_BYTES);
    case 'PartitionTableUpdate':
      return frameOf(partitionTableUpdateMessage, message, DEFAULT_MAX_FRAME_BYTES);
    default:
      return frameOf(definitionOf(message, defaultRegistry), message, DEFAULT_MAX_FRAME_BYTES);
  }
}

/**
 * `encode` of a message whose `definition` is known: checks every field and the size limit,
 * then writes the frame into memory of its own. Each of the six gets a call of its own.
 */
export function encodeFrame(
  definition: AnyMessageDefinition,
  message: Message,
  maxFrameBytes: number,
): Uint8Array {
  switch (definition) {
    case pingMessage:
      return frameOf(pingMessage, message, maxFrameBytes);
    case pongMessage:
      return frameOf(pongMessage, message, maxFrameBytes);
    case intentForwardMessage:
      return frameOf(intentForwardMessage, message, maxFrameBytes);
    case segmentSyncMessage:
      return frameOf(segmentSyncMessage, message, maxFrameBytes);
    case membershipUpdateMessage:
      return frameOf(membershipUpdateMessage, message, maxFrameBytes);
    case partitionTableUpdateMessage:
      return frameOf(partitionTableUpdateMessage, message, maxFrameBytes);
    default:
      return frameOf(definition, message, maxFrameBytes);
  }
}

function frameOf(
  definition: AnyMessageDefinition,
  message: Message,
  maxFrameBytes: number,
): Uint8Array {
  const m = message as never;
  const payload = definition.checkedPayloadLength(m);
  if (payload > maxFrameBytes) throw tooLarge(definition, payload, maxFrameBytes);
  const bytes = allocateFrame(HEADER_BYTES + payload);
  definition.writePayload(m, bytes, HEADER_BYTES);
  bytes[0] = definition.tag;
  writeU32(bytes, 1, payload);
  return bytes;
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
