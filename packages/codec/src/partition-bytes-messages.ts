import type { IntentForward, PartitionId, SegmentSync } from '@tala-net/types';
import { defineMessage } from './message-definition.js';
import { bytesAt, tooShort } from './payload-reader.js';
import { readU32, writeU32 } from './wire-bytes.js';
import { checkBytes, checkObject, checkU32 } from './wire-checks.js';
import { HEADER_BYTES } from './wire-layout.js';

/** Bytes of the partition id that opens IntentForward and SegmentSync. */
const PARTITION_BYTES = 4;

/** `IntentForward` (tag 0x03): partition u32, then the payload bytes to the end of the frame. */
export const intentForwardMessage = defineMessage({
  tag: 0x03,
  type: 'IntentForward',
  owner: '@tala-net/codec',
  payloadLength: (message) => PARTITION_BYTES + message.payload.length,
  checkedPayloadLength(message: IntentForward) {
    checkObject(message, 'IntentForward', 'message');
    checkU32(message.partition, 'IntentForward', 'partition');
    checkBytes(message.payload, 'IntentForward', 'payload');
    return PARTITION_BYTES + message.payload.length;
  },
  writePayload(message, bytes, at) {
    bytes.set(message.payload, at + PARTITION_BYTES);
    writeU32(bytes, at, message.partition);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < PARTITION_BYTES) {
      throw tooShort('IntentForward.partition', PARTITION_BYTES, end - at);
    }
    return {
      type: 'IntentForward',
      partition: readU32(bytes, at) as PartitionId,
      payload: bytesAt(bytes, at + PARTITION_BYTES, end, options.copy),
    };
  },
});

/** `SegmentSync` (tag 0x04): partition u32, then the segment bytes to the end of the frame. */
export const segmentSyncMessage = defineMessage({
  tag: 0x04,
  type: 'SegmentSync',
  owner: '@tala-net/codec',
  payloadLength: (message) => PARTITION_BYTES + message.segmentData.length,
  checkedPayloadLength(message: SegmentSync) {
    checkObject(message, 'SegmentSync', 'message');
    checkU32(message.partition, 'SegmentSync', 'partition');
    checkBytes(message.segmentData, 'SegmentSync', 'segmentData');
    return PARTITION_BYTES + message.segmentData.length;
  },
  writePayload(message, bytes, at) {
    bytes.set(message.segmentData, at + PARTITION_BYTES);
    writeU32(bytes, at, message.partition);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < PARTITION_BYTES) {
      throw tooShort('SegmentSync.partition', PARTITION_BYTES, end - at);
    }
    return {
      type: 'SegmentSync',
      partition: readU32(bytes, at) as PartitionId,
      segmentData: bytesAt(bytes, at + PARTITION_BYTES, end, options.copy),
    };
  },
});
